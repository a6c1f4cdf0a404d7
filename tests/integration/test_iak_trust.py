"""Issue 18, the IAK side: what an IAK reply must show before loket believes it, over loopback
HTTP against a host written from aggregators.md §2 (``tests/hostile/iak_server.py``).

A failure is final only when it names this attempt; a status success only for the number that
was asked; IAK's own empty strings are read, not refused."""

import time
from dataclasses import replace

import pytest

from loket.clock import FixedClock, MachineClock, iso
from loket.config import training_config
from loket.domain.states import PaymentState
from loket.host.base import Ticket
from loket.host.iak.client import IakHost
from loket.printing.backends import Delivery, PrinterSettings
from loket.service.host_check import Verdict, check_host
from loket.service.runtime import build_runtime
from loket.store import payments, shifts
from tests.conftest import NOW, refs
from tests.hostile.iak_server import HP, KEY, USERNAME
from tests.hostile.iak_server import IakHost as DocumentedIak

S = PaymentState


@pytest.fixture
def iak():
    server = DocumentedIak().start()
    yield server
    server.stop()


@pytest.fixture
def counter(tmp_path, iak):
    config = training_config(tmp_path)
    config.host.agent_id = USERNAME
    clock = FixedClock(NOW)
    host = IakHost(iak.url, USERNAME, KEY, clock=clock, connect_timeout_s=2, read_timeout_s=5)
    rt = build_runtime(
        config,
        host,
        clock=clock,
        new_ref=refs(),
        training_pin="123456",
        delivery=Delivery(PrinterSettings(backend="dummy")),
    )
    shifts.open_shift(rt.engine, "latihan", 100_000, "2026-11-21T08:00:00+07:00")
    rt.counter.sleep = lambda _s: time.sleep(0.01)
    rt.counter.settings.resolve_tries = 0  # the counter does not ask at once: the test does
    yield rt
    rt.close()


def pay(rt):
    bill = rt.counter.inquire(HP).bill
    assert bill is not None and bill.premium == 50_000
    return rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")


def states(rt, ref_id) -> list[str]:
    return [e.to_state for e in payments.events(rt.engine, ref_id)]


UNNAMED_37 = {
    "no identifiers": lambda paid: {"response_code": "37", "message": "PAYMENT FAILED"},
    "identifiers empty": lambda paid: {
        "tr_id": "",
        "ref_id": "",
        "hp": "",
        "code": "BPJS",
        "response_code": "37",
        "message": "PAYMENT FAILED",
    },
    "only the customer number": lambda paid: {
        "hp": paid["hp"],
        "response_code": "37",
        "message": "PAYMENT FAILED",
    },
}


@pytest.mark.parametrize("shape", UNNAMED_37.values(), ids=UNNAMED_37.keys())
def test_a_booked_payment_answered_with_an_unnamed_rc_37_is_unknown_until_status_says_paid(
    counter, iak, shape
):
    """The host booked the payment and answered rc 37 naming no transaction: loket told the
    cashier to give the cash back (REFUND_DUE), and reconciliation found it booked."""
    iak.lie_to("pay-pasca", shape)
    payment = pay(counter)
    assert payment.state == S.UNKNOWN and iak.booked == [9_732_787]
    assert "status akan dicek ulang" in payment.host_message
    done = counter.counter.forwarder.forward(payment.ref_id)  # checkstatus: status 1
    assert (done.state, done.host_sn) == (S.SUCCESS, "148732328035714773")
    assert not {"FAILED", "REFUND_DUE"} & set(states(counter, payment.ref_id))
    assert iak.booked == [9_732_787]  # asked, never paid again


