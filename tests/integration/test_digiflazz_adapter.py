"""The Digiflazz adapter over real loopback HTTP against `loket sim --profile digiflazz`: every
documented test number (aggregators.md §1.5) for inquiry, payment and status, the signature, the
reference rules, the day boundary, the rate limit and every fault mode."""

import logging
import time
from datetime import datetime

import pytest

from loket.clock import WIB
from loket.domain.outcomes import Outcome
from loket.sim.faults import LOSSES
from tests.conftest import KEY
from tests.integration.digiflazz_support import (
    EXAMPLE_PREMIUM,
    EXAMPLE_PRICE,
    EXAMPLE_SN,
    FAMILY,
    adapter,
    raw_client,
    request,
    start_digiflazz,
    ticket,
)
from tests.sim_profiles.conftest import wait_pending

Out = Outcome


@pytest.fixture
def sim():
    control = start_digiflazz()
    yield control
    control.thread.stop()


@pytest.fixture
def host(sim):
    h = adapter(sim)
    yield h
    h.close()


def inquired(host, number: str, ref: str):
    reply = host.inquiry(ref, number)
    assert reply.outcome is Out.SUCCESS, reply
    return reply


class TestInquiry:
    @pytest.mark.parametrize(
        "number", ["8801234560001", "8801234560005", "9801234560001", "9801234560005"]
    )
    def test_test_numbers_answer_the_example_bill_count_only(self, host, number):
        reply = inquired(host, number, "Q1")
        bill = reply.bill
        assert (bill.head_name, bill.branch, bill.member_count, bill.month_count) == (
            "Nama Pelanggan",
            "JAKARTA PUSAT",
            2,
            1,
        )
        assert (bill.premium, bill.host_admin, bill.agent_price) == (
            EXAMPLE_PREMIUM,
            2_500,
            EXAMPLE_PRICE,
        )
        assert bill.count_only and bill.members == () and bill.periods == ()
        assert (bill.quote_ref, bill.customer_no, bill.va_no) == ("Q1", number, "")
        assert reply.balance == 1_000_000_000 and reply.sn == "" and reply.paid_at == ""

    def test_8801234560002_inquiry_fails_with_a_line_for_the_cashier(self, host):
        reply = host.inquiry("Q2", "8801234560002")
        assert (reply.outcome, reply.rc, reply.bill) == (Out.FINAL_FAILURE, "02", None)
        assert reply.cashier_text == "Transaksi gagal di host Digiflazz"

    def test_a_family_is_served_count_only_with_its_premium(self, host):
        bill = inquired(host, FAMILY, "Q3").bill
        assert (bill.head_name, bill.member_count, bill.month_count) == ("SITI AMINAH", 3, 1)
        assert bill.premium == 3 * 35_000 and bill.agent_price > bill.premium

    def test_a_va_number_is_kept_as_the_family_va(self, host):
        bill = inquired(host, "8888801000000011", "Q4").bill
        assert bill.va_no == "8888801000000011" and bill.head_name == "SITI AMINAH"

    def test_pbi_is_not_payable_with_the_hosts_reason(self, host):
        reply = host.inquiry("Q5", "0001000000045")
        assert (reply.outcome, reply.rc) == (Out.FINAL_FAILURE, "60")
        assert reply.cashier_text.startswith("Tagihan tidak tersedia") and "PBI" in (
            reply.cashier_text
        )

    def test_without_testing_mode_test_numbers_are_unknown_numbers(self, sim):
        production = adapter(sim, testing=False)
        reply = production.inquiry("Q6", "8801234560001")
        assert (reply.outcome, reply.rc) == (Out.FINAL_FAILURE, "54")
        assert reply.cashier_text == "Nomor peserta tidak ditemukan"
        production.close()

    def test_paying_ahead_is_refused_without_asking(self, host, sim):
        reply = host.inquiry("Q7", FAMILY, months_ahead=1)
        assert reply.outcome is Out.FINAL_FAILURE and "bayar di muka" in reply.cashier_text
        assert raw_client(sim).inq(FAMILY, "Q7")["rc"] == "00"  # Q7 was never sent

    def test_an_inquired_reference_cannot_be_inquired_again(self, host):
        inquired(host, FAMILY, "Q8")
        again = host.inquiry("Q8", FAMILY)
        assert (again.outcome, again.rc) == (Out.REJECTED, "49")

    def test_new_refs_are_fresh_letters_and_digits(self, host):
        made = {host.new_ref("PAY-X", n) for n in range(1, 50)}
        assert len(made) == 49 and all(r.isalnum() and len(r) <= 32 for r in made)


