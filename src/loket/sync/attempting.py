"""One step of one payment at its host, through attempts (``domain/attempts.py``).

- An attempt that may have posted (PAYING, PENDING, UNKNOWN) is only ever asked about, no more
  often than the host allows.
- Otherwise the payment is sent: the native host takes it as it is, under the payment's own
  ``ref_id``; a host that pays only its own recent inquiry (``quote_first``) gets a fresh inquiry
  first unless a still-valid one is at hand, and the premium it quotes must equal what the
  customer paid — if not, or if there is nothing to pay any more, no payment is sent and the
  cash is owed back.
- Every attempt is written before its call; its answer is written in the same transaction as
  the payment's state change. A payment call's attempt is begun in the transaction that moves
  the payment to SENDING — for a new payment at the counter, the one that records it
  (``start``) — so what must be durable before the host is called is one commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from loket.clock import iso, parse_iso
from loket.domain.attempts import HEARD_PENDING, Attempt, AttemptState, may_still_arrive
from loket.domain.outcomes import Outcome
from loket.domain.payment import Payment
from loket.domain.states import TRANSITIONS, PaymentState
from loket.host.base import HostAdapter, HostReply
from loket.store import attempts
from loket.store.changes import AttemptChange, NewAttempt, PaymentChange
from loket.store.writing import Writing
from loket.sync.answering import Answering
from loket.sync.calls import changed_bill, request_for, ticket
from loket.sync.moving import Moves

S = PaymentState
A = AttemptState
MAY_STILL_ARRIVE = (
    "Host belum mencatat pembayaran, tetapi permintaannya mungkin masih di jalan "
    "— status akan dicek ulang"
)
NOT_FOUND_AFTER_PENDING = (
    "Host tidak menemukan transaksi yang tadi diproses — status akan dicek ulang"
)


@dataclass(frozen=True)
class Sending:
    """A payment call begun (the payment SENDING, its attempt PAYING) and committed: what the
    host is to be asked, and until when the request may still arrive if no answer comes."""

    payment: Payment
    attempt: Attempt
    arrive_by: str


class Attempting:
    """The steps of one payment at ``host``, written through ``moves``; ``told`` hears of each
    payment confirmed, in the transaction that confirms it."""

    def __init__(
        self, moves: Moves, host: HostAdapter, told: Callable[[Writing, Payment], None]
    ) -> None:
        self.moves = moves
        self.engine = moves.engine
        self.host = host
        self.answers = Answering(moves, host, told)

    @property
    def now(self) -> datetime:
        return self.moves.now()

    # -- which step -------------------------------------------------------------------------
    def advance(self, payment: Payment, last: Attempt | None) -> Payment:
        if last is not None and last.open:
            return self._ask(payment, last)
        if payment.state in (S.PENDING, S.UNKNOWN) and last is None:
            # from before attempts were kept (native only): its own ref_id was on the wire
            with Writing(self.engine) as w:
                last = w.add_attempt(
                    payment.id, NewAttempt(payment.ref_id, A.UNKNOWN, iso(self.now))
                )
            return self._ask(payment, last)
        return self._send(payment, last)

    # -- asking -----------------------------------------------------------------------------
    def _status_due(self, attempt: Attempt) -> datetime | None:
        """When the next status query may be made (None: now)."""
        if not attempt.last_call_at or not self.host.min_status_interval_s:
            return None
        at = parse_iso(attempt.last_call_at) + timedelta(seconds=self.host.min_status_interval_s)
        return at if at > self.now else None

    def _ask(self, payment: Payment, attempt: Attempt) -> Payment:
        wait = self._status_due(attempt)
        if wait is not None:  # the host's polling discipline: not yet
            return self.moves.move(
                payment, payment.state, change=PaymentChange(next_attempt_at=iso(wait))
            )
        reply = self.host.status(ticket(attempt, payment))
        if reply.outcome is Outcome.NOT_POSTED:  # a new reference would follow: is it news?
            unsure = self._not_found_proves_nothing(attempt)
            if unsure:
                reply = HostReply(
                    Outcome.UNKNOWN, rc=reply.rc, message=unsure, retry_after_s=reply.retry_after_s
                )
        if reply.outcome is Outcome.NOT_POSTED:  # never arrived under it: a new attempt
            self.answers.close(attempt, A.NOT_POSTED, reply)
            return self._send(payment, attempts.last(self.engine, payment.id))
        if reply.quote_only:
            again = self._after_quote_only(attempt, reply)
            if again is not None:
                return self._send(payment, again)
        return self.answers.apply(payment, attempt, reply, asked=True)

    def _not_found_proves_nothing(self, attempt: Attempt) -> str:
        """Why the host's "not found" (or "only inquired") is no news of this attempt: the host
        answered "pending" for it, or its payment request went out without an answer and may
        still arrive — then a new reference could book the payment twice. "" when it is news."""
        if attempt.state in HEARD_PENDING:
            return NOT_FOUND_AFTER_PENDING
        if (
            self.host.quote_first
            and may_still_arrive(attempt, self.now)
            and (not attempt.inquired_at or self._fresh(attempt))
        ):  # an old quote pays nothing
            return MAY_STILL_ARRIVE
        return ""

    def _after_quote_only(self, attempt: Attempt, reply: HostReply) -> Attempt | None:
        """The host knows only the inquiry under this reference: no payment arrived (yet).

        A host that pays a quote at most once (IAK's tr_id) may be paid again under it while it
        is valid. Otherwise the attempt stays unknown while the quote could still be paid — a
        payment under it may be on its way — and is closed once it can no longer be: then a new
        reference may follow. None: keep asking."""
        fresh = self._fresh(attempt)
        if fresh and self.host.repay_quote:
            self.answers.close(attempt, A.INQUIRED, reply)
        elif not fresh and attempt.inquired_at and not self._not_found_proves_nothing(attempt):
            self.answers.close(attempt, A.NOT_POSTED, reply)
        else:
            return None
        return attempts.last(self.engine, attempt.payment_id)

    # -- sending ----------------------------------------------------------------------------
    def _send(self, payment: Payment, last: Attempt | None) -> Payment:
        attempt = None
        if self.host.quote_first:
            hold = self.host.quote_rule.hold_until(self.now)
            if hold is not None:  # too near midnight to pay an inquiry of today
                return self.moves.move(
                    payment, payment.state, change=PaymentChange(next_attempt_at=iso(hold))
                )
            if last is not None and last.state is A.INQUIRED and self._fresh(last):
                attempt = last
            else:
                quoted = self._quote(payment, last)
                if isinstance(quoted, Payment):
                    return quoted  # refused, owed back or postponed: no payment was sent
                attempt = quoted
        return self._pay(payment, attempt, last)

    def _fresh(self, attempt: Attempt) -> bool:
        return bool(attempt.inquired_at) and self.host.quote_rule.fresh(
            parse_iso(attempt.inquired_at), self.now
        )

    def _quote(self, payment: Payment, last: Attempt | None) -> Attempt | Payment:
        """A fresh inquiry under a new reference, written before it is made."""
        now = iso(self.now)
        seq = last.seq + 1 if last else 1
        with Writing(self.engine) as w:
            attempt = w.add_attempt(
                payment.id,
                NewAttempt(self.host.new_ref(payment.ref_id, seq), A.INQUIRING, now),
                close_before=last,
            )
        reply = self.host.inquiry(attempt.host_ref, payment.customer_no, payment.months_ahead)
        bill = reply.bill
        if reply.outcome is Outcome.SUCCESS and bill is not None:
            if bill.premium != payment.premium:
                return self._owed_back(payment, attempt, reply, changed_bill(payment, bill.premium))
            with Writing(self.engine) as w:
                w.change_attempt(
                    attempt.id,
                    AttemptChange(
                        state=A.INQUIRED,
                        host_tx=bill.quote_tx,
                        quoted_premium=bill.premium,
                        inquired_at=now,
                        updated_at=now,
                    ),
                )
            return attempts.last(self.engine, payment.id) or attempt
        if reply.outcome is Outcome.FINAL_FAILURE:  # paid elsewhere, number gone, not payable
            return self._owed_back(payment, attempt, reply, reply.cashier_text or reply.message)
        # unknown, refused, rate-limited: an inquiry posts nothing; a new one later
        return self.moves.move(
            payment,
            payment.state,
            change=PaymentChange(
                next_attempt_at=self.moves.later(payment, reply.retry_after_s or 0.0),
                attempts=payment.attempts + 1,
            ),
            attempt=self.answers.closing(attempt, A.NOT_POSTED, reply),
        )

    def _owed_back(self, payment: Payment, attempt: Attempt, reply: HostReply, why: str) -> Payment:
        earlier = self._earlier_quote_answered(payment, attempt, reply)
        if earlier is not None:
            return earlier
        reason = HostReply(
            Outcome.FINAL_FAILURE, rc=reply.rc, message=why, cashier_text=why, meaning=reply.meaning
        )
        return self.moves.move(
            payment,
            S.FAILED,
            reason,
            then=S.REFUND_DUE,
            change=PaymentChange(next_attempt_at=""),
            attempt=self.answers.answer(attempt, A.NOT_POSTED, reply),
        )

    def _earlier_quote_answered(
        self, payment: Payment, current: Attempt, inquiry: HostReply
    ) -> Payment | None:
        """Before the cash is owed back because a fresh inquiry finds the bill changed or paid:
        a payment under an earlier quote may have arrived after the host said it had not (a
        request still on its way). Each earlier quote is asked once more. A success there is
        this payment's; no news postpones (a later inquiry, a later question); only when every
        earlier quote is known not to have posted is the cash owed back (None)."""
        earlier = [
            a
            for a in attempts.of(self.engine, payment.id)
            if a.id != current.id and a.state is A.NOT_POSTED and (a.quoted_premium or a.host_tx)
        ]
        for attempt in earlier:
            reply = self.host.status(ticket(attempt, payment))
            if (
                reply.outcome is Outcome.NOT_POSTED
                or reply.quote_only
                or (reply.outcome is Outcome.FINAL_FAILURE)
            ):
                continue
            self.answers.close(current, A.NOT_POSTED, inquiry)
            if reply.outcome is Outcome.SUCCESS:
                if S.SUCCESS not in TRANSITIONS[payment.state]:  # it was sent after all
                    payment = self.moves.move(payment, S.SENDING)
                return self.answers.apply(payment, attempt, reply, asked=True)
            return self.moves.move(
                payment,
                payment.state,
                change=PaymentChange(
                    next_attempt_at=self.moves.later(payment, reply.retry_after_s or 0.0),
                    attempts=payment.attempts + 1,
                ),
            )
        return None

    def start(self, w: Writing, payment: Payment) -> Sending | None:
        """In the transaction that records a new ``payment`` (``w``): when its next step is a
        payment call — the native host, or the fresh quote written with it — begin it there,
        so the payment, its event and audit row and the call's attempt are one commit before
        the host is called (``finish``). None: the step needs more first (an inquiry, a hold
        before midnight); ``Forwarder.forward`` takes it after the commit."""
        last = w.last_attempt(payment.id)
        attempt = None
        if self.host.quote_first:
            if self.host.quote_rule.hold_until(self.now) is not None:
                return None
            if last is None or last.state is not A.INQUIRED or not self._fresh(last):
                return None
            attempt = last
        elif last is not None:
            return None
        return self._begin_pay(w, payment, attempt, last)

    def _begin_pay(
        self, w: Writing, payment: Payment, attempt: Attempt | None, last: Attempt | None
    ) -> Sending:
        now = iso(self.now)
        arrive_by = iso(
            self.now + timedelta(seconds=self.host.total_timeout_s + self.host.late_request_s)
        )
        sending = self.moves.move(
            payment, S.SENDING, w=w, change=PaymentChange(attempts=payment.attempts + 1)
        )
        if attempt is None:  # the native host: a new attempt under the payment's own ref
            seq = last.seq + 1 if last else 1
            attempt = w.add_attempt(
                payment.id,
                NewAttempt(
                    self.host.new_ref(payment.ref_id, seq),
                    A.PAYING,
                    now,
                    last_call_at=now,
                    may_arrive_until=arrive_by,
                ),
            )
        else:
            w.change_attempt(
                attempt.id,
                AttemptChange(
                    state=A.PAYING, updated_at=now, last_call_at=now, may_arrive_until=arrive_by
                ),
            )
        return Sending(sending, attempt, arrive_by)

    def finish(self, sent: Sending) -> Payment:
        """The payment call begun (and committed) by ``start`` or ``_pay``, and its answer."""
        reply = self.host.pay(ticket(sent.attempt, sent.payment), request_for(sent.payment))
        # answered: the request reached the host and was dealt with; it cannot arrive later
        attempt = replace(sent.attempt, may_arrive_until="" if reply.answered else sent.arrive_by)
        return self.answers.apply(sent.payment, attempt, reply, asked=False)

    def _pay(self, payment: Payment, attempt: Attempt | None, last: Attempt | None) -> Payment:
        with Writing(self.engine) as w:
            sent = self._begin_pay(w, payment, attempt, last)
        return self.finish(sent)
