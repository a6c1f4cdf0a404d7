"""A host's answer to one payment call or status query, written: the payment's state change, its
event and audit row, and the attempt's answer, in one transaction (``store/writing.py``).

A success that does not show this payment's bill as paid is no success. A "failed" learned by a
status query is asked once more before cash is owed back; "failed" from a payment call owes it
back at once, both steps (FAILED, REFUND_DUE) in one go. Anything else is no news: the payment
stays where a status query can resolve it, backed off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from loket.clock import iso
from loket.domain.attempts import HEARD_PENDING, Attempt, AttemptState
from loket.domain.outcomes import HOST_MISMATCH, Outcome
from loket.domain.payment import Payment
from loket.domain.states import PaymentState
from loket.host.base import HostAdapter, HostReply
from loket.store.changes import AttemptAnswer, AttemptChange, PaymentChange
from loket.store.writing import Writing
from loket.sync.calls import answer_of, confirms
from loket.sync.moving import Moves

S = PaymentState
A = AttemptState


class Answering:
    """Writes ``host``'s answers through ``moves``; ``told`` hears of each payment confirmed,
    in the transaction that confirms it (it must not raise)."""

    def __init__(
        self, moves: Moves, host: HostAdapter, told: Callable[[Writing, Payment], None]
    ) -> None:
        self.moves = moves
        self.host = host
        self.told = told

    def apply(self, payment: Payment, attempt: Attempt, reply: HostReply, asked: bool) -> Payment:
        """Write the host's answer to the payment and its attempt, in one transaction; a
        confirmed payment is told (``told``) in it, so what follows a confirmation (the family's
        paid month) is the same commit."""
        if reply.outcome is Outcome.SUCCESS and not confirms(payment, reply):
            reply = HostReply(Outcome.UNKNOWN, message=HOST_MISMATCH)
        with Writing(self.moves.engine) as w:
            done = self._answered(w, payment, attempt, reply, asked)
            if done.state is S.SUCCESS and reply.outcome is Outcome.SUCCESS:
                self.told(w, done)  # in the same commit; it may not undo the confirmation
        return done

    def _answered(
        self, w: Writing, payment: Payment, attempt: Attempt, reply: HostReply, asked: bool
    ) -> Payment:
        outcome, m = reply.outcome, self.moves
        if asked:  # every question counts towards the back-off, like every send
            payment = m.move(
                payment, payment.state, w=w, change=PaymentChange(attempts=payment.attempts + 1)
            )
        answer = self.answer(attempt, A.UNKNOWN, reply, asked)
        if outcome is Outcome.SUCCESS:  # the books take what the host charged and covered
            paid = reply.bill
            assert paid is not None
            return m.move(
                payment,
                S.SUCCESS,
                reply,
                w=w,
                change=PaymentChange(
                    host_sn=reply.sn,
                    paid_at=reply.paid_at,
                    agent_price=paid.agent_price,
                    periods=paid.periods,
                    arrears_months=paid.arrears_months,
                    next_attempt_at="",
                ),
                attempt=_as(answer, A.SUCCESS),
            )
        if outcome is Outcome.FINAL_FAILURE and asked and attempt.state is not A.FAILING:
            # "failed" learned by a status query — after "pending", or after an answer that was
            # lost (a "pending" the counter never heard of, killed before writing it): the host
            # may have booked it. Asked once more, after its polling interval, before any cash
            # is owed back; a later success wins
            doubt = S.PENDING if payment.state == S.PENDING else S.UNKNOWN
            return m.move(
                payment,
                doubt,
                reply,
                w=w,
                change=PaymentChange(
                    next_attempt_at=m.later(payment, self.host.min_status_interval_s)
                ),
                attempt=_as(answer, A.FAILING),
            )
        if outcome is Outcome.FINAL_FAILURE:  # the customer's cash is owed back: both in one go
            return m.move(
                payment,
                S.FAILED,
                reply,
                w=w,
                then=S.REFUND_DUE,
                change=PaymentChange(next_attempt_at=""),
                attempt=_as(answer, A.FAILED),
            )
        wait = PaymentChange(next_attempt_at=m.later(payment, reply.retry_after_s or 0.0))
        if outcome is Outcome.PENDING:
            return m.move(
                payment, S.PENDING, reply, w=w, change=wait, attempt=_as(answer, A.PENDING)
            )
        if not asked and outcome in (Outcome.REJECTED, Outcome.NOT_POSTED):
            # nothing was recorded under it: a quote may be paid again while it is valid
            again = (
                A.INQUIRED
                if self.host.quote_first and outcome is Outcome.REJECTED
                else (A.NOT_POSTED)
            )
            return m.move(payment, S.REJECTED, reply, w=w, change=wait, attempt=_as(answer, again))
        # unknown, or a status query that was itself refused: no news
        target = S.PENDING if payment.state == S.PENDING else S.UNKNOWN
        keep = attempt.state if attempt.state in HEARD_PENDING else A.UNKNOWN
        return m.move(payment, target, reply, w=w, change=wait, attempt=_as(answer, keep))

    def answer(
        self, attempt: Attempt, state: AttemptState, reply: HostReply, asked: bool = False
    ) -> AttemptAnswer:
        now = iso(self.moves.now())
        return AttemptAnswer(
            attempt.id,
            AttemptChange(
                state=state,
                answer=answer_of(reply),
                updated_at=now,
                may_arrive_until=attempt.may_arrive_until,
                last_call_at=now if asked else None,
            ),
        )

    def closing(self, attempt: Attempt, state: AttemptState, reply: HostReply) -> AttemptAnswer:
        now = iso(self.moves.now())
        return AttemptAnswer(
            attempt.id,
            AttemptChange(state=state, answer=answer_of(reply), last_call_at=now, updated_at=now),
        )

    def close(self, attempt: Attempt, state: AttemptState, reply: HostReply) -> None:
        closing = self.closing(attempt, state, reply)
        with Writing(self.moves.engine) as w:
            w.change_attempt(closing.attempt_id, closing.change)


def _as(answer: AttemptAnswer, state: AttemptState) -> AttemptAnswer:
    return AttemptAnswer(answer.attempt_id, replace(answer.change, state=state))
