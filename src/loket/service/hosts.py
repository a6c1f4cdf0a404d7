"""The host adapter a configuration names, built in one place for the counter and `loket host
check` alike. Only the adapter named is imported (a command pays for the host it speaks to)."""

from __future__ import annotations

from loket.clock import Clock
from loket.config import HostConfig
from loket.host.base import HostAdapter


def make_host(h: HostConfig, url: str, key: str, clock: Clock | None = None) -> HostAdapter:
    """``url`` and ``key`` are given apart: training mode points the adapter at its simulator."""
    if h.adapter == "digiflazz":
        from loket.host.digiflazz import DigiflazzHost

        return DigiflazzHost(url, h.username, key, sku=h.sku, testing=h.testing,
                             min_status_interval_s=h.status_interval_s,
                             connect_timeout_s=h.connect_timeout_s,
                             read_timeout_s=h.read_timeout, total_timeout_s=h.total_timeout_s,
                             late_request_s=h.late_request, clock=clock)
    if h.adapter == "iak":
        from loket.host.iak import IakHost

        return IakHost(url, h.username, key, min_status_interval_s=h.status_interval_s,
                       connect_timeout_s=h.connect_timeout_s, read_timeout_s=h.read_timeout,
                       total_timeout_s=h.total_timeout_s, late_request_s=h.late_request,
                       clock=clock)
    from loket.host.native import NativeHost

    return NativeHost(url, h.agent_id, key, h.connect_timeout_s, h.read_timeout,
                      total_timeout_s=h.total_timeout_s)
