"""The IAK adapter over real loopback HTTP against the simulator's iak profile (aggregators.md §2):
every documented test number, signatures, single-use references, quotes that expire or change,
payments taken offline, and every fault mode — never a payment posted twice."""

import logging
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from loket.clock import FixedClock, iso
from loket.config import training_config
from loket.domain.attempts import AttemptState
from loket.domain.outcomes import Outcome
from loket.domain.states import PaymentState
from loket.host.base import PaymentRequest, Ticket
from loket.host.iak.client import IakHost
from loket.printing.backends import Delivery, PrinterSettings
from loket.service.runtime import build_runtime
from loket.sim.faults import LOSSES
from loket.store import attempts, payments, shifts
from loket.store.payments import new_payment
from tests.conftest import KEY, NOW, refs
from tests.sim_profiles.conftest import USERNAME, start_profile_sim, wait_pending

S, A = PaymentState, AttemptState
DEPOSIT = 1_000_000_000
CARD = "0001000000011"  # one member, nothing in arrears: Rp 105.000 this month
EXAMPLE = dict(
    premium=50_000,
    host_admin=2_500,
    agent_price=52_300,
    member_count=2,
    month_count=2,
    head_name="VERGIE",
    branch="JAKARTA PUSAT",
    members=(),
    periods=(),
)


@pytest.fixture
def sim():
    control = start_profile_sim("iak")
    yield control
    control.thread.stop()


@pytest.fixture
def host(sim):
    h = IakHost(sim.url, USERNAME, KEY)
    yield h
    h.close()


def request_for(bill, ref="PAY-T0001"):
    return PaymentRequest(
        ref, bill.customer_no, bill.months_ahead, bill.premium, "T01", "kasir", iso(NOW)
    )


def quote(host, number, ref, months_ahead=0):
    reply = host.inquiry(ref, number, months_ahead)
    assert reply.outcome is Outcome.SUCCESS, reply
    return reply.bill, Ticket(ref, reply.bill.quote_tx, "PAY-T0001")


def runtime(tmp_path, sim, clock=None, **host_options):
    config = training_config(tmp_path)
    config.host.agent_id = USERNAME
    clock = clock or FixedClock(NOW)
    host = IakHost(sim.url, USERNAME, KEY, clock=clock, **host_options)
    rt = build_runtime(
        config,
        host,
        clock=clock,
        new_ref=refs(),
        training_pin="123456",
        delivery=Delivery(PrinterSettings(backend="dummy")),
    )
    shifts.open_shift(rt.engine, "latihan", 100_000, "2026-11-21T08:00:00+07:00")
    rt.counter.sleep = lambda _s: time.sleep(0.05)
    rt.counter.settings.pending_wait_s = 0.0
    rt.counter.settings.resolve_tries = 0
    return rt


def settle(rt, ref_id, rounds=30):
    for _ in range(rounds):
        payment = rt.counter.forwarder.forward(ref_id)
        if payment.state in (S.SUCCESS, S.REFUND_DUE):
            return payment
        time.sleep(0.1)
    raise AssertionError(f"{ref_id} still {payment.state}")


