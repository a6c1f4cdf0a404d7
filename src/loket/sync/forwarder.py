"""The forwarder: moves every non-final payment to a final state, never paying twice.

A payment is always sent with its own ref_id and a byte-identical body, so the host's idempotency
makes every resend safe. An unknown outcome is resolved by ``/v1/status``; "not found" (rc 50)
means it never arrived and is sent again with the same ref_id.

One payment never holds up the others: whatever goes wrong while forwarding it (a reply that
cannot be believed, a bug, a full disk) is logged, the payment is left where a status query can
resolve it, backed off, and the drain moves on.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from loket.clock import Clock, iso, parse_iso
from loket.domain.outcomes import HOST_FAILED_HERE, HOST_MISMATCH, Outcome
from loket.domain.payment import Payment
from loket.domain.states import NEEDS_FORWARDING, IllegalTransition, PaymentState
from loket.errors import StorageError
from loket.host.base import HostAdapter, HostReply, PaymentRequest
from loket.store import payments

S = PaymentState
log = logging.getLogger("loket.sync")
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 300.0


def backoff_s(attempts: int, rng: random.Random | None = None) -> float:
    """Exponential back-off with full jitter, capped."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))
    return (rng or random).uniform(ceiling / 2, ceiling)


def request_for(payment: Payment) -> PaymentRequest:
    """Rebuilt from the stored row: the same body every time, so resends are idempotent."""
    return PaymentRequest(
        ref_id=payment.ref_id,
        customer_no=payment.customer_no,
        months_ahead=payment.months_ahead,
        amount=payment.premium,
        terminal_id=payment.terminal_id,
        cashier_id=payment.cashier_id,
        collected_at=payment.created_at,
        offline=payment.offline,
    )


