"""payer.py for an aggregator: a counter that never stops paying through Digiflazz or IAK, built
on the adapter directly (as `[host] adapter` will build it), killed with SIGKILL at random moments.

Usage: python aggregator_payer.py PROFILE CONFIG NUMBERS_FILE SEED   (pays until killed)
       python aggregator_payer.py PROFILE CONFIG sync DAYS            (one `loket sync --once`,
                                                  its clock DAYS days ahead: a quote of today
                                                  can no longer be paid then)
The username and key come from $LOKET_CRASH_USER and $LOKET_CRASH_KEY.
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from loket.clock import OffsetClock, iso
from loket.config import load_config
from loket.domain.accounts import Role
from loket.service.counter import PaymentRefused
from loket.service.runtime import build_runtime
from loket.store import cashiers, shifts
from loket.sync.lock import ForwarderLock
from loket.sync.runner import run_sync


def adapter(profile: str, url: str, clock):
    user, key = os.environ["LOKET_CRASH_USER"], os.environ["LOKET_CRASH_KEY"]
    if profile == "iak":
        from loket.host.iak import IakHost

        return IakHost(url, user, key, connect_timeout_s=1.0, read_timeout_s=1.0, clock=clock)
    from loket.host.digiflazz import DigiflazzHost

    return DigiflazzHost(url, user, key, sku="bpjs", testing=True, min_status_interval_s=0.0,
                         connect_timeout_s=1.0, read_timeout_s=1.0, clock=clock)


def pay_forever(rt, numbers: list[str], seed: int) -> None:
    rng = random.Random(seed)
    rt.counter.sleep = lambda s: time.sleep(min(s, 0.2))
    rt.counter.settings.pending_wait_s = 1.5
    if cashiers.get(rt.engine, "kasir1") is None:
        cashiers.add(rt.engine, "kasir1", "Kasir", "123456", iso(rt.clock.now()), Role.CASHIER,
                     "test")
    if shifts.current(rt.engine, "kasir1") is None:
        shifts.open_shift(rt.engine, "kasir1", 0, iso(rt.clock.now()))
    lock = ForwarderLock(rt.config.database.path)
    forwarder = rt.counter.forwarder
    if lock.acquire():
        forwarder.recover()
    for i in range(10_000):
        result = rt.counter.inquire(rng.choice(numbers))
        if result.bill is not None and not result.offline_refusal:
            try:
                payment = rt.counter.pay(result.bill, rt.counter.total_for(result.bill), "kasir1")
                print(payment.ref_id, payment.state, flush=True)
            except PaymentRefused:
                pass
        if lock.held and i % 3 == 2:
            forwarder.drain(force=True)


def main(profile: str, config_path: str, what: str, seed: str = "0") -> int:
    config = load_config(config_path)
    clock = OffsetClock()
    if what == "sync":
        clock.offset = timedelta(days=int(seed))
    rt = build_runtime(config, adapter(profile, config.host.url, clock), clock=clock)
    print("ready", flush=True)  # the crash test kills at a random moment from here on
    try:
        if what == "sync":
            return run_sync(rt, once=True, out=print)
        pay_forever(rt, Path(what).read_text().split(), int(seed))
        return 0
    finally:
        rt.close()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