class TestTestNumbers:
    def test_8801234560001_is_pinned_to_success_and_pays_the_documented_example(self, host, sim):
        bill, ticket = quote(host, "8801234560001", "A1")
        assert {k: getattr(bill, k) for k in EXAMPLE} == EXAMPLE
        assert (bill.quote_ref, bill.quote_tx, bill.customer_no) == (
            "A1",
            "9732787",
            "8801234560001",
        )
        paid = host.pay(ticket, request_for(bill))
        assert paid.outcome is Outcome.SUCCESS
        assert (paid.sn, paid.paid_at) == ("148732328035714773", "2026-11-21T10:00:00+07:00")
        assert paid.balance == DEPOSIT - 52_300 == host.balance().balance
        status = host.status(ticket)
        assert (status.outcome, status.sn, status.bill.premium) == (
            Outcome.SUCCESS,
            paid.sn,
            50_000,
        )
        [entry] = sim.ledger()
        assert (entry["ref_id"], entry["tr_id"]) == ("A1", 9_732_787)

    @pytest.mark.parametrize(
        ("number", "rc", "outcome"),
        [
            ("8801234560003", "103", Outcome.NOT_POSTED),  # inquiry time-out: inquire again later
            ("8801234560004", "01", Outcome.FINAL_FAILURE),  # already paid: nothing to pay
            ("8801234560005", "14", Outcome.FINAL_FAILURE),  # wrong number
            ("8801234560002", "02", Outcome.NOT_POSTED),  # newer scheme: D=0, RRR=002
            ("8801234560009", "09", Outcome.NOT_POSTED),
        ],
    )
    def test_inquiry_failures(self, host, number, rc, outcome):
        reply = host.inquiry("F1", number)
        assert (reply.outcome, reply.rc, reply.bill, reply.answered) == (outcome, rc, None, True)
        assert reply.cashier_text and "status akan dicek" not in reply.cashier_text

    @pytest.mark.parametrize(
        ("number", "text"),
        [
            (
                "0001000000045",
                "Peserta tidak dapat dibayar di loket ini: peserta PBI, iuran dibayar pemerintah",
            ),
            (
                "0001000000053",
                "Peserta tidak dapat dibayar di loket ini: peserta PPU, iuran dibayar "
                "pemberi kerja",
            ),
        ],
    )
    def test_a_pbi_or_ppu_refusal_is_one_indonesian_line(self, host, number, text):
        """IAK refuses PBI and PPU with rc 41 and English words ("CAN'T BE PAID IN COUNTER,
        PLEASE PAY TO THE CORRESPONDING COMPANY"): the cashier read them as they came."""
        reply = host.inquiry("G1", number)
        assert (reply.outcome, reply.rc) == (Outcome.FINAL_FAILURE, "41")
        assert reply.cashier_text == text

    @pytest.mark.parametrize("number", ["8801234560006", "8801234561037"])
    def test_a_failed_payment_is_final_and_posts_nothing(self, host, sim, number):
        bill, ticket = quote(host, number, "F1")
        reply = host.pay(ticket, request_for(bill))
        assert (reply.outcome, reply.rc) == (Outcome.FINAL_FAILURE, "37")
        assert reply.cashier_text == "Pembayaran gagal di host"
        assert reply.message == "Pembayaran gagal di host (PAYMENT FAILED)"  # kept, and printed
        assert host.status(ticket).outcome is Outcome.FINAL_FAILURE and sim.ledger() == []

    @pytest.mark.parametrize("number", ["8801234560008", "8801234561105"])
    def test_a_biller_error_is_unknown_until_checkstatus_says_failed(self, host, sim, number):
        bill, ticket = quote(host, number, "F1")
        reply = host.pay(ticket, request_for(bill))
        assert (reply.outcome, reply.rc) == (Outcome.UNKNOWN, "105")
        assert (host.status(ticket).outcome, host.status(ticket).rc) == (
            Outcome.FINAL_FAILURE,
            "37",
        )
        assert sim.ledger() == []

    @pytest.mark.parametrize("number", ["8801234560007", "8801234561039"])
    def test_a_pending_payment_resolves_by_checkstatus(self, host, sim, number):
        bill, ticket = quote(host, number, "P1")
        assert host.pay(ticket, request_for(bill)).outcome is Outcome.PENDING
        assert host.status(ticket).outcome is Outcome.PENDING
        wait_pending()
        assert host.status(ticket).outcome is Outcome.SUCCESS and len(sim.ledger()) == 1

    def test_the_newer_scheme_success_numbers(self, host, sim):
        for ref, number in (("N1", "8801234560000"), ("N2", "8801234561000")):
            bill, ticket = quote(host, number, ref)
            assert host.pay(ticket, request_for(bill)).outcome is Outcome.SUCCESS

    def test_checkstatus_of_an_inquiry_only_is_quote_only_and_of_an_unknown_ref_no_news(self, host):
        _bill, ticket = quote(host, CARD, "Q1")
        only = host.status(ticket)
        assert (only.outcome, only.quote_only, only.rc) == (Outcome.UNKNOWN, True, "42")
        never = host.status(Ticket("NEVER1"))
        assert (never.outcome, never.quote_only, never.rc) == (Outcome.UNKNOWN, False, "06")


