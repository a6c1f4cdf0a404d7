"""What independent Digiflazz and IAK servers got past loket (issue 18), replayed over loopback HTTP
against the bundled simulator's hostile modes: a host that books a payment and then lies about it.

- A failure that names no transaction, after the host booked: an unknown outcome, settled by
  status — never cash owed back.
- A payment request that arrives late: "not found" at status proves nothing while it may still
  arrive; no new host reference is minted meanwhile (a test number, which no family check
  protects, would be booked twice).
- "Failed" after "pending", while booked: asked again after the polling interval; the success wins.
"""

from __future__ import annotations

import time

import pytest

from loket.config import training_config
from loket.domain.attempts import AttemptState
from loket.domain.outcomes import Outcome
from loket.domain.states import PaymentState
from loket.host.base import HostReply
from loket.host.digiflazz.client import DigiflazzHost
from loket.host.iak.client import IakHost
from loket.printing.backends import Delivery, PrinterSettings
from loket.service.runtime import Runtime, build_runtime
from loket.store import attempts, payments, shifts
from tests.conftest import KEY, SimControl, refs
from tests.sim_profiles.conftest import USERNAME, start_profile_sim

S, A = PaymentState, AttemptState
PROFILES = ["digiflazz", "iak"]
FAMILY = "0001000000011"  # a fixed family: the host's own family check guards it
TEST_NUMBER = "8801234560001"  # a documented success number: nothing guards it but loket
LATE_MS = 2500  # the payment request is booked this late; the adapter gives up after 1 s


def counter(tmp_path, profile: str, **options) -> tuple[SimControl, Runtime]:
    sim = start_profile_sim(profile)
    timeouts = {
        "connect_timeout_s": 0.5,
        "read_timeout_s": 0.5,
        "min_status_interval_s": 0.0,
        "clock": sim.clock,
    } | options
    host: DigiflazzHost | IakHost
    if profile == "digiflazz":
        host = DigiflazzHost(sim.url, USERNAME, KEY, testing=True, **timeouts)
    else:
        host = IakHost(sim.url, USERNAME, KEY, **timeouts)
    config = training_config(tmp_path)
    config.host.agent_id = USERNAME
    rt = build_runtime(
        config,
        host,
        clock=sim.clock,
        new_ref=refs(),
        training_pin="123456",
        delivery=Delivery(PrinterSettings(backend="dummy")),
    )
    shifts.open_shift(rt.engine, "latihan", 100_000, "2026-11-21T08:00:00+07:00")
    rt.counter.settings.pending_wait_s = 0.0  # the counter's first answer is the pay reply's
    rt.counter.settings.resolve_tries = 0
    return sim, rt


@pytest.fixture
def site(request, tmp_path):
    made: list[tuple[SimControl, Runtime]] = []

    def make(profile: str, **options) -> tuple[SimControl, Runtime]:
        made.append(counter(tmp_path, profile, **options))
        return made[-1]

    yield make
    for sim, rt in made:
        rt.close()
        sim.thread.stop()


def pay(sim: SimControl, rt: Runtime, number: str, mode: str, latency_ms: int = 0):
    """Look the number up, then pay it with the host in ``mode``."""
    found = rt.counter.inquire(number)
    assert found.bill is not None, found.error
    sim.faults(mode, latency_ms=latency_ms)
    try:
        return rt.counter.pay(found.bill, rt.counter.total_for(found.bill), "latihan")
    finally:
        sim.faults("none")


def states_passed(rt: Runtime, ref_id: str) -> list[str]:
    with rt.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT e.to_state FROM paymentevent e JOIN payment p ON p.id = e.payment_id "
            "WHERE p.ref_id = ? ORDER BY e.id",
            (ref_id,),
        )
        return [r[0] for r in rows]


def first_quote(rt: Runtime, ref_id: str) -> str:
    return tried(rt, ref_id)[0].host_ref


def tried(rt: Runtime, ref_id: str):
    payment = payments.get(rt.engine, ref_id)
    assert payment is not None
    return attempts.of(rt.engine, payment.id)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("number", [FAMILY, TEST_NUMBER])
def test_a_failure_naming_no_transaction_after_booking_owes_no_cash_back(site, profile, number):
    sim, rt = site(profile)
    first = pay(sim, rt, number, "fail_unnamed")
    assert first.state == S.UNKNOWN, first.message  # not REFUND_DUE: the host may have booked it
    done = rt.counter.forwarder.forward(first.ref_id)
    assert done.state == S.SUCCESS and done.host_sn
    assert S.REFUND_DUE not in states_passed(rt, first.ref_id)
    assert len(sim.ledger()) == 1