@dataclass
class Forwarder:
    engine: Engine
    host: HostAdapter
    clock: Clock
    actor: str = "forwarder"
    on_success: Callable[[Payment], None] | None = None

    def _move(self, payment: Payment, new: PaymentState, reply: HostReply | None = None,
              then: PaymentState | None = None, **fields) -> Payment:
        now = iso(self.clock.now())
        rc, message = (reply.rc, reply.message) if reply else ("", "")
        if PaymentState(payment.state) == new:  # no change of state: bookkeeping only
            return payments.update(self.engine, payment.ref_id, updated_at=now, **fields)
        return payments.transition(
            self.engine,
            payment.ref_id,
            new,
            actor=self.actor,
            now=now,
            rc=rc,
            message=message,
            then=then,
            **fields,
        )

    def _apply(self, payment: Payment, reply: HostReply, **extra) -> Payment:
        """Write the host's answer; ``extra`` fields go into the same transaction."""
        if reply.outcome is Outcome.SUCCESS and not _confirms(payment, reply):
            log.warning("payment %s: the host's success is for another bill; not believed",
                        payment.ref_id)
            reply = HostReply(Outcome.UNKNOWN, message=HOST_MISMATCH)
        outcome = reply.outcome
        if outcome is Outcome.SUCCESS:  # the books take what the host charged and covered
            paid = reply.bill
            done = self._move(payment, S.SUCCESS, reply, host_sn=reply.sn, paid_at=reply.paid_at,
                              agent_price=paid.agent_price,
                              periods=json.dumps([str(p) for p in paid.periods]),
                              arrears_months=paid.arrears_months, next_attempt_at="", **extra)
            self._tell_success(done)
            return done
        if outcome is Outcome.FINAL_FAILURE:  # the customer's cash is owed back: both in one go
            return self._move(payment, S.FAILED, reply, then=S.REFUND_DUE, next_attempt_at="",
                              **extra)
        if outcome is Outcome.PENDING:
            target = S.PENDING
        elif outcome is Outcome.REJECTED and PaymentState(payment.state) == S.SENDING:
            target = S.REJECTED
        else:  # unknown, or a status query that was itself rejected: no news
            target = S.PENDING if PaymentState(payment.state) == S.PENDING else S.UNKNOWN
        return self._move(payment, target, reply, next_attempt_at=self._later(payment), **extra)

    def _later(self, payment: Payment) -> str:
        return iso(self.clock.now() + timedelta(seconds=backoff_s(payment.attempts)))

    def _send(self, payment: Payment) -> Payment:
        sending = self._move(payment, S.SENDING, attempts=payment.attempts + 1)
        return self._apply(sending, self.host.payment(request_for(sending)))

    def _tell_success(self, payment: Payment) -> None:
        if self.on_success is None:
            return
        try:
            self.on_success(payment)
        except Exception as exc:  # the payment is confirmed; a side effect may not undo that
            log.error("payment %s: after-success step failed: %s", payment.ref_id,
                      type(exc).__name__)

    def forward(self, ref_id: str) -> Payment:
        """One step for one payment: send it, or ask the host what became of it. Never raises
        for a payment that exists: an unexpected failure parks it (see ``_park``)."""
        try:
            return self._step(ref_id)
        except StorageError:
            raise  # the disk, not this payment: every other one would fail the same way
        except Exception as exc:
            log.error("payment %s: forwarding failed: %s: %r", ref_id, type(exc).__name__,
                      str(exc)[:200])
            log.debug("payment %s: forwarding failed", ref_id, exc_info=True)
            return self._park(ref_id)

    def _park(self, ref_id: str) -> Payment:
        """After an unexpected failure: a payment caught SENDING may have reached the host, so it
        becomes UNKNOWN (a status query resolves it); whatever its state, it is backed off."""
        payment = payments.get(self.engine, ref_id)
        if payment is None:
            raise LookupError(f"no payment {ref_id}")
        try:
            if PaymentState(payment.state) == S.SENDING:
                return self._move(payment, S.UNKNOWN, HostReply(Outcome.UNKNOWN,
                                                                message=HOST_FAILED_HERE),
                                  next_attempt_at=self._later(payment))
            if PaymentState(payment.state) in NEEDS_FORWARDING:
                return self._move(payment, PaymentState(payment.state),
                                  next_attempt_at=self._later(payment))
        except Exception as exc:
            log.error("payment %s: could not be parked: %s", ref_id, type(exc).__name__)
        return payment

    def _step(self, ref_id: str) -> Payment:
        payment = payments.get(self.engine, ref_id)
        state = PaymentState(payment.state)
        try:
            if state in (S.RECORDED, S.QUEUED, S.REJECTED):
                return self._send(payment)
            if state in (S.PENDING, S.UNKNOWN):
                reply = self.host.status(ref_id)
                if reply.outcome is Outcome.NOT_FOUND:  # never arrived: send it, same ref_id
                    return self._send(payment)
                return self._apply(payment, reply, attempts=payment.attempts + 1)
        except IllegalTransition:
            pass  # someone else moved it meanwhile; their state stands
        return payments.get(self.engine, ref_id)

    def due(self) -> list[Payment]:
        now = self.clock.now()
        return [
            p
            for p in payments.to_forward(self.engine)
            if not p.next_attempt_at or parse_iso(p.next_attempt_at) <= now
        ]

    def drain(self, force: bool = False) -> list[Payment]:
        """Forward every payment that is due (all of them with ``force``: "sync now"); one that
        fails is logged and left behind, the others still go."""
        todo = payments.to_forward(self.engine) if force else self.due()
        done = []
        for payment in todo:
            try:
                done.append(self.forward(payment.ref_id))
            except StorageError:
                raise
            except Exception as exc:  # even parking failed (the database?): the next one may not
                log.error("payment %s: skipped: %s", payment.ref_id, type(exc).__name__)
        return done

    def recover(self) -> int:
        """After a crash: a payment left SENDING may or may not have reached the host; one left
        FAILED (written by a version that took the refund step separately) is owed back."""
        stuck = payments.in_states(self.engine, {S.SENDING})
        for payment in stuck:
            self._move(payment, S.UNKNOWN, HostReply(Outcome.UNKNOWN, message="recovered at start"))
        for payment in payments.in_states(self.engine, {S.FAILED}):
            self._move(payment, S.REFUND_DUE)
        return len(stuck)


def _confirms(payment: Payment, reply: HostReply) -> bool:
    """A success confirms this payment only if it shows the bill as paid: this family, the
    premium collected (a status answer is held to it here; a payment answer already was)."""
    bill = reply.bill
    return (bill is not None and bool(reply.sn) and bool(reply.paid_at)
            and bill.premium == payment.premium
            and (not payment.va_no or bill.va_no[-11:] == payment.va_no[-11:]))