class TestRequests:
    def test_a_family_is_count_only_and_months_ahead_are_sent_as_month(self, host):
        bill, _ticket = quote(host, "0001000000029", "M1", months_ahead=2)
        assert (bill.premium, bill.month_count, bill.member_count, bill.months_ahead) == (
            1_250_000,
            5,
            2,
            2,
        )
        assert (bill.count_only, bill.va_no, bill.branch, bill.agent_price) == (
            True,
            "",
            "BEKASI",
            1_251_000,
        )
        by_va, _ = quote(host, "8888801000000029", "M2")
        assert (by_va.va_no, by_va.month_count) == ("8888801000000029", 3)

    def test_references_are_letters_and_digits_and_never_repeat(self, host):
        made = {host.new_ref("PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA", 1) for _ in range(50)}
        assert len(made) == 50 and all(r.isalnum() and r.isascii() and len(r) <= 32 for r in made)

    def test_a_wrong_key_or_username_is_refused_and_nothing_is_recorded(self, host, sim):
        for wrong in (IakHost(sim.url, USERNAME, "wrong-key"), IakHost(sim.url, "08123", KEY)):
            reply = wrong.inquiry("S1", CARD)
            assert (reply.outcome, reply.rc, reply.answered) == (Outcome.REJECTED, "100", True)
            assert "key" in reply.cashier_text
            assert (wrong.probe().outcome, wrong.probe().rc) == (Outcome.REJECTED, "100")
            assert wrong.health() and wrong.balance().rc == "100"  # reachable, but refused
            wrong.close()
        assert host.probe().outcome is Outcome.SUCCESS and host.health()
        assert (host.balance().outcome, host.balance().balance) == (Outcome.SUCCESS, None)
        bill, ticket = quote(host, CARD, "S1")  # the refused inquiry did not use S1 up
        forged = IakHost(sim.url, USERNAME, "wrong-key")
        assert forged.pay(ticket, request_for(bill)).outcome is Outcome.REJECTED
        assert forged.status(ticket).outcome is Outcome.REJECTED
        assert sim.ledger() == []
        assert host.pay(ticket, request_for(bill)).outcome is Outcome.SUCCESS

    def test_a_used_reference_is_asked_about_before_anything_else(self, host, sim):
        bill, ticket = quote(host, CARD, "D1")
        again = host.inquiry("D1", "0001000000029")  # rc 11; checkstatus: only inquired
        assert (again.outcome, again.rc, again.bill) == (Outcome.NOT_POSTED, "11", None)
        assert host.pay(ticket, request_for(bill)).outcome is Outcome.SUCCESS
        after = host.inquiry("D1", CARD)  # rc 11; checkstatus: a payment posted under it
        assert (after.outcome, after.rc, after.bill) == (Outcome.UNKNOWN, "11", None)
        assert len(sim.ledger()) == 1

    def test_paid_already_after_our_own_payment_is_our_success(self, host, sim):
        bill, ticket = quote(host, CARD, "R1")
        first = host.pay(ticket, request_for(bill))
        again = host.pay(ticket, request_for(bill))  # rc 34, then checkstatus: status 1
        assert again.outcome is Outcome.SUCCESS and again.sn == first.sn
        assert len(sim.ledger()) == 1

    def test_paid_already_by_another_quote_is_a_final_failure(self, host, sim):
        bill, ticket = quote(host, CARD, "R1")
        other, other_ticket = quote(host, CARD, "R2")
        assert host.pay(ticket, request_for(bill)).outcome is Outcome.SUCCESS
        taken = host.pay(other_ticket, request_for(other))
        assert (taken.outcome, taken.rc) == (Outcome.FINAL_FAILURE, "40")
        assert [e["ref_id"] for e in sim.ledger()] == ["R1"]

    def test_the_key_is_never_logged_or_shown(self, sim, caplog):
        caplog.set_level(logging.DEBUG)
        h = IakHost(sim.url, USERNAME, KEY, connect_timeout_s=0.5, read_timeout_s=0.5)
        h.inquiry("K1", CARD)
        IakHost(sim.url, USERNAME, "wrong-key").inquiry("K2", CARD)
        sim.faults("garbage")
        h.status(Ticket("K1"))
        assert KEY not in caplog.text and KEY not in repr(h)


