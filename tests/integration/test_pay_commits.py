"""What must be durable before the host is called is one commit (issue 20): the payment, its
events and audit rows, and its call's attempt with the time the request may still arrive until.
What follows the answer is as few commits as the guarantees allow: the answer (state, event,
attempt, audit row) with the family's paid month, beside the deposit watch's own entry."""

from __future__ import annotations

from sqlalchemy import event

from loket.domain.attempts import AttemptState
from loket.domain.states import PaymentState
from loket.store import attempts, families, payments

S = PaymentState


def test_a_payment_is_one_commit_before_the_host_is_called(runtime, sim):
    counter = runtime.counter
    bill = counter.inquire("0001000000011").bill
    commits: list[int] = []
    at_call: dict[str, object] = {}
    event.listen(runtime.engine, "commit", lambda _conn: commits.append(1))
    real = counter.host

    class Watching:
        def __getattr__(self, name):
            return getattr(real, name)

        def pay(self, ticket, request):
            stored = payments.get(runtime.engine, request.ref_id)
            tried = attempts.of(runtime.engine, stored.id)
            at_call.update(
                commits=len(commits),
                state=stored.state,
                attempts=stored.attempts,
                tried=[(a.state, bool(a.last_call_at), bool(a.may_arrive_until)) for a in tried],
                events=[e.to_state for e in payments.events(runtime.engine, request.ref_id)],
            )
            return real.pay(ticket, request)

    counter.host = Watching()
    try:
        paid = counter.pay(bill, counter.total_for(bill), "latihan")
    finally:
        counter.host = real
    assert at_call == {
        "commits": 1,
        "state": S.SENDING,
        "attempts": 1,
        "tried": [(AttemptState.PAYING, True, True)],
        "events": ["RECORDED", "SENDING"],
    }
    assert paid.state is S.SUCCESS
    assert len(commits) - 1 <= 2  # the answer with the family's month; the deposit's entry
    assert families.find(runtime.engine, "0001000000011").paid_through == "2026-11"


def test_a_bug_in_beginning_the_call_never_costs_the_recording(runtime, sim):
    counter = runtime.counter
    bill = counter.inquire("0001000000011").bill
    real = counter.host

    class Broken:
        def __getattr__(self, name):
            return getattr(real, name)

        def new_ref(self, ref_id, seq):
            raise RecursionError("maximum recursion depth exceeded")

    counter.host = Broken()
    try:
        taken = counter.pay(bill, counter.total_for(bill), "latihan")
    finally:
        counter.host = real
    stored = payments.get(runtime.engine, taken.ref_id)
    assert stored.state is S.RECORDED and stored.next_attempt_at  # kept, backed off
    assert attempts.of(runtime.engine, stored.id) == []
    assert [e.to_state for e in payments.events(runtime.engine, taken.ref_id)] == ["RECORDED"]
