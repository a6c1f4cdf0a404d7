"""`loket host check`: the configured host, checked the way a new agent needs it, then this
counter's queue; the findings come from ``service/host_check.py``, this only prints them."""

from __future__ import annotations

from loket.cli import boot
from loket.cli.commands import resolve_config
from loket.clock import MachineClock, SystemClock
from loket.service.host_check import check_host


def run(args) -> int:
    config = resolve_config(args)
    h = config.host
    with boot.host_only(config) as (host, url):
        result = check_host(host, MachineClock(), url, sku=h.sku, testing=h.testing)
    # the queue's age on the business clock its payments were taken on
    result.add_queue(config.database.path, SystemClock().now())
    for finding in result.findings:
        print(finding)
    return 0 if result.ready else 1