class TestFaults:
    @pytest.mark.parametrize("mode", LOSSES)
    def test_every_call_in_every_fault_mode_is_unknown_never_a_raise(self, host, sim, mode):
        h = IakHost(sim.url, USERNAME, KEY, connect_timeout_s=0.5, read_timeout_s=0.5)
        bill, ticket = quote(h, CARD, "G1")
        sim.faults(mode, latency_ms=1500)
        replies = [h.inquiry("G2", CARD), h.pay(ticket, request_for(bill)), h.status(ticket)]
        assert all(r.outcome is Outcome.UNKNOWN and r.cashier_text for r in replies)
        assert all(r.answered is (mode == "garbage") for r in replies)
        sim.faults("none")
        time.sleep(1.6 if mode == "slow" else 0)  # the slow calls reach the host late
        final = h.status(ticket)
        assert final.outcome is Outcome.SUCCESS or final.quote_only
        assert len(sim.ledger()) <= 1

    @pytest.mark.parametrize("mode", ["none", *LOSSES])
    def test_a_payment_in_every_fault_mode_is_posted_exactly_once(self, tmp_path, sim, mode):
        rt = runtime(tmp_path, sim, connect_timeout_s=0.5, read_timeout_s=0.5)
        bill = rt.counter.inquire(CARD).bill
        sim.faults(mode, latency_ms=1500)
        payment = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
        assert payment.state == (S.SUCCESS if mode == "none" else S.UNKNOWN)
        sim.faults("none")
        done = settle(rt, payment.ref_id)
        assert done.state == S.SUCCESS and done.host_sn
        [entry] = sim.ledger()
        tried = attempts.of(rt.engine, done.id)
        assert entry["ref_id"] == tried[-1].host_ref and tried[-1].state is A.SUCCESS
        assert entry["ref_id"] == bill.quote_ref  # a lost answer never spends the quote
        rt.close()


class TestForwarding:
    def test_the_counter_pays_its_own_inquiry_without_a_second_one(self, tmp_path, sim):
        rt = runtime(tmp_path, sim)
        bill = rt.counter.inquire("0001000000029").bill
        payment = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
        assert (payment.state, payment.member_count, payment.month_count) == (S.SUCCESS, 2, 3)
        assert payment.agent_price == 751_000 and payment.host_sn == sim.ledger()[0]["sn"]
        [attempt] = attempts.of(rt.engine, payment.id)
        assert (attempt.host_ref, attempt.host_tx) == (bill.quote_ref, bill.quote_tx)
        rt.close()

    def queued(self, rt, bill, premium, ref):
        row = new_payment(
            replace(bill, premium=premium, quote_ref="", quote_tx="", priced_offline=True),
            ref_id=ref,
            admin_fee=2_500,
            cash=premium + 2_500,
            cashier_id="latihan",
            terminal_id="T01",
            now=iso(rt.clock.now()),
            offline=True,
        )
        return payments.record(rt.engine, row, "latihan", S.QUEUED)

    def test_taken_offline_and_forwarded_next_day_the_same_amount_is_paid(self, tmp_path, sim):
        clock = FixedClock(NOW)
        rt = runtime(tmp_path, sim, clock=clock)
        bill = rt.counter.inquire(CARD).bill
        payment = self.queued(rt, bill, bill.premium, "PAY-OFF1")
        clock.advance(days=1)
        sim.clock.advance(days=1)
        done = settle(rt, payment.ref_id)
        assert done.state == S.SUCCESS
        [attempt] = attempts.of(rt.engine, done.id)  # a fresh inquiry, then its payment
        assert attempt.host_ref != bill.quote_ref and attempt.state is A.SUCCESS
        assert [e["ref_id"] for e in sim.ledger()] == [attempt.host_ref]
        rt.close()

    def test_taken_offline_at_a_price_that_changed_is_owed_back_and_nothing_paid(
        self, tmp_path, sim
    ):
        rt = runtime(tmp_path, sim)
        bill = rt.counter.inquire(CARD).bill
        payment = self.queued(rt, bill, bill.premium - 35_000, "PAY-OFF2")
        done = settle(rt, payment.ref_id)
        assert done.state == S.REFUND_DUE and "Tagihan berubah" in done.host_message
        [attempt] = attempts.of(rt.engine, done.id)
        assert attempt.state is A.NOT_POSTED and sim.ledger() == []
        assert IakHost(sim.url, USERNAME, KEY).status(Ticket(attempt.host_ref)).quote_only
        rt.close()

    def test_an_expired_quote_rc_04_is_inquired_again_under_a_new_reference(self, tmp_path, sim):
        rt = runtime(tmp_path, sim)
        bill = rt.counter.inquire(CARD).bill
        sim.clock.advance(seconds=901)  # expired at the host, still fresh here
        first = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
        assert (first.state, first.host_rc) == (S.REJECTED, "04")
        done = settle(rt, first.ref_id)
        old, new = attempts.of(rt.engine, done.id)
        assert (old.host_ref, old.state, old.rc) == (bill.quote_ref, A.NOT_POSTED, "04")
        assert new.host_ref != old.host_ref and new.state is A.SUCCESS
        assert [e["ref_id"] for e in sim.ledger()] == [new.host_ref]
        rt.close()

    def test_a_quote_older_than_ten_minutes_is_not_paid_but_inquired_again(self, tmp_path, sim):
        clock = FixedClock(NOW)
        rt = runtime(tmp_path, sim, clock=clock)
        bill = rt.counter.inquire(CARD).bill
        clock.advance(minutes=11)
        payment = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
        assert payment.state == S.SUCCESS
        old, new = attempts.of(rt.engine, payment.id)
        assert (old.state, new.state) == (A.NOT_POSTED, A.SUCCESS)
        assert [e["ref_id"] for e in sim.ledger()] == [new.host_ref]
        rt.close()

    def test_a_pending_test_number_settles_by_status(self, tmp_path, sim):
        rt = runtime(tmp_path, sim)
        bill = rt.counter.inquire("8801234560007").bill
        payment = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
        assert payment.state == S.PENDING
        wait_pending()
        assert settle(rt, payment.ref_id).host_sn == "148732328035714773"
        rt.close()


