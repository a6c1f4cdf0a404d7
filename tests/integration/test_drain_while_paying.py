"""New payments taken while the queue drains are each posted once (issue 18; Stripe Terminal's
stripe-terminal-android #747: queued offline payments forwarded 2-4 times when a new offline
payment was taken while the queue drained).

Over real loopback HTTP against the simulator, native and Digiflazz profiles, in many seeded
interleavings: payments are queued offline, the host comes back slow, and while ``loket sync``
(the real runner, in its own runtime on the same database, as cron starts it) drains, the
counter takes more payments the host is too slow for — queued offline — and after each one asks
its own forwarder to send now (the counter window's F5: ``Forwarding.turn``, in a worker thread
of its own as the TUI runs it); in some rounds ``loket serve``'s POS pays online at the same
time. Afterwards every payment is final and in the host's ledger exactly once, and was sent
exactly once: one payment call each (the native host would hide a second send of the same
``ref_id`` behind its idempotency; the local trail does not).
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from loket.domain.offline import OfflineLimits
from loket.domain.states import PaymentState
from loket.service.deposit_watch import DepositWatch
from loket.service.forwarding import ELSEWHERE, SERVE_FORWARDS, run_sync
from loket.store import attempts, payments
from loket.sync.forwarder import Forwarder
from loket.sync.lock import Forwarding
from tests.conftest import make_runtime, refs, start_sim
from tests.integration import digiflazz_support as dg

S = PaymentState
ROUNDS = int(os.environ.get("LOKET_DRAIN_ROUNDS", "6"))
LEDGER_READS = itertools.count(1)
UNSETTLED = {S.RECORDED, S.QUEUED, S.SENDING, S.PENDING, S.UNKNOWN, S.REJECTED}
ROOMY = OfflineLimits(max_total=100_000_000, max_count=1_000)  # the test's own queue only


@dataclass
class Site:
    """One profile's simulator and how a runtime and a too-impatient host are made for it."""

    profile: str
    sim: object
    numbers: list[str]

    def runtime(self, tmp: Path):
        if self.profile == "digiflazz":
            return dg.runtime(tmp, self.sim)
        return make_runtime(tmp, self.sim)

    def impatient_host(self, timeout_s: float):
        """The counter's adapter, with a deadline the slow host cannot meet: to the counter the
        host is down, so it prices and queues offline."""
        kw = {
            "connect_timeout_s": timeout_s,
            "read_timeout_s": timeout_s,
            "total_timeout_s": timeout_s,
        }
        if self.profile == "digiflazz":
            return dg.adapter(self.sim, **kw)
        return self.sim.host(**kw)

    def offline_bill(self, rt, number: str):
        """The bill the counter takes offline for ``number``: the host is too slow for it."""
        found = rt.counter.inquire(number)
        assert found.host_down, (number, found.error)
        assert found.bill is not None and found.offline and not found.refusal, found
        return found.bill

    def booked(self) -> list[dict]:
        # a query that differs each time: identical signed requests are spaced a second apart
        return self.sim.call("GET", f"/_sim/ledger?read={next(LEDGER_READS)}").json()["data"][
            "entries"
        ]


@pytest.fixture(scope="module", params=["loket", "digiflazz"])
def site(request):
    sim = dg.start_digiflazz() if request.param == "digiflazz" else start_sim()
    found = sim.call("GET", "/_sim/customers?situation=current&limit=2000").json()
    yield Site(request.param, sim, [c["card_no"] for c in found["data"]["customers"]])
    sim.thread.stop()


@dataclass
class Timeline:
    """When drains held the forwarder and when payments were recorded (monotonic seconds)."""

    drains: list[tuple[float, float]] = field(default_factory=list)
    turns: Counter = field(default_factory=Counter)  # who drained, and who stood aside
    recorded: dict[str, float] = field(default_factory=dict)
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def during_a_drain(self, ref_id: str) -> bool:
        at = self.recorded[ref_id]
        return any(start <= at <= end for start, end in self.drains)

    def guard(self, work):
        def run(*args):
            try:
                work(*args)
            except BaseException as exc:  # reported by the test, not lost in a thread
                with self.lock:
                    self.errors.append(exc)

        return run


def take(rt, bill, timeline: Timeline):
    """The cashier takes the cash for ``bill`` (recorded first: its time is noted then)."""
    return rt.counter.pay(
        bill,
        rt.counter.total_for(bill),
        "latihan",
        progress=lambda p: timeline.recorded.setdefault(p.ref_id, time.monotonic()),
    )


def pay_online(rt, number: str, timeline: Timeline):
    found = rt.counter.inquire(number)
    assert found.bill is not None and not found.offline and not found.refusal, found
    return take(rt, found.bill, timeline)