def test_an_offline_payment_is_not_owed_back_on_an_inquiry_failure_naming_no_inquiry(counter, iak):
    """Forwarding a payment taken offline inquires first; a final failure there owes the cash
    back. A "wrong number" that names no inquiry could be anyone's: the payment waits."""
    bill = counter.counter.inquire(HP).bill
    row = payments.new_payment(
        replace(bill, quote_ref="", quote_tx="", priced_offline=True),
        ref_id="PAY-OFF1",
        admin_fee=2_500,
        cash=52_500,
        cashier_id="latihan",
        terminal_id="T01",
        now=iso(NOW),
        offline=True,
    )
    payments.record(counter.engine, row, "latihan", S.QUEUED)
    iak.lie_to(
        "inq-pasca",
        lambda _data: {"response_code": "14", "message": "INCORRECT DESTINATION NUMBER"},
    )
    waiting = counter.counter.forwarder.forward("PAY-OFF1")
    assert waiting.state == S.QUEUED and iak.booked == []
    assert not {"FAILED", "REFUND_DUE"} & set(states(counter, "PAY-OFF1"))
    iak.lie_to("inq-pasca", lambda data: data)
    assert counter.counter.forwarder.forward("PAY-OFF1").state == S.SUCCESS


ANOTHER_FAMILY = {
    "another number": lambda paid: paid | {"hp": "8801234569999"},
    "no number": lambda paid: {k: v for k, v in paid.items() if k != "hp"},
}


@pytest.mark.parametrize("lie", ANOTHER_FAMILY.values(), ids=ANOTHER_FAMILY.keys())
def test_a_checkstatus_success_for_another_customer_is_not_believed(counter, iak, lie):
    """Finding 4: checkstatus asks by ref_id alone, and its success was taken whatever number
    it named: the same premium paid for another family made this payment LUNAS."""
    iak.lie_to("pay-pasca", lambda _paid: (502, b"<html>502 Bad Gateway</html>"))
    payment = pay(counter)
    assert payment.state == S.UNKNOWN and iak.booked == [9_732_787]  # booked, answer lost
    iak.lie_to("checkstatus", lie)
    for _ in range(2):
        asked = counter.counter.forwarder.forward(payment.ref_id)
        assert (asked.state, asked.host_sn) == (S.UNKNOWN, "")
    iak.lie_to("checkstatus", lambda data: data)
    assert counter.counter.forwarder.forward(payment.ref_id).state == S.SUCCESS


def test_host_check_passes_an_account_iak_answers_with_its_own_empty_strings(iak):
    """Finding 6: checkstatus of a reference IAK does not know answers
    ``{"ref_id": "LOKETCEK", "hp": "", "code": "BPJS", "response_code": "06", …}``; the empty
    number made the reply "unreadable", and a correct account failed ``loket host check``."""
    host = IakHost(iak.url, USERNAME, KEY)
    try:
        result = check_host(host, MachineClock(), iak.url)
        healthy = host.health()  # the counter's own probe: False sent it offline for good
    finally:
        host.close()
    assert result.ready, [str(f) for f in result.findings]
    assert healthy
    assert [f.verdict for f in result.findings if f.verdict is Verdict.FAILED] == []


def test_checkstatus_of_a_reference_iak_does_not_know_is_read():
    """The same shape to the forwarder's question: rc 06, read (no news of a payment, as
    designed), not "Balasan host tidak dapat dibaca" on every poll."""
    server = DocumentedIak().start()
    host = IakHost(server.url, USERNAME, KEY)
    try:
        reply = host.status(Ticket("NEVER1", "9732700", "PAY-1", HP))
    finally:
        host.close()
        server.stop()
    assert (reply.answered, reply.rc, reply.quote_only) == (True, "06", False)
    assert reply.cashier_text == "Cek tagihan tidak dikenal host, cek tagihan ulang"


def test_a_failed_status_with_iak_s_empty_strings_settles_the_payment(counter, iak):
    """Finding 6: a status 2 whose number, names and amounts are IAK's empty strings stayed
    unreadable, so a payment the biller failed stayed unknown forever."""
    iak.failing = True
    iak.lie_to("pay-pasca", lambda _failed: (502, b"<html>502 Bad Gateway</html>"))
    payment = pay(counter)
    assert payment.state == S.UNKNOWN
    asked = counter.counter.forwarder.forward(payment.ref_id)
    assert asked.state == S.UNKNOWN  # a failure learned by status is asked once more
    done = counter.counter.forwarder.forward(payment.ref_id)
    assert (done.state, done.host_rc) == (S.REFUND_DUE, "37") and iak.booked == []
