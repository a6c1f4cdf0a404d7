"""One step of one payment at its host, through attempts (``domain/attempts.py``).

- An attempt that may have posted (PAYING, PENDING, UNKNOWN) is only ever asked about, no more
  often than the host allows.
- Otherwise the payment is sent: the native host takes it as it is, under the payment's own
  ``ref_id``; a host that pays only its own recent inquiry (``quote_first``) gets a fresh inquiry
  first unless a still-valid one is at hand, and the premium it quotes must equal what the
  customer paid — if not, or if there is nothing to pay any more, no payment is sent and the
  cash is owed back.
- Every attempt is written before its call; its answer is written in the same transaction as
  the payment's state change.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from loket.clock import iso, parse_iso
from loket.domain.attempts import HEARD_PENDING, Attempt, AttemptState, may_still_arrive
from loket.domain.outcomes import HOST_MISMATCH, Outcome
from loket.domain.payment import Payment
from loket.domain.states import TRANSITIONS, PaymentState
from loket.host.base import HostReply
from loket.store import attempts
from loket.sync.calls import changed_bill, confirms, request_for, ticket

if TYPE_CHECKING:
    from loket.sync.forwarder import Forwarder

S = PaymentState
A = AttemptState
MAY_STILL_ARRIVE = ("Host belum mencatat pembayaran, tetapi permintaannya mungkin masih di jalan "
                    "— status akan dicek ulang")
NOT_FOUND_AFTER_PENDING = ("Host tidak menemukan transaksi yang tadi diproses — status akan dicek "
                           "ulang")


class Attempting:
    def __init__(self, forwarder: Forwarder) -> None:
        self.f = forwarder
        self.host = forwarder.host

    @property
    def now(self) -> datetime:
        return self.f.clock.now()

    # -- which step -------------------------------------------------------------------------
    def advance(self, payment: Payment, last: Attempt | None) -> Payment:
        if last is not None and last.open:
            return self._ask(payment, last)
        if payment.state in (S.PENDING, S.UNKNOWN) and last is None:
            # from before attempts were kept (native only): its own ref_id was on the wire
            last = attempts.begin(self.f.engine, payment.id, payment.ref_id, A.UNKNOWN,
                                  iso(self.now))
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
            return self.f.move(payment, payment.state, next_attempt_at=iso(wait))
        reply = self.host.status(ticket(attempt, payment))
        if reply.outcome is Outcome.NOT_POSTED:  # a new reference would follow: is it news?
            unsure = self._not_found_proves_nothing(attempt)
            if unsure:
                reply = HostReply(Outcome.UNKNOWN, rc=reply.rc, message=unsure,
                                  retry_after_s=reply.retry_after_s)
        if reply.outcome is Outcome.NOT_POSTED:  # never arrived under it: a new attempt
            self._close(attempt, A.NOT_POSTED, reply)
            return self._send(payment, attempts.last(self.f.engine, payment.id))
        if reply.quote_only:
            again = self._after_quote_only(attempt, reply)
            if again is not None:
                return self._send(payment, again)
        return self.apply(payment, attempt, reply, asked=True)

    def _not_found_proves_nothing(self, attempt: Attempt) -> str:
        """Why the host's "not found" (or "only inquired") is no news of this attempt: the host
        answered "pending" for it, or its payment request went out without an answer and may
        still arrive — then a new reference could book the payment twice. "" when it is news."""
        if attempt.state in HEARD_PENDING:
            return NOT_FOUND_AFTER_PENDING
        if self.host.quote_first and may_still_arrive(attempt, self.now) and (
                not attempt.inquired_at or self._fresh(attempt)):  # an old quote pays nothing
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
            self._close(attempt, A.INQUIRED, reply)
        elif not fresh and attempt.inquired_at and not self._not_found_proves_nothing(attempt):
            self._close(attempt, A.NOT_POSTED, reply)
        else:
            return None
        return attempts.last(self.f.engine, attempt.payment_id)

    # -- sending ----------------------------------------------------------------------------
    def _send(self, payment: Payment, last: Attempt | None) -> Payment:
        attempt = None
        if self.host.quote_first:
            hold = self.host.quote_rule.hold_until(self.now)
            if hold is not None:  # too near midnight to pay an inquiry of today
                return self.f.move(payment, payment.state, next_attempt_at=iso(hold))
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
            parse_iso(attempt.inquired_at), self.now)

    def _quote(self, payment: Payment, last: Attempt | None) -> Attempt | Payment:
        """A fresh inquiry under a new reference, written before it is made."""
        now = iso(self.now)
        seq = last.seq + 1 if last else 1
        attempt = attempts.begin(self.f.engine, payment.id, self.host.new_ref(payment.ref_id, seq),
                                 A.INQUIRING, now, close_before=last)
        reply = self.host.inquiry(attempt.host_ref, payment.customer_no, payment.months_ahead)
        bill = reply.bill
        if reply.outcome is Outcome.SUCCESS and bill is not None:
            if bill.premium != payment.premium:
                return self._owed_back(payment, attempt, reply, changed_bill(payment,
                                                                              bill.premium))
            attempts.update(self.f.engine, attempt.id, state=A.INQUIRED, host_tx=bill.quote_tx,
                            quoted_premium=bill.premium, inquired_at=now, updated_at=now)
            return attempts.last(self.f.engine, payment.id) or attempt
        if reply.outcome is Outcome.FINAL_FAILURE:  # paid elsewhere, number gone, not payable
            return self._owed_back(payment, attempt, reply,
                                   reply.cashier_text or reply.message)
        # unknown, refused, rate-limited: an inquiry posts nothing; a new one later
        self._close(attempt, A.NOT_POSTED, reply)
        return self.f.move(payment, payment.state, next_attempt_at=self.f.later(
            payment, reply.retry_after_s or 0.0), attempts=payment.attempts + 1)

    def _owed_back(self, payment: Payment, attempt: Attempt, reply: HostReply,
                   why: str) -> Payment:
        earlier = self._earlier_quote_answered(payment, attempt, reply)
        if earlier is not None:
            return earlier
        reason = HostReply(Outcome.FINAL_FAILURE, rc=reply.rc, message=why, cashier_text=why,
                           meaning=reply.meaning)
        return self.f.move(payment, S.FAILED, reason, then=S.REFUND_DUE, next_attempt_at="",
                           also=self._write(attempt, A.NOT_POSTED, reply))

    def _earlier_quote_answered(self, payment: Payment, current: Attempt,
                                inquiry: HostReply) -> Payment | None:
        """Before the cash is owed back because a fresh inquiry finds the bill changed or paid:
        a payment under an earlier quote may have arrived after the host said it had not (a
        request still on its way). Each earlier quote is asked once more. A success there is
        this payment's; no news postpones (a later inquiry, a later question); only when every
        earlier quote is known not to have posted is the cash owed back (None)."""
        earlier = [a for a in attempts.of(self.f.engine, payment.id)
                   if a.id != current.id and a.state is A.NOT_POSTED
                   and (a.quoted_premium or a.host_tx)]
        for attempt in earlier:
            reply = self.host.status(ticket(attempt, payment))
            if reply.outcome is Outcome.NOT_POSTED or reply.quote_only or (
                    reply.outcome is Outcome.FINAL_FAILURE):
                continue
            self._close(current, A.NOT_POSTED, inquiry)
            if reply.outcome is Outcome.SUCCESS:
                if S.SUCCESS not in TRANSITIONS[payment.state]:  # it was sent after all
                    payment = self.f.move(payment, S.SENDING)
                return self.apply(payment, attempt, reply, asked=True)
            return self.f.move(payment, payment.state, next_attempt_at=self.f.later(
                payment, reply.retry_after_s or 0.0), attempts=payment.attempts + 1)
        return None

    def _pay(self, payment: Payment, attempt: Attempt | None, last: Attempt | None) -> Payment:
        now = iso(self.now)

        def paying(conn, payment_id: int) -> None:
            nonlocal attempt
            if attempt is None:  # the native host: a new attempt under the payment's own ref
                seq = last.seq + 1 if last else 1
                attempt = attempts.add(conn, payment_id, self.host.new_ref(payment.ref_id, seq),
                                       A.PAYING, now)
            else:
                attempts.change(conn, attempt.id, state=A.PAYING, updated_at=now)
            attempts.change(conn, attempt.id, last_call_at=now, may_arrive_until=arrive_by)

        arrive_by = iso(self.now + timedelta(
            seconds=self.host.total_timeout_s + self.host.late_request_s))
        sending = self.f.move(payment, S.SENDING, attempts=payment.attempts + 1, also=paying)
        assert attempt is not None
        reply = self.host.pay(ticket(attempt, sending), request_for(sending))
        # answered: the request reached the host and was dealt with; it cannot arrive later
        attempt = replace(attempt, may_arrive_until="" if reply.answered else arrive_by)
        return self.apply(sending, attempt, reply, asked=False)

    # -- the answer -------------------------------------------------------------------------
    def apply(self, payment: Payment, attempt: Attempt, reply: HostReply, asked: bool) -> Payment:
        """Write the host's answer to the payment and its attempt, in one transaction."""
        if reply.outcome is Outcome.SUCCESS and not confirms(payment, reply):
            reply = HostReply(Outcome.UNKNOWN, message=HOST_MISMATCH)
        outcome, f = reply.outcome, self.f
        if asked:  # every question counts towards the back-off, like every send
            payment = f.move(payment, payment.state, attempts=payment.attempts + 1)
        if outcome is Outcome.SUCCESS:  # the books take what the host charged and covered
            paid = reply.bill
            assert paid is not None
            done = f.move(payment, S.SUCCESS, reply, host_sn=reply.sn, paid_at=reply.paid_at,
                          agent_price=paid.agent_price,
                          periods=json.dumps([str(p) for p in paid.periods]),
                          arrears_months=paid.arrears_months, next_attempt_at="",
                          also=self._write(attempt, A.SUCCESS, reply, asked))
            f.tell_success(done)
            return done
        if outcome is Outcome.FINAL_FAILURE and asked and attempt.state is not A.FAILING:
            # "failed" learned by a status query — after "pending", or after an answer that was
            # lost (a "pending" the counter never heard of, killed before writing it): the host
            # may have booked it. Asked once more, after its polling interval, before any cash
            # is owed back; a later success wins
            doubt = S.PENDING if payment.state == S.PENDING else S.UNKNOWN
            return f.move(payment, doubt, reply, next_attempt_at=f.later(
                payment, self.host.min_status_interval_s),
                also=self._write(attempt, A.FAILING, reply, asked))
        if outcome is Outcome.FINAL_FAILURE:  # the customer's cash is owed back: both in one go
            return f.move(payment, S.FAILED, reply, then=S.REFUND_DUE, next_attempt_at="",
                          also=self._write(attempt, A.FAILED, reply, asked))
        wait = f.later(payment, reply.retry_after_s or 0.0)
        if outcome is Outcome.PENDING:
            return f.move(payment, S.PENDING, reply, next_attempt_at=wait,
                          also=self._write(attempt, A.PENDING, reply, asked))
        if not asked and outcome in (Outcome.REJECTED, Outcome.NOT_POSTED):
            # nothing was recorded under it: a quote may be paid again while it is valid
            again = A.INQUIRED if self.host.quote_first and outcome is Outcome.REJECTED else (
                A.NOT_POSTED)
            return f.move(payment, S.REJECTED, reply, next_attempt_at=wait,
                          also=self._write(attempt, again, reply, asked))
        # unknown, or a status query that was itself refused: no news
        target = S.PENDING if payment.state == S.PENDING else S.UNKNOWN
        keep = attempt.state if attempt.state in HEARD_PENDING else A.UNKNOWN
        return f.move(payment, target, reply, next_attempt_at=wait,
                      also=self._write(attempt, keep, reply, asked))

    def _write(self, attempt: Attempt, state: AttemptState, reply: HostReply,
               asked: bool = False):
        now = iso(self.now)

        def write(conn, _payment_id: int) -> None:
            fields = {"state": state, "rc": reply.rc, "meaning": str(reply.meaning),
                      "message": reply.message[:200],
                      "updated_at": now, "may_arrive_until": attempt.may_arrive_until}
            if asked:
                fields["last_call_at"] = now
            attempts.change(conn, attempt.id, **fields)
        return write

    def _close(self, attempt: Attempt, state: AttemptState, reply: HostReply) -> None:
        now = iso(self.now)
        attempts.update(self.f.engine, attempt.id, state=state, rc=reply.rc,
                        meaning=str(reply.meaning), message=reply.message[:200],
                        last_call_at=now, updated_at=now)