def one_round(site: Site, seed: int) -> dict:
    rng = random.Random(seed)
    sim = site.sim
    tmp = Path(tempfile.mkdtemp(prefix=f"loket-drain-{site.profile}-"))
    before = [site.numbers.pop() for _ in range(rng.randint(2, 6))]
    during = [site.numbers.pop() for _ in range(rng.randint(3, 8))]
    online = [site.numbers.pop() for _ in range(rng.choice([0, 0, 2, 3]))]
    latency_ms = rng.choice([100, 200, 300])
    window = site.runtime(tmp)  # the counter's window
    cron = site.runtime(tmp)  # `loket sync --once`, another process on the same database
    pos = site.runtime(tmp)  # `loket serve`'s POS desk, paying online
    for rt, prefix in ((window, "W"), (cron, "C"), (pos, "P")):
        rt.counter.new_ref = refs(f"{site.profile[0]}{seed:03d}{prefix}-")
        rt.counter.settings.offline = ROOMY
        rt.counter.settings.resolve_tries = 1
    timeline = Timeline()
    taken: list[str] = []  # the counter's payments taken while the queue drains
    try:
        for number in before + during + online:  # looked up online: known to this counter
            found = window.counter.inquire(number)
            assert found.usable, (number, found)
        sim.faults("drop_before")  # the line is down: the first payments are queued
        queued = [take(window, site.offline_bill(window, n), timeline) for n in before]
        assert {p.state for p in queued} == {S.QUEUED}

        sim.faults("slow", rate=1.0, latency_ms=latency_ms)  # back, but slow
        impatient = site.impatient_host(latency_ms / 1000 / 4)
        window.closers.append(impatient.close)
        window.counter.host = DepositWatch(impatient, window.engine, window.clock)
        forwarding = Forwarding(window.database_path)  # one per process, as the TUI keeps it
        window_forwarder = Forwarder(window.engine, window.host, window.clock, actor="counter")
        draining = threading.Event()
        stop = threading.Event()
        workers: list[threading.Thread] = []
        latency = latency_ms / 1000
        pause = {
            name: random.Random(f"{seed}-{name}") for name in ("cron", "timer", "counter", "pos")
        }

        def noted(who: str, start: float, drained: bool) -> None:
            with timeline.lock:
                timeline.turns[who] += 1
                if drained:
                    timeline.drains.append((start, time.monotonic()))

        def cron_job() -> None:  # `loket sync --once`, started again and again
            while not stop.is_set():
                start = time.monotonic()
                draining.set()
                said: list[str] = []
                run_sync(cron, once=True, out=said.append)
                drained = not {ELSEWHERE, SERVE_FORWARDS} & set(said)  # else it stood aside
                noted("sync" if drained else "sync: locked", start, drained)
                time.sleep(pause["cron"].uniform(0, 3 * latency))

        def window_turn(force: bool) -> None:
            start = time.monotonic()
            turn = forwarding.turn(window_forwarder, force=force)
            noted("window" if turn.ran else f"window: {turn.skipped}", start, turn.ran)

        def window_timer() -> None:  # the window's own interval
            while not stop.is_set():
                draining.set()
                window_turn(force=False)
                time.sleep(pause["timer"].uniform(0, 2 * latency))

        def counter() -> None:
            draining.wait(10)
            for number in during:
                time.sleep(pause["counter"].uniform(0, 2 * latency))
                bill = site.offline_bill(window, number)
                taken.append(take(window, bill, timeline).ref_id)
                # then F5, in a worker thread of its own (as the TUI runs it)
                worker = threading.Thread(target=timeline.guard(window_turn), args=(True,))
                workers.append(worker)
                worker.start()

        def pos_desk() -> None:
            draining.wait(10)
            for number in online:
                time.sleep(pause["pos"].uniform(0, latency))
                pay_online(pos, number, timeline)

        drainers = [threading.Thread(target=timeline.guard(t)) for t in (cron_job, window_timer)]
        payers = [threading.Thread(target=timeline.guard(t)) for t in (counter, pos_desk)]
        for t in drainers + payers:
            t.start()
        for t in payers:
            t.join(120)
        deadline = time.monotonic() + 60  # the drains go on, still slow, until all is sent
        while payments.in_states(window.engine, UNSETTLED) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        for t in drainers + workers:
            t.join(120)
        forwarding.release()
        assert timeline.errors == [], timeline.errors
        check(site, window, timeline)
        return {
            "payments": len(timeline.recorded),
            "taken_during_a_drain": sum(map(timeline.during_a_drain, taken)),
            "turns": dict(timeline.turns),
        }
    finally:
        sim.faults("none")
        for rt in (window, cron, pos):
            rt.close()
        shutil.rmtree(tmp, ignore_errors=True)


def check(site: Site, rt, timeline: Timeline) -> None:
    mine = {p.ref_id: p for p in payments.in_states(rt.engine, set(S))}
    assert set(mine) == set(timeline.recorded)
    states = Counter(p.state for p in mine.values())
    assert states == {S.SUCCESS: len(mine)}, [
        (p.ref_id, p.state, p.host_message) for p in mine.values() if p.state != S.SUCCESS
    ]
    host_ref = {}  # host reference -> the payment whose attempt used it
    for payment in mine.values():
        trail = [e.to_state for e in payments.events(rt.engine, payment.ref_id)]
        assert trail.count(S.SENDING) == 1 and payment.attempts == 1, (payment.ref_id, trail)
        for attempt in attempts.of(rt.engine, payment.id):
            host_ref.setdefault(attempt.host_ref, payment.ref_id)
    booked = [e for e in site.booked() if e["ref_id"] in host_ref]
    posted = Counter(host_ref[e["ref_id"]] for e in booked)
    assert posted == Counter(set(mine)), posted  # each payment booked, exactly once
    months = Counter((e["va_no"], m) for e in booked for m in e["periods"])
    assert [k for k, n in months.items() if n > 1] == []


@pytest.mark.timeout(900)
def test_payments_taken_while_the_queue_drains_are_each_posted_once(site):
    seen = [one_round(site, seed) for seed in range(ROUNDS)]
    print(f"\n{site.profile}: {seen}")
    # the interleaving did happen: payments were recorded while a drain held the forwarder
    assert sum(r["taken_during_a_drain"] for r in seen) >= ROUNDS