def test_a_host_that_is_not_there_is_not_healthy():
    h = IakHost("http://127.0.0.1:9", USERNAME, KEY, connect_timeout_s=0.5, read_timeout_s=0.5)
    assert not h.health() and not h.probe().answered


def test_quote_rule_is_ten_minutes():
    assert IakHost.quote_rule.ttl == timedelta(minutes=10) and not IakHost.quote_rule.same_day


class TestLateArrival:
    def test_a_payment_that_arrives_after_the_host_said_not_received_is_not_owed_back(
        self, tmp_path, sim
    ):
        """The pay request is lost on the way; status says "not received"; the quote ages past
        loket's limit; then the lost request reaches the host and posts. The fresh inquiry
        finds the bill paid — the earlier quote is asked once more and the payment is LUNAS,
        not owed back."""
        clock = FixedClock(NOW)
        rt = runtime(tmp_path, sim, clock=clock, connect_timeout_s=0.5, read_timeout_s=0.5)
        bill = rt.counter.inquire(CARD).bill
        sim.faults("drop_before")
        payment = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
        sim.faults("none")
        assert payment.state == S.UNKNOWN and sim.ledger() == []
        clock.advance(minutes=11)  # too old to pay here; the host keeps it 15 minutes
        sim.clock.advance(minutes=11)
        host = rt.counter.forwarder.host
        inquire = host.inquiry
        late = IakHost(sim.url, USERNAME, KEY)

        def inquiry_after_the_late_arrival(*args, **kw):
            if not sim.ledger():  # the lost request reaches the host now
                late.pay(
                    Ticket(bill.quote_ref, bill.quote_tx, payment.ref_id),
                    request_for(bill, payment.ref_id),
                )
            return inquire(*args, **kw)

        host.inquiry = inquiry_after_the_late_arrival
        done = settle(rt, payment.ref_id)
        assert done.state == S.SUCCESS, done.host_message
        assert [e["ref_id"] for e in sim.ledger()] == [bill.quote_ref]
        rt.close()
        late.close()


def test_a_family_paid_this_month_is_told_so_and_may_pay_ahead(tmp_path, sim):
    """IAK says "already paid" with rc 01: the counter knew only the native rc 34, so it neither
    said how far the family is paid nor offered months ahead, which IAK sells."""
    rt = runtime(tmp_path, sim)
    try:
        paid = rt.counter.inquire("0001000000061")
        assert paid.bill is None and paid.already_paid and str(paid.paid_through) == "2026-11"
        ahead = rt.counter.inquire("0001000000061", months_ahead=1)
        assert ahead.usable and ahead.bill.month_count == 1
    finally:
        rt.close()
