"""A counter paying through Digiflazz: the forwarder inquires, checks the premium, pays that
inquiry by its ref_id, resolves by status-pasca, and never pays a family twice — over real
loopback HTTP against `loket sim --profile digiflazz`."""

from datetime import datetime, timedelta

import pytest

from loket.clock import WIB, iso, parse_iso
from loket.domain.months import Month
from loket.domain.states import PaymentState
from loket.sim.faults import LOSSES
from loket.store import attempts, payments
from tests.integration.digiflazz_support import (
    EXAMPLE_PREMIUM,
    EXAMPLE_SN,
    FAMILY,
    adapter,
    host_refs,
    pay_at_counter,
    raw_client,
    runtime,
    start_digiflazz,
)

S = PaymentState
NEXT_DAY = datetime(2026, 11, 22, 9, 0, tzinfo=WIB)


@pytest.fixture
def sim():
    control = start_digiflazz()
    yield control
    control.thread.stop()


@pytest.fixture
def rt(tmp_path, sim):
    r = runtime(tmp_path, sim)
    yield r
    r.close()


def ledger_refs(sim) -> list[str]:
    return [e["host_ref"] for e in sim.ledger()]


def forward_until_final(rt, ref_id: str, rounds: int = 10):
    for _ in range(rounds):
        payment = rt.counter.forwarder.forward(ref_id)
        if payment.state in (S.SUCCESS, S.REFUND_DUE):
            return payment
    return payment


class TestAtTheCounter:
    def test_the_success_number_is_paid_by_its_inquiry_reference(self, rt, sim):
        paid = pay_at_counter(rt, "8801234560001")
        assert (paid.state, paid.host_sn, paid.premium) == (S.SUCCESS, EXAMPLE_SN, EXAMPLE_PREMIUM)
        assert paid.member_count == 2 and paid.month_count == 1 and paid.agent_price == 24_700
        [(ref, state)] = host_refs(rt, paid.ref_id)
        assert state == "SUCCESS" and ledger_refs(sim) == [ref]

    def test_a_family_pays_once_and_then_has_nothing_to_pay(self, rt, sim):
        assert pay_at_counter(rt, FAMILY).state == S.SUCCESS
        again = rt.counter.inquire(FAMILY)
        assert again.bill is None and again.error.startswith("Tagihan tidak tersedia")
        assert len(sim.ledger()) == 1

    def test_already_paid_is_said_as_at_every_host(self, rt, sim):
        """Digiflazz says "nothing to pay" with a code of its own (60, not the native 34): the
        cashier is told the family is paid through this month, as at the other hosts (issue
        20); Digiflazz sells no months ahead, so no month after it is offered."""
        assert pay_at_counter(rt, FAMILY).state == S.SUCCESS
        again = rt.counter.inquire(FAMILY)
        assert again.already_paid and again.bill is None
        assert (again.paid_through, again.next_ahead) == (Month.of(sim.clock.now()), None)

    def test_a_failed_payment_is_owed_back(self, rt, sim):
        failed = pay_at_counter(rt, "8801234560005")
        assert failed.state == S.REFUND_DUE and failed.host_rc == "02"
        assert sim.ledger() == []

    @pytest.mark.parametrize(
        ("number", "final", "booked"),
        [("9801234560001", S.SUCCESS, 1), ("9801234560005", S.REFUND_DUE, 0)],
    )
    def test_pending_numbers_settle_by_status(self, rt, sim, number, final, booked):
        settled = pay_at_counter(rt, number)
        assert settled.state == final
        assert len(sim.ledger()) == booked
        assert S.PENDING in [e.to_state for e in payments.events(rt.engine, settled.ref_id)]

    def test_an_inquiry_that_fails_gives_the_cashier_one_line(self, rt):
        found = rt.counter.inquire("8801234560002")
        assert found.bill is None and found.error == "Transaksi gagal di host Digiflazz"


class TestTakenOfflineForwardedNextDay:
    def _queued(self, rt, sim, premium_delta: int):
        """The family was looked up online yesterday; today its payment is taken while the host
        is down, priced at what was last seen (plus ``premium_delta``), and queued."""
        bill = rt.counter.inquire(FAMILY).bill
        sim.clock.set(NEXT_DAY)
        row = payments.new_payment(
            bill,
            ref_id="PAY-OFFLINE1",
            admin_fee=2_500,
            cash=200_000,
            cashier_id="latihan",
            terminal_id="T01",
            now=iso(NEXT_DAY),
            offline=True,
        )
        row.premium += premium_delta
        row.total += premium_delta
        row.shift_id = 1
        payments.record(rt.engine, row, actor="latihan", state=S.QUEUED)
        return row.premium

    def test_equal_amount_is_inquired_again_and_paid(self, rt, sim):
        premium = self._queued(rt, sim, 0)
        done = forward_until_final(rt, "PAY-OFFLINE1")
        assert (done.state, done.premium) == (S.SUCCESS, premium)
        [(ref, state)] = host_refs(rt, done.ref_id)
        assert state == "SUCCESS" and ledger_refs(sim) == [ref]

    def test_changed_amount_is_owed_back_and_nothing_is_posted(self, rt, sim):
        self._queued(rt, sim, 1_000)
        done = forward_until_final(rt, "PAY-OFFLINE1")
        assert done.state == S.REFUND_DUE and "Tagihan berubah" in done.host_message
        assert [state for _ref, state in host_refs(rt, done.ref_id)] == ["NOT_POSTED"]
        assert sim.ledger() == []


