"""A counter that never stops paying: the crash test kills it with SIGKILL at random moments.

Usage: python payer.py CONFIG NUMBERS_FILE SEED
Prints ``ready`` once started, then a line per payment (tests/crash/killer.py times its kill
from them). Pays through the same service layer as the counter; like the TUI it takes the forwarder lock,
recovers what a previous run left SENDING, and drains the queue every few payments.
"""

import random
import sys
import time
from pathlib import Path

from loket.cli import boot
from loket.clock import iso
from loket.config import load_config
from loket.domain.accounts import Role
from loket.service.counter import PaymentRefused
from loket.store import cashiers, shifts
from loket.sync.lock import ForwarderLock


def pay_forever(rt, numbers: list[str], seed: int) -> None:
    """Pay random numbers until killed, as ``kasir1``; drain the queue every few payments while
    this process holds the forwarder lock. Shared by the aggregator payer."""
    rng = random.Random(seed)
    rt.counter.sleep = lambda s: time.sleep(min(s, 0.2))
    rt.counter.settings.pending_wait_s = 1.5
    if cashiers.get(rt.engine, "kasir1") is None:
        cashiers.add(
            rt.engine, "kasir1", "Kasir", "123456", iso(rt.clock.now()), Role.CASHIER, "test"
        )
    if shifts.current(rt.engine, "kasir1") is None:
        shifts.open_shift(rt.engine, "kasir1", 0, iso(rt.clock.now()))
    lock = ForwarderLock(rt.config.database.path)
    forwarder = rt.counter.forwarder
    if lock.acquire():
        forwarder.recover()
    for i in range(10_000):
        result = rt.counter.inquire(rng.choice(numbers))
        if result.bill is not None and not result.refusal:
            try:
                payment = rt.counter.pay(result.bill, rt.counter.total_for(result.bill), "kasir1")
                print(payment.ref_id, payment.state, flush=True)
            except PaymentRefused:
                pass
        if lock.held and i % 3 == 2:
            forwarder.drain(force=True)


def main(config_path: str, numbers_path: str, seed: int) -> None:
    rt = boot.start(load_config(config_path))
    print("ready", flush=True)
    pay_forever(rt, Path(numbers_path).read_text().split(), seed)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