@pytest.mark.parametrize("profile", PROFILES)
def test_a_late_payment_request_is_waited_for_not_paid_again(site, profile):
    sim, rt = site(profile)
    first = pay(sim, rt, TEST_NUMBER, "late_booking", LATE_MS)
    assert first.state == S.UNKNOWN  # the adapter gave up after 1 s; the request is on its way
    asked = rt.counter.forwarder.forward(first.ref_id)
    if profile == "digiflazz":  # "not found" is no news while it may arrive: no new reference
        assert sim.ledger() == [] and asked.state == S.UNKNOWN
        assert [a.state for a in tried(rt, first.ref_id)] == [A.UNKNOWN]
    else:  # IAK pays a tr_id once: the same quote is paid again, never a new one
        assert {a.host_ref for a in tried(rt, first.ref_id)} == {first_quote(rt, first.ref_id)}
    time.sleep(LATE_MS / 1000 + 0.5)  # the first request lands and is booked
    done = rt.counter.forwarder.forward(first.ref_id)
    assert done.state == S.SUCCESS
    [booked] = sim.ledger()  # once, although the number has no family check at the host
    assert booked["ref_id"] in {a.host_ref for a in tried(rt, first.ref_id)}


def test_a_request_that_never_arrives_is_paid_anew_once_it_no_longer_can(site):
    sim, rt = site("digiflazz", late_request_s=120.0)
    first = pay(sim, rt, TEST_NUMBER, "drop_before")
    assert first.state == S.UNKNOWN
    assert rt.counter.forwarder.forward(first.ref_id).state == S.UNKNOWN  # it may still come
    sim.clock.advance(seconds=1.0 + 119.0)  # the deadline (1 s) and the window, not quite
    assert rt.counter.forwarder.forward(first.ref_id).state == S.UNKNOWN
    assert len(tried(rt, first.ref_id)) == 1
    sim.clock.advance(seconds=1.0)
    done = rt.counter.forwarder.forward(first.ref_id)
    assert done.state == S.SUCCESS
    assert [a.state for a in tried(rt, first.ref_id)] == [A.NOT_POSTED, A.SUCCESS]
    assert len(sim.ledger()) == 1


@pytest.mark.parametrize("profile", PROFILES)
def test_failed_after_pending_is_asked_again_and_the_booking_wins(site, profile):
    sim, rt = site(profile, min_status_interval_s=60.0)
    first = pay(sim, rt, FAMILY, "pending_flip")
    assert first.state == S.PENDING
    sim.clock.advance(seconds=61)
    flipped = rt.counter.forwarder.forward(first.ref_id)
    assert flipped.state == S.PENDING  # "failed" after "pending": not believed yet
    assert tried(rt, first.ref_id)[-1].state == A.FAILING
    sim.clock.advance(seconds=30)  # not before the host's polling interval
    assert rt.counter.forwarder.forward(first.ref_id).state == S.PENDING
    sim.clock.advance(seconds=31)
    done = rt.counter.forwarder.forward(first.ref_id)
    assert done.state == S.SUCCESS and done.host_sn
    assert S.REFUND_DUE not in states_passed(rt, first.ref_id)
    assert len(sim.ledger()) == 1


@pytest.mark.parametrize("profile", PROFILES)
def test_failed_after_a_pending_the_counter_never_heard_is_asked_again(site, profile):
    """The host answered "pending" and the counter lost that answer (a time-out, or killed
    before writing it): the "failed" that follows at status is asked again all the same."""
    sim, rt = site(profile)
    host = rt.counter.forwarder.host
    real_pay = host.pay

    def pay_and_lose_the_answer(ticket, request):
        real_pay(ticket, request)
        return HostReply(Outcome.UNKNOWN, message="no answer", answered=False)

    host.pay = pay_and_lose_the_answer  # type: ignore[method-assign]
    first = pay(sim, rt, FAMILY, "pending_flip")
    host.pay = real_pay  # type: ignore[method-assign]
    assert first.state == S.UNKNOWN
    flipped = rt.counter.forwarder.forward(first.ref_id)  # the host says "failed": a lie
    assert flipped.state == S.UNKNOWN and tried(rt, first.ref_id)[-1].state == A.FAILING
    done = rt.counter.forwarder.forward(first.ref_id)
    assert done.state == S.SUCCESS and done.host_sn
    assert S.REFUND_DUE not in states_passed(rt, first.ref_id)
    assert len(sim.ledger()) == 1
