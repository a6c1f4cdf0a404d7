"""How the forwarder writes down what happened to a payment, and when it tries again.

A state change goes in with its event, its audit row and the answer of the attempt it came from,
in one transaction (``store/writing.py``); a step that changes no state is bookkeeping only. The
back-off before the next try is exponential with "equal" jitter (between half the ceiling and the
ceiling), capped at five minutes, and kept on the payment so it survives restarts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.domain.payment import Payment
from loket.domain.states import PaymentState
from loket.host.base import HostReply
from loket.store.changes import NO_ANSWER, UNCHANGED, AttemptAnswer, PaymentChange
from loket.store.writing import Writing
from loket.sync.calls import answer_of

BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 300.0


def backoff_s(attempts: int, rng: random.Random | None = None) -> float:
    """Exponential back-off with "equal" jitter (between half the ceiling and the ceiling),
    capped at five minutes: retries spread out, yet never come sooner than half the ceiling."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))
    return (rng or random).uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Moves:
    """The forwarder's pen: the database, its clock and who it signs as."""

    engine: Engine
    clock: Clock
    actor: str = "forwarder"

    def now(self) -> datetime:
        return self.clock.now()

    def later(self, payment: Payment, at_least_s: float = 0.0) -> str:
        wait = max(backoff_s(payment.attempts), at_least_s)
        return iso(self.clock.now() + timedelta(seconds=wait))

    def move(
        self,
        payment: Payment,
        new: PaymentState,
        reply: HostReply | None = None,
        then: PaymentState | None = None,
        change: PaymentChange = UNCHANGED,
        attempt: AttemptAnswer | None = None,
        w: Writing | None = None,
    ) -> Payment:
        """``payment`` to ``new`` with ``reply`` (and ``attempt``'s answer), in its own
        transaction or in ``w``'s."""
        if w is None:
            with Writing(self.engine) as own:
                return self.move(payment, new, reply, then, change, attempt, own)
        now = iso(self.clock.now())
        if payment.state == new:  # no change of state: bookkeeping only
            return w.update(payment.ref_id, replace(change, updated_at=now), attempt)
        return w.transition(
            payment.ref_id,
            new,
            actor=self.actor,
            now=now,
            answer=answer_of(reply) if reply else NO_ANSWER,
            then=then,
            change=change,
            attempt=attempt,
        )