class TestPayment:
    def test_8801234560001_pays_with_the_documented_sn_and_status_agrees(self, host, sim):
        inquired(host, "8801234560001", "P1")
        paid = host.pay(ticket("P1", "8801234560001"), request("8801234560001"))
        assert (paid.outcome, paid.rc, paid.sn) == (Out.SUCCESS, "00", EXAMPLE_SN)
        assert paid.paid_at == "2026-11-21T10:00:00+07:00"  # when it was learnt (sim clock)
        assert paid.bill.premium == EXAMPLE_PREMIUM
        assert paid.balance == 1_000_000_000 - EXAMPLE_PRICE
        asked = host.status(ticket("P1", "8801234560001"))
        assert (asked.outcome, asked.sn, asked.quote_only) == (Out.SUCCESS, EXAMPLE_SN, False)
        [entry] = sim.ledger()
        assert (entry["host_ref"], entry["premium"]) == ("P1", EXAMPLE_PREMIUM)

    def test_8801234560005_fails_and_nothing_is_deducted(self, host, sim):
        inquired(host, "8801234560005", "P5")
        failed = host.pay(ticket("P5", "8801234560005"), request("8801234560005"))
        assert (failed.outcome, failed.rc) == (Out.FINAL_FAILURE, "02")
        assert failed.cashier_text == "Transaksi gagal di host Digiflazz"
        assert host.status(ticket("P5", "8801234560005")).outcome is Out.FINAL_FAILURE
        assert sim.ledger() == [] and host.balance().balance == 1_000_000_000

    @pytest.mark.parametrize(
        ("number", "final"), [("9801234560001", Out.SUCCESS), ("9801234560005", Out.FINAL_FAILURE)]
    )
    def test_98_numbers_are_pending_then_resolve_by_status(self, host, sim, number, final):
        inquired(host, number, "PP")
        pending = host.pay(ticket("PP", number), request(number))
        assert (pending.outcome, pending.rc, pending.sn) == (Out.PENDING, "03", "")
        assert host.status(ticket("PP", number)).outcome is Out.PENDING
        wait_pending()
        done = host.status(ticket("PP", number))
        assert done.outcome is final
        assert len(sim.ledger()) == (1 if final is Out.SUCCESS else 0)
        if final is Out.SUCCESS:
            assert done.sn == EXAMPLE_SN

    def test_a_payment_answered_for_another_amount_is_not_believed(self, host, sim):
        inquired(host, "8801234560001", "PM")
        paid = host.pay(ticket("PM", "8801234560001"), request("8801234560001", 22_000))
        assert paid.outcome is Out.UNKNOWN and paid.sn == ""
        assert len(sim.ledger()) == 1  # it did post: a status query will tell

    def test_a_repeated_pay_is_refused_49_and_means_ask_status(self, host):
        inquired(host, "8801234560001", "PR")
        host.pay(ticket("PR", "8801234560001"), request("8801234560001"))
        again = host.pay(ticket("PR", "8801234560001"), request("8801234560001"))
        assert (again.outcome, again.rc) == (Out.UNKNOWN, "49")  # never a new reference
        assert host.status(ticket("PR", "8801234560001")).outcome is Out.SUCCESS

    def test_paying_without_a_usable_inquiry_is_not_posted(self, host, sim):
        reply = host.pay(ticket("NEVER", FAMILY), request(FAMILY, 105_000))
        assert (reply.outcome, reply.rc) == (Out.NOT_POSTED, "50")
        assert sim.ledger() == []


