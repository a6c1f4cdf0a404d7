"""What the forwarder writes when the host confirms, what it refuses to believe, and how one
payment that blows up is set aside while the others go on."""

import logging
from dataclasses import replace

from loket.domain.months import Month
from loket.domain.states import PaymentState
from loket.store import families, payments
from loket.sync.forwarder import Forwarder
from tests.conftest import KEY

S = PaymentState


class Twisted:
    """The real host, with some answers replaced."""

    def __init__(self, real, payment=None, status=None) -> None:
        self.real, self._payment, self._status = real, payment, status

    def __getattr__(self, name):  # everything else as the real adapter has it
        return getattr(self.real, name)

    def pay(self, ticket, request):
        reply = self.real.pay(ticket, request)
        return self._payment(request, reply) if self._payment else reply

    def status(self, ticket):
        reply = self.real.status(ticket)
        return self._status(ticket.ref, reply) if self._status else reply


def offline_payment(rt, sim):
    rt.counter.inquire("0001000000011")  # the family is known
    sim.faults("drop_before")
    quote = rt.counter.inquire("0001000000011")
    payment = rt.counter.pay(quote.bill, 110_000, "latihan")
    sim.faults("none")
    return payment


def test_an_offline_payment_takes_the_hosts_price_and_reference_when_confirmed(runtime, sim):
    payment = offline_payment(runtime, sim)
    assert (payment.state, payment.agent_price, payment.host_sn) == (S.QUEUED, 0, "")
    runtime.counter.forwarder.drain(force=True)
    paid = payments.get(runtime.engine, payment.ref_id)
    booked = sim.ledger()[0]
    assert paid.state == S.SUCCESS
    assert paid.agent_price == paid.premium + 1000 == 106_000  # the simulator's deposit charge
    assert (paid.host_sn, paid.paid_at) == (booked["sn"], booked["paid_at"])
    assert payments.events(runtime.engine, payment.ref_id)[-1].to_state == S.SUCCESS


def test_the_bill_as_paid_replaces_the_offline_guess(runtime, sim):
    payment = offline_payment(runtime, sim)

    def as_paid(_request, reply):  # the host covered one month of arrears too, same premium
        bill = replace(
            reply.bill,
            periods=(Month(2026, 10), Month(2026, 11)),
            arrears_months=1,
            agent_price=reply.bill.premium + 2500,
        )
        return replace(reply, bill=bill)

    forwarder = Forwarder(runtime.engine, Twisted(runtime.host, payment=as_paid), runtime.clock)
    paid = forwarder.forward(payment.ref_id)
    assert paid.state == S.SUCCESS and [str(m) for m in paid.periods] == ["2026-10", "2026-11"]
    assert (paid.arrears_months, paid.agent_price) == (1, 107_500)


def test_a_status_success_for_another_amount_or_family_is_not_believed(runtime, sim):
    bill = runtime.counter.inquire("0001000000011").bill
    sim.faults("drop_after")  # posted at the host, the answer lost
    runtime.counter.settings.resolve_tries = 0
    payment = runtime.counter.pay(bill, 110_000, "latihan")
    sim.faults("none")
    assert payment.state == S.UNKNOWN
    lies = [
        lambda r: replace(r, bill=replace(r.bill, premium=r.bill.premium + 5000)),
        lambda r: replace(r, bill=replace(r.bill, va_no="8888801999999999")),
        lambda r: replace(r, bill=None),
    ]
    for lie in lies:
        host = Twisted(runtime.host, status=lambda _ref, reply, lie=lie: lie(reply))
        after = Forwarder(runtime.engine, host, runtime.clock).forward(payment.ref_id)
        assert (after.state, after.host_sn) == (S.UNKNOWN, "")
    assert runtime.counter.forwarder.forward(payment.ref_id).state == S.SUCCESS  # the truth


def test_a_confirmed_payment_moves_the_familys_paid_month_forward(runtime, sim):
    bill = runtime.counter.inquire("0001000000011").bill
    assert runtime.counter.pay(bill, 110_000, "latihan").state == S.SUCCESS
    assert families.find(runtime.engine, "0001000000011").paid_through == "2026-11"
    sim.faults("drop_before")  # offline, the counter now knows there is nothing to take
    assert "sudah lunas" in runtime.counter.inquire("0001000000011").refusal


def test_a_failing_after_success_step_does_not_undo_the_success(runtime, sim):
    bill = runtime.counter.inquire("0001000000011").bill
    forwarder = runtime.counter.forwarder

    def broken(_w, _payment):
        raise OSError("disk full")

    forwarder.on_success = broken
    payment = runtime.counter.pay(bill, 110_000, "latihan")  # recorded, then:
    assert forwarder.forward(payment.ref_id).state == S.SUCCESS


class Exploding:
    """A host adapter with a bug for one customer."""

    def __init__(self, real, bad_customer: str) -> None:
        self.real, self.bad = real, bad_customer
        self.refs: dict[str, str] = {}

    def __getattr__(self, name):
        return getattr(self.real, name)

    def pay(self, ticket, request):
        self.refs[ticket.ref] = request.customer_no
        if request.customer_no == self.bad:
            raise RecursionError("maximum recursion depth exceeded")
        return self.real.pay(ticket, request)

    def status(self, ticket):
        if self.refs.get(ticket.ref) == self.bad:
            raise ValueError("odd")
        return self.real.status(ticket)


def test_one_payment_that_blows_up_is_parked_and_the_others_go(runtime, sim, caplog):
    numbers = ["0001000000011", "0001000000029", "0001000000037"]
    bills = [runtime.counter.inquire(n).bill for n in numbers]
    sim.faults("drop_before")
    runtime.counter.settings.resolve_tries = 0
    made = [runtime.counter.pay(b, runtime.counter.total_for(b), "latihan") for b in bills]
    sim.faults("none")
    assert {p.state for p in made} == {S.UNKNOWN}
    host = Exploding(runtime.host, numbers[1])
    forwarder = Forwarder(runtime.engine, host, runtime.clock, actor="sync")
    with caplog.at_level(logging.ERROR, logger="loket.sync"):
        done = forwarder.drain(force=True)  # status -> not found -> send again
    assert [p.state for p in done] == [S.SUCCESS, S.UNKNOWN, S.SUCCESS]
    parked = payments.get(runtime.engine, made[1].ref_id)
    assert parked.state == S.UNKNOWN and parked.next_attempt_at > parked.created_at
    assert [e.to_state for e in payments.events(runtime.engine, made[1].ref_id)][-2:] == [
        S.SENDING,
        S.UNKNOWN,
    ]  # caught while sending: it may have reached the host
    assert any(
        made[1].ref_id in r.getMessage() and "RecursionError" in r.getMessage()
        for r in caplog.records
    )
    assert all(KEY not in r.getMessage() for r in caplog.records)
    assert made[1].ref_id not in {p.ref_id for p in forwarder.due()}  # backed off
    with caplog.at_level(logging.ERROR, logger="loket.sync"):
        again = forwarder.forward(made[1].ref_id)  # now the status query itself blows up
    assert again.state == S.UNKNOWN and any("ValueError" in r.getMessage() for r in caplog.records)
    assert runtime.counter.forwarder.forward(made[1].ref_id).state == S.SUCCESS  # bug fixed
