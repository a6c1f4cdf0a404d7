"""The background forwarder may take a payment the counter has just recorded: the cashier is
then told its answer, not "Mengirim"."""

from __future__ import annotations

import threading
import time

from loket.domain.states import PaymentState
from loket.store import payments

S = PaymentState


def test_a_payment_taken_by_the_background_forwarder_is_answered_once_it_is_answered(
        runtime, sim):
    bill = runtime.counter.inquire("0001000000011").bill
    answered = threading.Event()

    def background_takes_it(payment) -> None:
        if payment.state is not S.RECORDED or answered.is_set():
            return
        payments.transition(runtime.engine, payment.ref_id, S.SENDING, actor="forwarder",
                            now=payment.created_at, host_reply=False)

        def answer() -> None:  # its call ends without an answer: the counter asks by status
            time.sleep(0.4)
            payments.transition(runtime.engine, payment.ref_id, S.UNKNOWN, actor="forwarder",
                                now=payment.created_at, message="tidak ada jawaban")
            answered.set()
        threading.Thread(target=answer, daemon=True).start()

    paid = runtime.counter.pay(bill, runtime.counter.total_for(bill), "latihan",
                               progress=background_takes_it)
    assert answered.is_set()
    assert paid.state is S.SUCCESS
    assert [e["ref_id"] for e in sim.ledger()].count(paid.ref_id) == 1