class TestTheMidnightBoundary:
    def test_near_midnight_it_waits_then_inquires_again_under_a_new_reference(self, rt, sim):
        sim.clock.set(datetime(2026, 11, 21, 23, 57, tzinfo=WIB))
        found = rt.counter.inquire(FAMILY)
        held = rt.counter.pay(found.bill, 200_000, "latihan")
        assert held.state == S.RECORDED and sim.ledger() == []  # not sent across midnight
        assert parse_iso(held.next_attempt_at) > datetime(2026, 11, 22, 0, 0, tzinfo=WIB)
        sim.clock.set(datetime(2026, 11, 22, 0, 1, tzinfo=WIB))
        done = forward_until_final(rt, held.ref_id)
        assert done.state == S.SUCCESS
        (first, unused), (second, paid) = host_refs(rt, done.ref_id)
        assert (first, unused) == (found.bill.quote_ref, "NOT_POSTED")
        assert paid == "SUCCESS" and ledger_refs(sim) == [second] != [first]


class TestReferences:
    def test_a_duplicate_reference_49_is_asked_about_before_anything_new(self, rt, sim):
        found = rt.counter.inquire(FAMILY)
        # another process already paid this inquiry (its answer lost to us): pay says 49
        assert raw_client(sim).pay(FAMILY, found.bill.quote_ref, testing=True)["rc"] == "00"
        rt.counter.settings.resolve_tries = 0
        first = rt.counter.pay(found.bill, 200_000, "latihan")
        assert (first.state, first.host_rc) == (S.UNKNOWN, "49")
        done = rt.counter.forwarder.forward(first.ref_id)
        assert done.state == S.SUCCESS
        assert host_refs(rt, done.ref_id) == [(found.bill.quote_ref, "SUCCESS")]  # none minted
        assert len(sim.ledger()) == 1

    def test_rc_85_backs_off_for_a_minute(self, tmp_path):
        sim = start_digiflazz(min_status_interval_s=60.0)
        rt = runtime(tmp_path, sim)
        try:
            pending = pay_at_counter(rt, "9801234560001")
            assert pending.state == S.PENDING
            last = attempts.last(rt.engine, pending.id)
            assert (last.state, last.rc) == ("PENDING", "85")  # asked, refused: no news
            wait = parse_iso(pending.next_attempt_at) - sim.clock.now()
            assert wait >= timedelta(seconds=60)
            assert payments.get(rt.engine, pending.ref_id).state == S.PENDING
        finally:
            rt.close()
            sim.thread.stop()

    def test_status_is_asked_no_more_often_than_the_minimum_interval(self, tmp_path):
        sim = start_digiflazz()
        rt = runtime(tmp_path, sim, adapter(sim, min_status_interval_s=60.0))
        try:
            pending = pay_at_counter(rt, "9801234560001")
            assert pending.state == S.PENDING
            sim.clock.advance(seconds=30)
            assert rt.counter.forwarder.forward(pending.ref_id).state == S.PENDING
            sim.clock.advance(seconds=31)
            assert rt.counter.forwarder.forward(pending.ref_id).state == S.SUCCESS
        finally:
            rt.close()
            sim.thread.stop()


@pytest.mark.parametrize("mode", LOSSES)
def test_every_fault_mode_ends_in_a_known_state_paid_once(tmp_path, mode):
    sim = start_digiflazz()
    rt = runtime(tmp_path, sim, adapter(sim, read_timeout_s=0.5, connect_timeout_s=0.5))
    try:
        found = rt.counter.inquire(FAMILY)
        rt.counter.settings.resolve_tries = 0
        sim.faults(mode, latency_ms=1500)
        first = rt.counter.pay(found.bill, 200_000, "latihan")
        assert first.state == S.UNKNOWN
        sim.faults("none")
        done = forward_until_final(rt, first.ref_id, rounds=3)
        if done.state != S.SUCCESS:  # the inquiry is payable today: only a new day may re-inquire
            assert done.state == S.UNKNOWN and sim.ledger() == []
            sim.clock.set(NEXT_DAY)
            done = forward_until_final(rt, first.ref_id, rounds=3)
        assert done.state == S.SUCCESS
        refs = [ref for ref, _state in host_refs(rt, done.ref_id)]
        booked = ledger_refs(sim)
        assert len(booked) == 1 and booked[0] in refs and len(set(refs)) == len(refs)
    finally:
        rt.close()
        sim.thread.stop()
