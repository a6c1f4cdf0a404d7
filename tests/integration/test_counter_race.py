"""The background forwarder cannot take a payment the counter has just recorded: the payment is
recorded with its call begun (SENDING, its attempt PAYING) in one commit, so by the time anyone
can see it, it is the counter's to send; the cashier is told its answer, not "Mengirim"."""

from __future__ import annotations

from loket.domain.states import PaymentState
from loket.store import attempts, payments
from loket.sync.forwarder import Forwarder

S = PaymentState


def test_a_payment_the_counter_records_is_sent_once_though_a_background_forwarder_drains(
    runtime, sim
):
    bill = runtime.counter.inquire("0001000000011").bill
    seen: list[tuple[str, str, int]] = []

    def background_drains(payment) -> None:
        if payment.state is not S.RECORDED or seen:
            return
        stored = payments.get(runtime.engine, payment.ref_id)
        calls = attempts.of(runtime.engine, stored.id)
        seen.append((str(stored.state), str(calls[-1].state) if calls else "", len(calls)))
        Forwarder(runtime.engine, runtime.counter.host, runtime.clock).drain(force=True)

    paid = runtime.counter.pay(
        bill, runtime.counter.total_for(bill), "latihan", progress=background_drains
    )
    assert seen == [("SENDING", "PAYING", 1)]  # committed with its call before anyone could see
    assert paid.state is S.SUCCESS
    assert [e["ref_id"] for e in sim.ledger()].count(paid.ref_id) == 1
    assert len(attempts.of(runtime.engine, paid.id)) == 1