class TestStatus:
    def test_a_reference_only_inquired_is_not_found_never_success(self, host):
        inquired(host, "8801234560001", "S1")
        asked = host.status(ticket("S1", "8801234560001"))
        assert (asked.outcome, asked.sn, asked.rc) == (Out.NOT_POSTED, "", "50")

    def test_an_unknown_reference_is_not_posted(self, host):
        asked = host.status(ticket("NOPE", "8801234560001"))
        assert (asked.outcome, asked.rc) == (Out.NOT_POSTED, "50")

    def test_status_needs_the_customer_number(self, host):
        asked = host.status(ticket("S1", ""))
        assert asked.outcome is Out.UNKNOWN and "Nomor peserta" in asked.cashier_text

    def test_rc_85_rate_limit_is_no_news_and_asks_for_a_minute(self):
        sim = start_digiflazz(min_status_interval_s=60.0)
        try:
            host = adapter(sim)
            inquired(host, "9801234560001", "S85")
            assert (
                host.pay(ticket("S85", "9801234560001"), request("9801234560001")).outcome
                is Out.PENDING
            )
            asked = host.status(ticket("S85", "9801234560001"))
            assert (asked.outcome, asked.rc, asked.retry_after_s) == (Out.REJECTED, "85", 60.0)
            assert "1 menit" in asked.cashier_text
        finally:
            sim.thread.stop()


class TestAcrossTheDay:
    def test_an_inquiry_of_yesterday_cannot_be_paid_and_nothing_posts(self, host, sim):
        sim.clock.set(datetime(2026, 11, 21, 23, 50, tzinfo=WIB))
        inquired(host, FAMILY, "D1")
        sim.clock.set(datetime(2026, 11, 22, 0, 1, tzinfo=WIB))
        reply = host.pay(ticket("D1", FAMILY), request(FAMILY, 105_000))
        assert (reply.outcome, reply.rc) == (Out.NOT_POSTED, "50")
        assert sim.ledger() == []

    def test_status_is_forgotten_after_90_days(self, host, sim):
        inquired(host, "8801234560001", "D2")
        host.pay(ticket("D2", "8801234560001"), request("8801234560001"))
        sim.clock.set(datetime(2027, 2, 20, 10, tzinfo=WIB))
        assert host.status(ticket("D2", "8801234560001")).rc == "50"
        assert host.retention_days == 90


class TestCredentials:
    def test_a_wrong_key_is_refused_41_with_one_clear_line(self, sim, caplog):
        wrong = adapter(sim, key="not-the-key")
        with caplog.at_level(logging.DEBUG):
            reply = wrong.inquiry("K1", "8801234560001")
            saldo = wrong.balance()
        assert (reply.outcome, reply.rc) == (Out.REJECTED, "41")
        assert (saldo.outcome, saldo.rc, saldo.balance) == (Out.REJECTED, "41", None)
        assert "API key salah" in reply.cashier_text
        assert "not-the-key" not in caplog.text + repr(wrong)
        wrong.close()

    def test_the_balance_is_signed_with_depo(self, host):
        reply = host.balance()
        assert (reply.outcome, reply.balance) == (Out.SUCCESS, 1_000_000_000)
        assert host.health() is True

    def test_the_key_never_shows(self, host):
        assert KEY not in repr(host) and KEY not in str(vars(host).get("username"))


@pytest.mark.parametrize("mode", LOSSES)
def test_every_fault_mode_is_an_unknown_outcome_never_a_verdict(sim, mode):
    host = adapter(sim, read_timeout_s=0.5, connect_timeout_s=0.5)
    inquired(host, FAMILY, "F1")
    sim.faults(mode, latency_ms=1500)
    reply = host.pay(ticket("F1", FAMILY), request(FAMILY, 105_000))
    assert reply.outcome is Out.UNKNOWN and reply.sn == ""
    assert reply.answered is (mode == "garbage")  # a body came, but not one to believe
    sim.faults("none")
    time.sleep(1.6 if mode == "slow" else 0)
    asked = host.status(ticket("F1", FAMILY))
    # "slow": the simulator may or may not have carried on after the client gave up
    posted = mode == "drop_after" or (mode == "slow" and bool(sim.ledger()))
    # a reference only inquired is "not found", as the documented host answers
    assert asked.outcome is (Out.SUCCESS if posted else Out.NOT_POSTED)
    assert len(sim.ledger()) == (1 if posted else 0)
    host.close()
