"""A counter on Digiflazz or IAK loses its host: two families it looked up by card that morning
are each paid offline at their own price, and once the host is back each is posted once, at the
premium collected — over real loopback HTTP against the simulator's profiles (issue 18, finding 5).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from loket.clock import FixedClock
from loket.config import training_config
from loket.domain.states import PaymentState
from loket.host.digiflazz.client import DigiflazzHost
from loket.host.iak.client import IakHost
from loket.printing.backends import Delivery, PrinterSettings
from loket.service.runtime import Runtime, build_runtime
from loket.sim.app import SimSettings
from loket.sim.server import SimThread
from loket.store import families, payments, shifts
from tests.conftest import AGENT, KEY, NOW, SimControl, refs

S = PaymentState
FAMILY = "0001000000011"  # three people, Kelas III, owes the current month: Rp 105.000


class RestartableSim:
    """A profile simulator on one port and one ledger file, stopped and started again like a host
    that goes away for a while and comes back with everything it had booked."""

    def __init__(self, profile: str, db: Path) -> None:
        self.profile, self.db, self.clock, self.port = profile, db, FixedClock(NOW), 0
        self.control: SimControl | None = None

    def start(self) -> SimControl:
        settings = SimSettings(
            agent_id=AGENT,
            key=KEY,
            db_path=str(self.db),
            families=60_000,
            profile=self.profile,
            clock=self.clock,
            pending_delay_s=1.0,
            min_status_interval_s=0.0,
        )
        thread = SimThread(settings, port=self.port).start()
        self.port = thread.port
        self.control = SimControl(thread, self.clock)
        return self.control

    def stop(self) -> None:
        assert self.control is not None
        self.control.thread.stop()


@pytest.fixture(params=["digiflazz", "iak"])
def sim(request, tmp_path):
    restartable = RestartableSim(request.param, tmp_path / "sim.db")
    restartable.start()
    yield restartable
    restartable.stop()


def host_for(sim: RestartableSim):
    assert sim.control is not None
    url, clock = sim.control.url, sim.clock
    if sim.profile == "digiflazz":
        return DigiflazzHost(
            url,
            AGENT,
            KEY,
            testing=True,
            min_status_interval_s=0.0,
            clock=clock,
            connect_timeout_s=1.0,
            read_timeout_s=5.0,
        )
    return IakHost(url, AGENT, KEY, clock=clock, connect_timeout_s=1.0, read_timeout_s=5.0)


@pytest.fixture
def rt(tmp_path, sim):
    config = training_config(tmp_path)
    config.host.agent_id = AGENT
    runtime = build_runtime(
        config,
        host_for(sim),
        clock=sim.clock,
        new_ref=refs(),
        training_pin="123456",
        delivery=Delivery(PrinterSettings(backend="dummy")),
    )
    shifts.open_shift(runtime.engine, "latihan", 100_000, "2026-11-21T08:00:00+07:00")
    runtime.counter.sleep = lambda _s: time.sleep(0.05)
    runtime.counter.settings.pending_wait_s = 0.0
    yield runtime
    runtime.close()


def another_family(sim: RestartableSim) -> str:
    """A family from the simulator's population that owes only this month, and is not as big as
    the fixed one (so its premium differs)."""
    assert sim.control is not None
    found = sim.control.call("GET", "/_sim/customers?situation=current&limit=40").json()
    return next(c["card_no"] for c in found["data"]["customers"] if c["members"] not in (0, 3))


def test_two_families_looked_up_by_card_are_paid_offline_each_at_its_price_and_posted_once(
    rt: Runtime, sim: RestartableSim
):
    cards = (FAMILY, another_family(sim))
    seen = {card: rt.counter.inquire(card).bill for card in cards}
    assert all(bill is not None and bill.count_only and bill.va_no == "" for bill in seen.values())
    assert seen[cards[0]].premium != seen[cards[1]].premium  # type: ignore[union-attr]

    sim.stop()
    queued = []
    for card in cards:
        offline = rt.counter.inquire(card)
        assert offline.offline and not offline.refusal, offline.refusal
        bill = offline.bill
        assert bill is not None and bill.priced_offline
        assert (bill.premium, bill.member_count) == (
            seen[card].premium,  # type: ignore[union-attr]
            seen[card].member_count,
        )  # type: ignore[union-attr]
        payment = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
        assert payment.state == S.QUEUED and payment.customer_no == card
        queued.append(payment)

    back = sim.start()
    rt.counter.forwarder.drain(force=True)
    done = [payments.get(rt.engine, p.ref_id) for p in queued]
    assert [p.state for p in done] == [S.SUCCESS, S.SUCCESS]  # type: ignore[union-attr]
    posted = sorted(e["premium"] for e in back.ledger())
    assert posted == sorted(p.premium for p in queued)  # each once, at the premium collected
    for card in cards:  # confirmed: each family is known paid through this month
        assert families.find(rt.engine, card).paid_through == "2026-11"  # type: ignore[union-attr]
