"""Payments: recorded first, every state change written with its event, in one transaction.

Writes go through the unit of work (``store/writing.py``); the functions here that write are that
unit of work around one step. Everything read comes out as the domain's ``Payment`` record, built
in one place (``payment_rows.payment_of``), so nothing above the store parses a column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine

from loket.domain.payment import Payment, StateChange
from loket.domain.states import AWAITING_HOST, NEEDS_FORWARDING, NOT_FINAL, PaymentState
from loket.store.changes import (
    NO_ANSWER,
    UNCHANGED,
    Claim,
    DuplicateRef,
    FamilyTaken,
    HostAnswer,
    PaymentChange,
)
from loket.store.models import PaymentRow
from loket.store.payment_rows import in_states as _in
from loket.store.payment_rows import new_payment, one, payment_of, select, sold
from loket.store.writing import Writing

__all__ = ["Claim", "DuplicateRef", "FamilyTaken", "new_payment"]


def record(
    engine: Engine, payment: PaymentRow, actor: str, state: PaymentState, claim: Claim | None = None
) -> Payment:
    """Commit the payment (and its first event and audit row) durably, alone
    (``Writing.record``; the counter records with what belongs with it, ``service/counter.py``)."""
    with Writing(engine) as w:
        return w.record(payment, actor, state, claim)


def transition(
    engine: Engine,
    ref_id: str,
    new: PaymentState,
    *,
    actor: str,
    now: str,
    answer: HostAnswer = NO_ANSWER,
    note: str = "",
    then: PaymentState | None = None,
    change: PaymentChange = UNCHANGED,
) -> Payment:
    """A state change in its own transaction (``Writing.transition``)."""
    with Writing(engine) as w:
        return w.transition(
            ref_id, new, actor=actor, now=now, answer=answer, note=note, then=then, change=change
        )


def update(engine: Engine, ref_id: str, change: PaymentChange) -> Payment:
    """Bookkeeping that is not a state change (print count, next attempt), on its own."""
    with Writing(engine) as w:
        return w.update(ref_id, change)


def get(engine: Engine, ref_id: str) -> Payment | None:
    with engine.connect() as conn:
        return one(conn, "ref_id", ref_id)


def events(engine: Engine, ref_id: str) -> list[StateChange]:
    """A payment's state changes, oldest first."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT e.at, e.from_state, e.to_state, e.rc, e.message, e.actor FROM paymentevent e "
            "JOIN payment p ON p.id = e.payment_id WHERE p.ref_id = ? ORDER BY e.id",
            (ref_id,),
        )
        return [StateChange(*row) for row in rows]


def _many(
    engine: Engine,
    where: str,
    params: tuple[object, ...],
    order: str = "id",
    limit: int | None = None,
) -> list[Payment]:
    sql, params = select(where, params, order, limit)
    with engine.connect() as conn:
        return [payment_of(row) for row in conn.exec_driver_sql(sql, params)]


def of_day(engine: Engine, day: str, search: str = "", limit: int | None = None) -> list[Payment]:
    """Payments created on ``day`` (YYYY-MM-DD, WIB), newest first, optionally searched."""
    after = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    where = "created_at >= ? AND created_at < ?"
    params: tuple[str, ...] = (day, after)
    if search:
        like = f"%{search}%"
        ref_like = f"%{search.replace(' ', '')}%"  # a long ref prints in groups of four
        where += " AND (customer_no LIKE ? OR va_no LIKE ? OR ref_id LIKE ? OR head_name LIKE ?)"
        params = (*params, like, like, ref_like, like)
    return _many(engine, where, params, order="id DESC", limit=limit)


def in_states(engine: Engine, states: Iterable[PaymentState]) -> list[Payment]:
    where, params = _in(states)
    return _many(engine, where, params)


def to_forward(engine: Engine) -> list[Payment]:
    return in_states(engine, NEEDS_FORWARDING)


@dataclass(frozen=True)
class StateCount:
    state: str
    count: int
    amount: int
    oldest: str


def counts_by_state(engine: Engine) -> dict[str, StateCount]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT state, count(*), sum(total), min(created_at) FROM payment GROUP BY state"
        )
        return {s: StateCount(s, n, total or 0, oldest or "") for s, n, total, oldest in rows}


def offline_queue(engine: Engine) -> tuple[int, int, str]:
    """Payments taken offline and not yet confirmed: count, total, oldest created_at."""
    where, params = _in(AWAITING_HOST)
    with engine.connect() as conn:
        count, total, oldest = conn.exec_driver_sql(
            f"SELECT count(*), sum(total), min(created_at) FROM payment WHERE offline = 1 "
            f"AND {where}",
            params,
        ).one()
        return count, total or 0, oldest or ""


def months_sold(engine: Engine, family_no: str) -> list[Payment]:
    """A family's payments whose months are taken (``MONTHS_SOLD``: confirmed, or cash taken
    and on its way to the host), oldest first."""
    with engine.connect() as conn:
        return sold(conn, family_no)


def unsettled(engine: Engine) -> list[Payment]:
    """Everything not final yet (refunds due included), oldest first."""
    return in_states(engine, NOT_FINAL)


def by_host_ref(engine: Engine, host_ref: str) -> Payment | None:
    """The payment an attempt under this host reference belongs to."""
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT p.* FROM payment p JOIN hostattempt a ON a.payment_id = p.id "
            "WHERE a.host_ref = ? ORDER BY a.id DESC LIMIT 1",
            (host_ref,),
        ).first()
        return payment_of(found) if found else None


def in_shift(engine: Engine, shift_id: int) -> list[Payment]:
    return _many(engine, "shift_id = ?", (shift_id,))
