"""No month of a family is sold twice, whatever the order of look-ups, payments (with fresh or
stale bills), the host going down and coming back, and the queue being sent: a hypothesis state
machine over the real counter service, store and forwarder against the simulator on loopback.

After every step: the months covered by a family's payments that hold cash for the host
(awaiting it, or confirmed) never overlap; no payment ends owed back; and each confirmed payment
is at the host once, with the months the counter recorded.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from loket.domain.payment import covered_through
from loket.domain.states import MONTHS_SOLD, OWED_BACK, PaymentState
from loket.service.counter import PaymentRefused
from loket.store import payments
from tests.conftest import make_runtime, refs, start_sim

S = PaymentState
RUNS = itertools.count(1)
STEPS = itertools.count(1)


@pytest.fixture(scope="module")
def shared_sim():
    control = start_sim()
    yield control
    control.thread.stop()


@pytest.mark.timeout(900)
def test_no_month_is_sold_twice_in_any_interleaving(shared_sim):
    sim = shared_sim
    pool = iter(
        [
            c["card_no"]
            for c in sim.call("GET", "/_sim/customers?situation=current&limit=400").json()["data"][
                "customers"
            ]
        ]
    )

    class FamilyMonths(RuleBasedStateMachine):
        @initialize()
        def open_counter(self) -> None:
            run = next(RUNS)
            self.tmp = Path(tempfile.mkdtemp(prefix="loket-months-"))
            self.rt = make_runtime(self.tmp, sim)
            self.rt.counter.new_ref = refs(f"M{run:03d}-")  # the simulator is shared: unique refs
            self.rt.counter.settings.resolve_tries = 1
            self.families = [next(pool), next(pool)]
            self.up = True  # the previous run's teardown left the host up
            for number in self.families:
                assert self.rt.counter.inquire(number).usable  # known to this counter
            self.bills: list = []

        def teardown(self) -> None:
            self.host(up=True)
            if hasattr(self, "rt"):
                self.rt.close()
                shutil.rmtree(self.tmp, ignore_errors=True)

        @rule(up=st.booleans())
        def host(self, up: bool) -> None:
            if up != getattr(self, "up", True):  # only changes: a repeated signed call waits
                sim.faults("none" if up else "drop_before")
                self.up = up

        @rule(family=st.integers(0, 1), ahead=st.integers(0, 3))
        def look_up(self, family: int, ahead: int) -> None:
            result = self.rt.counter.inquire(self.families[family], ahead)
            if result.bill is not None:  # refused or not: a cashier may still hold it
                self.bills.append(result.bill)

        @precondition(lambda self: self.bills)
        @rule(data=st.data())
        def pay(self, data) -> None:
            """With the newest bill, or an older one still on another screen."""
            bill = data.draw(st.sampled_from(self.bills))
            with contextlib.suppress(PaymentRefused):  # refused: nothing recorded
                self.rt.counter.pay(bill, self.rt.counter.total_for(bill), "latihan")

        @rule()
        def send_the_queue(self) -> None:
            self.rt.counter.forwarder.drain(force=True)

        @invariant()
        def months_sold_once(self) -> None:
            if not hasattr(self, "rt"):
                return
            held = payments.in_states(self.rt.engine, MONTHS_SOLD)
            months = Counter((p.family_no, m) for p in held for m in p.periods)
            assert [k for k, n in months.items() if n > 1] == []
            assert all(covered_through(p) is not None for p in held)
            owed = payments.in_states(self.rt.engine, OWED_BACK)
            assert owed == [], [(p.ref_id, p.host_rc, p.host_message) for p in owed]
            mine = {p.ref_id: p for p in payments.in_states(self.rt.engine, set(S))}
            # a query that differs each time: identical signed requests are spaced a second apart
            ledger = sim.call("GET", f"/_sim/ledger?step={next(STEPS)}").json()["data"]["entries"]
            booked = [e for e in ledger if e["ref_id"] in mine]
            assert all(n == 1 for n in Counter(e["ref_id"] for e in booked).values())
            for entry in booked:
                local = mine[entry["ref_id"]]
                assert entry["periods"] == [str(m) for m in local.periods]

    FamilyMonths.TestCase.settings = settings(
        max_examples=int(os.environ.get("LOKET_INTERLEAVINGS", "60")),
        stateful_step_count=14,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    FamilyMonths.TestCase().runTest()
