"""The forwarder: moves every non-final payment to a final state, never paying twice.

A payment reaches its host through attempts (``domain/attempts.py``), each written before its
call. While an attempt may have posted (PAYING, PENDING, UNKNOWN) only status queries follow; a new
host reference is minted only once the last one is known not to have posted. For the native host
every attempt uses the payment's own ``ref_id`` (the host keeps it idempotent); for a host that
pays only its own recent inquiry (``quote_first``), the forwarder inquires, checks the premium
against what was collected, and pays that inquiry — or, when the bill changed or there is nothing
to pay any more, sends no payment and the cash is owed back.

One payment never holds up the others: whatever goes wrong while forwarding it (a reply that
cannot be believed, a bug) is logged, the payment is left where a status query can resolve it,
backed off, and the drain moves on. A failing disk stops the drain: it is not one payment's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from loket.clock import Clock, parse_iso
from loket.domain.outcomes import HOST_FAILED_HERE, Outcome
from loket.domain.payment import Payment
from loket.domain.states import NEEDS_FORWARDING, IllegalTransition, PaymentState
from loket.errors import StorageError
from loket.host.base import HostAdapter, HostReply
from loket.store import attempts, payments
from loket.store.changes import UNCHANGED, PaymentChange
from loket.store.writing import Writing
from loket.sync.attempting import Attempting, Sending
from loket.sync.calls import request_for
from loket.sync.moving import Moves, backoff_s

S = PaymentState
log = logging.getLogger("loket.sync")
STALE_SENDING_S = 90.0  # a SENDING payment older than any call's deadline was left by a crash


@dataclass
class Forwarder:
    engine: Engine
    host: HostAdapter
    clock: Clock
    actor: str = "forwarder"
    on_success: Callable[[Writing, Payment], None] | None = None
    stale_sending_s: float = STALE_SENDING_S

    def __post_init__(self) -> None:
        self.moves = Moves(self.engine, self.clock, self.actor)
        self.steps = Attempting(self.moves, self.host, self.tell_success)

    # -- writing what happened ----------------------------------------------------------------
    def move(
        self,
        payment: Payment,
        new: PaymentState,
        reply: HostReply | None = None,
        then: PaymentState | None = None,
        change: PaymentChange = UNCHANGED,
    ) -> Payment:
        return self.moves.move(payment, new, reply, then, change)

    def later(self, payment: Payment, at_least_s: float = 0.0) -> str:
        return self.moves.later(payment, at_least_s)

    def tell_success(self, w: Writing, payment: Payment) -> None:
        """``on_success``, in the transaction that confirms ``payment``: what it writes there
        (in a savepoint of its own) is one commit with the confirmation, and its failure is
        logged, never the confirmation's."""
        if self.on_success is None:
            return
        try:
            self.on_success(w, payment)
        except (StorageError, SQLAlchemyError):
            raise  # the database: the confirmation's own transaction may be gone with it
        except Exception as exc:  # the payment is confirmed; a side effect may not undo that
            log.error(
                "payment %s: after-success step failed: %s", payment.ref_id, type(exc).__name__
            )

    # -- one payment --------------------------------------------------------------------------
    def start(self, w: Writing, payment: Payment) -> Sending | None:
        """Begin a new payment's call in the transaction that records it (``w``), when its
        next step is one (``Attempting.start``); ``send`` makes it once that has committed.
        A failure here (a bug) never costs the recording: its writes are undone alone and the
        payment is left RECORDED for ``forward``, as any step that fails."""
        try:
            with w.savepoint():
                return self.steps.start(w, payment)
        except (StorageError, SQLAlchemyError):
            raise  # the database, not a bug of this step: the recording may be gone with it
        except Exception as exc:
            log.error(
                "payment %s: beginning its call failed: %s: %r",
                payment.ref_id,
                type(exc).__name__,
                str(exc)[:200],
            )
            return None

    def send(self, sent: Sending) -> Payment:
        """The call ``start`` began, and its answer; failures as ``forward``'s."""
        return self._guarded(sent.payment.ref_id, lambda: self._finish(sent))

    def _finish(self, sent: Sending) -> Payment:
        try:
            return self.steps.finish(sent)
        except IllegalTransition:
            pass  # someone else moved it meanwhile; their state stands
        found = payments.get(self.engine, sent.payment.ref_id)
        assert found is not None
        return found

    def forward(self, ref_id: str) -> Payment:
        """One step for one payment: send it, or ask the host what became of it. Never raises
        for a payment that exists, but for a failing disk: any other failure parks it."""
        return self._guarded(ref_id, lambda: self._step(ref_id))

    def _guarded(self, ref_id: str, step: Callable[[], Payment]) -> Payment:
        try:
            return step()
        except StorageError:
            raise  # the disk, not this payment: every other one would fail the same way
        except Exception as exc:
            log.error(
                "payment %s: forwarding failed: %s: %r", ref_id, type(exc).__name__, str(exc)[:200]
            )
            log.debug("payment %s: forwarding failed", ref_id, exc_info=True)
            return self._park(ref_id)

    def _step(self, ref_id: str) -> Payment:
        payment = payments.get(self.engine, ref_id)
        if payment is None:
            raise LookupError(f"no payment {ref_id}")
        if payment.state not in NEEDS_FORWARDING:
            return payment
        try:
            return self.steps.advance(payment, attempts.last(self.engine, payment.id))
        except IllegalTransition:
            pass  # someone else moved it meanwhile; their state stands
        found = payments.get(self.engine, ref_id)
        assert found is not None
        return found

    def _park(self, ref_id: str) -> Payment:
        """After an unexpected failure: a payment caught SENDING may have reached the host, so it
        becomes UNKNOWN (a status query resolves it); whatever its state, it is backed off."""
        payment = payments.get(self.engine, ref_id)
        if payment is None:
            raise LookupError(f"no payment {ref_id}")
        try:
            if payment.state == S.SENDING:
                return self.move(
                    payment,
                    S.UNKNOWN,
                    HostReply(Outcome.UNKNOWN, message=HOST_FAILED_HERE),
                    change=PaymentChange(next_attempt_at=self.later(payment)),
                )
            if payment.state in NEEDS_FORWARDING:
                return self.move(
                    payment,
                    payment.state,
                    change=PaymentChange(next_attempt_at=self.later(payment)),
                )
        except Exception as exc:
            log.error("payment %s: could not be parked: %s", ref_id, type(exc).__name__)
        return payment

    # -- every payment ------------------------------------------------------------------------
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
        self.recover(stale_only=True)
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

    def recover(self, stale_only: bool = False) -> int:
        """After a crash: a payment left SENDING may or may not have reached the host (a status
        query tells); an inquiry left on the wire paid nothing; one left FAILED (by a version
        that took the refund step separately) is owed back.

        ``stale_only``: only what no live process can still be working on — a SENDING payment
        younger than any call's deadline belongs to the process that is sending it (a running
        ``loket pay``), and is left to it."""
        now = self.clock.now()
        stuck = [
            p
            for p in payments.in_states(self.engine, {S.SENDING})
            if not stale_only
            or now - parse_iso(p.updated_at) > timedelta(seconds=self.stale_sending_s)
        ]
        for payment in stuck:  # its attempt stays PAYING: only a status query may follow
            self.move(payment, S.UNKNOWN, HostReply(Outcome.UNKNOWN, message="recovered at start"))
        for payment in payments.in_states(self.engine, {S.FAILED}):
            self.move(payment, S.REFUND_DUE)
        return len(stuck)


__all__ = ["Forwarder", "backoff_s", "request_for"]
