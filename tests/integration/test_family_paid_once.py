"""A family's months are sold once: a payment taken at this counter and still awaiting the host
covers its months, offline and online alike (issue 17, item 4).

The shape of the defect: online, a family's bill; the host goes down; the family pays two months
ahead and the payment is queued; looked up again, the counter offered the same months again and
took the cash, and when the host came back one of the two became "Uang harus dikembalikan".
"""

from __future__ import annotations

import threading

import pytest

from loket.domain.months import Month
from loket.domain.states import PaymentState
from loket.service.counter import PaymentRefused
from loket.store import payments
from loket.store.db import write
from tests.conftest import NOW

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run

S = PaymentState
FAMILY = "0020000000008"
NOW_MONTH = Month.of(NOW)


def go_offline(sim) -> None:
    sim.faults("drop_before")


def test_offline_the_same_months_are_not_offered_again(runtime, sim):
    assert runtime.counter.inquire(FAMILY).usable  # online: the family is known here
    go_offline(sim)
    first = runtime.counter.inquire(FAMILY, months_ahead=2)
    assert first.offline and first.bill.periods == (NOW_MONTH, NOW_MONTH + 1, NOW_MONTH + 2)
    queued = runtime.counter.pay(first.bill, runtime.counter.total_for(first.bill), "latihan")
    assert queued.state == S.QUEUED

    again = runtime.counter.inquire(FAMILY)
    assert not again.usable
    assert f"ref {queued.ref_id}" in again.refusal and "jangan terima uang lagi" in again.refusal
    assert runtime.counter.inquire(FAMILY, months_ahead=2).refusal == again.refusal
    assert (again.paid_through, again.next_ahead) == (NOW_MONTH + 2, 3)  # '+' asks for this
    later = runtime.counter.inquire(FAMILY, months_ahead=3)  # only the month after them
    assert later.usable and later.bill.periods == (NOW_MONTH + 3,)


def test_the_customer_who_left_with_a_temporary_receipt_is_the_one_paid(runtime, sim):
    """The whole story: after the host returns there is one payment, confirmed, nothing owed."""
    runtime.counter.inquire(FAMILY)
    go_offline(sim)
    bill = runtime.counter.inquire(FAMILY, months_ahead=2).bill
    queued = runtime.counter.pay(bill, runtime.counter.total_for(bill), "latihan")
    second = runtime.counter.inquire(FAMILY, months_ahead=2)
    with pytest.raises(PaymentRefused, match="sudah dibayar di loket ini"):
        runtime.counter.pay(bill, runtime.counter.total_for(bill), "latihan")  # the old bill
    assert second.bill is None and not second.usable and second.paid_through == NOW_MONTH + 2
    sim.faults("none")
    runtime.counter.forwarder.drain(force=True)
    everything = payments.in_states(runtime.engine, set(S))
    assert [(p.ref_id, p.state) for p in everything] == [(queued.ref_id, S.SUCCESS)]
    assert [e["ref_id"] for e in sim.ledger()] == [queued.ref_id]


def test_online_a_payment_still_on_its_way_is_said_before_the_cash_is_taken(runtime, sim):
    runtime.counter.inquire(FAMILY)
    go_offline(sim)
    bill = runtime.counter.inquire(FAMILY).bill
    queued = runtime.counter.pay(bill, runtime.counter.total_for(bill), "latihan")
    sim.faults("none")  # the host is back, the queue not sent yet: the host bills those months
    online = runtime.counter.inquire(FAMILY)
    assert not online.offline and online.bill is not None and online.bill.periods == (NOW_MONTH,)
    assert not online.usable and f"ref {queued.ref_id}" in online.refusal
    with pytest.raises(PaymentRefused, match="belum dikonfirmasi host"):
        runtime.counter.pay(online.bill, runtime.counter.total_for(online.bill), "latihan")
    runtime.counter.forwarder.drain(force=True)  # once it is confirmed, the host says so itself
    after = runtime.counter.inquire(FAMILY)
    assert after.bill is None and after.already_paid
    ahead = runtime.counter.inquire(FAMILY, months_ahead=1)
    assert ahead.usable and ahead.bill.periods == (NOW_MONTH + 1,)


def test_a_refused_payment_no_longer_holds_the_family(runtime, sim):
    """Only payments whose cash may still reach the host hold their months: one the host
    refused (money owed back) does not."""
    runtime.counter.inquire(FAMILY)
    go_offline(sim)
    bill = runtime.counter.inquire(FAMILY).bill
    queued = runtime.counter.pay(bill, runtime.counter.total_for(bill), "latihan")
    with write(runtime.engine) as conn:  # as if the host had refused it for good
        conn.exec_driver_sql(
            "UPDATE payment SET state = 'REFUND_DUE' WHERE ref_id = ?", (queued.ref_id,)
        )
    assert runtime.counter.inquire(FAMILY).usable


def test_two_cashiers_at_once_take_the_months_once(runtime, sim):
    """The check is made in the transaction that records: of payments of the same months made
    at the same moment (the screen and the POS on one database), one is taken."""
    runtime.counter.inquire(FAMILY)
    go_offline(sim)
    bill = runtime.counter.inquire(FAMILY).bill
    total = runtime.counter.total_for(bill)
    outcomes: list[object] = []
    start = threading.Barrier(4)

    def pay() -> None:
        start.wait()
        try:
            outcomes.append(runtime.counter.pay(bill, total, "latihan").state)
        except PaymentRefused as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=pay) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count(S.QUEUED) == 1
    assert len(payments.in_states(runtime.engine, set(S))) == 1
