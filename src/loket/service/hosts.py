"""The host adapter a configuration names, built in one place for the counter and `loket host
check` alike. Only the adapter named is imported (a command pays for the host it speaks to)."""

from __future__ import annotations

from loket.clock import Clock
from loket.config import HostConfig
from loket.host.base import HostAdapter
from loket.host.registry import Reach, kind


def make_host(h: HostConfig, url: str, key: str, clock: Clock | None = None) -> HostAdapter:
    """``url`` and ``key`` are given apart: training mode points the adapter at its simulator."""
    return kind(h.adapter).build(
        Reach(
            url=url,
            account=h.account,
            key=key,
            connect_timeout_s=h.connect_timeout_s,
            read_timeout_s=h.read_timeout,
            total_timeout_s=h.total_timeout_s,
            status_interval_s=h.status_interval_s,
            late_request_s=h.late_request,
            sku=h.sku,
            testing=h.testing,
            clock=clock,
        )
    )
