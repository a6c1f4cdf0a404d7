"""Payments: recorded first, every state change written with its event, in one transaction.

Rows go in as ``PaymentRow``; everything read comes out as the domain's ``Payment`` record, built
in one place (``_payment``), so nothing above the store parses a column.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import IntegrityError

from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.domain.payment import Payment, StateChange, covering
from loket.domain.states import (
    AWAITING_HOST,
    MONTHS_SOLD,
    NEEDS_FORWARDING,
    NOT_FINAL,
    PaymentState,
    check_transition,
    names,
)
from loket.store import audit
from loket.store.db import write
from loket.store.models import FAMILY_TAIL, PaymentEvent, PaymentRow


class DuplicateRef(ValueError):
    pass


class FamilyTaken(ValueError):
    """Another payment of the family (confirmed, or on its way to the host) already pays a month
    this one would: nothing was recorded."""

    def __init__(self, other: Payment) -> None:
        super().__init__(other.ref_id)
        self.other = other


@dataclass(frozen=True)
class Claim:
    """The months a new payment claims for its family, checked in the transaction that records
    it (so two processes on one database cannot both take the same months): from ``first`` on,
    or — ``first`` None — any month."""

    family_no: str
    first: Month | None


def new_payment(
    bill: FamilyBill,
    *,
    ref_id: str,
    admin_fee: int,
    cash: int,
    cashier_id: str,
    terminal_id: str,
    now: str,
    offline: bool = False,
) -> PaymentRow:
    total = bill.premium + admin_fee
    return PaymentRow(
        ref_id=ref_id,
        customer_no=bill.customer_no or bill.va_no,
        va_no=bill.va_no,
        head_name=bill.head_name,
        branch=bill.branch,
        members=json.dumps(
            [{"card_no": m.card_no, "name": m.name, "class": m.klass} for m in bill.members]
        ),
        periods=json.dumps([str(p) for p in bill.periods]),
        member_count=bill.member_count,
        month_count=bill.month_count,
        months_ahead=bill.months_ahead,
        arrears_months=bill.arrears_months,
        premium=bill.premium,
        admin_fee=admin_fee,
        total=total,
        cash=cash,
        change=cash - total,
        agent_price=bill.agent_price,
        cashier_id=cashier_id,
        terminal_id=terminal_id,
        state=PaymentState.RECORDED,
        offline=offline,
        created_at=now,
        updated_at=now,
    )


PAYMENTS = inspect(PaymentRow).local_table  # the Table (SQLModel's types omit ``__table__``)
EVENTS = inspect(PaymentEvent).local_table
# The hot path's two inserts as driver SQL built once from the table definitions: SQLAlchemy's
# per-parameter processing cost more than the fsync (bench/store_and_forward.py).
PAYMENT_COLUMNS = [c.name for c in PAYMENTS.columns if c.name != "id"]
EVENT_COLUMNS = [c.name for c in EVENTS.columns if c.name != "id"]


def _insert_sql(table, columns: list[str]) -> str:
    return (f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})")


INSERT_PAYMENT = _insert_sql(PAYMENTS, PAYMENT_COLUMNS)
COLUMN_SET = frozenset(PAYMENT_COLUMNS)
INSERT_EVENT = _insert_sql(EVENTS, EVENT_COLUMNS)


def _members(text: str) -> tuple[Member, ...]:
    return tuple(Member(m["card_no"], m["name"], m["class"]) for m in json.loads(text))


def _periods(text: str) -> tuple[Month, ...]:
    return tuple(Month.parse(p) for p in json.loads(text))


def _payment(row) -> Payment:
    """A stored row (driver row, or ORM row) as the domain's record: the one place columns are
    parsed."""
    values = dict(row._mapping) if hasattr(row, "_mapping") else row.model_dump()
    values["members"] = _members(values["members"])
    values["periods"] = _periods(values["periods"])
    values["state"] = PaymentState(values["state"])
    values["offline"] = bool(values["offline"])
    return Payment(**values)


def _event(conn, payment_id: int, at: str, old: str, new: str, actor: str, rc: str = "",
           message: str = "", meaning: str = "") -> None:
    event = {"payment_id": payment_id, "at": at, "from_state": str(old), "to_state": str(new),
             "rc": rc, "message": message, "actor": actor, "meaning": meaning}
    conn.exec_driver_sql(INSERT_EVENT, tuple(event[c] for c in EVENT_COLUMNS))


Also = Callable[[Connection, int], None]  # more writes in the same transaction (payment id)


def record(engine: Engine, payment: PaymentRow, actor: str, state: PaymentState,
           also: Also | None = None, claim: Claim | None = None) -> Payment:
    """Commit the payment (and its first event) durably before anything else happens.

    SQLAlchemy Core rather than the ORM here: this is the counter's hot path, and the UNIQUE
    constraint on ref_id, not a prior look-up, is what refuses a duplicate. ``also`` writes
    what belongs with it (the host's quote it will be paid by) in the same transaction.
    ``claim``: refused (``FamilyTaken``) when another payment whose months are sold covers a
    month of it; a payment with the same ``ref_id`` is left to the UNIQUE constraint.
    """
    payment.state = state
    values = payment.model_dump(exclude={"id"})
    values["state"] = str(state)
    try:
        with write(engine) as conn:
            if claim is not None:
                sold = [p for p in _sold(conn, claim.family_no) if p.ref_id != payment.ref_id]
                other = covering(sold, claim.first)
                if other is not None:
                    raise FamilyTaken(other)
            cursor = conn.exec_driver_sql(INSERT_PAYMENT, tuple(values[c] for c in PAYMENT_COLUMNS))
            payment.id = cursor.lastrowid
            _event(conn, payment.id, payment.created_at, "", state, actor)
            audit.append(conn, payment.created_at, actor, "payment",
                         {"ref_id": payment.ref_id, "to": str(state), "total": payment.total})
            if also is not None:
                also(conn, payment.id)
    except IntegrityError as exc:
        if "payment.ref_id" in str(exc.orig):
            raise DuplicateRef(payment.ref_id) from None
        raise
    return _payment(payment)


def _set(conn, payment_id: int, changes: dict) -> None:
    unknown = set(changes) - COLUMN_SET
    if unknown:
        raise ValueError(f"not payment columns: {sorted(unknown)}")
    assignments = ", ".join(f"{name} = ?" for name in changes)
    conn.exec_driver_sql(f"UPDATE payment SET {assignments} WHERE id = ?",
                         (*changes.values(), payment_id))


def _row(conn, where: str, key) -> Payment | None:
    found = conn.exec_driver_sql(f"SELECT * FROM payment WHERE {where} = ?", (key,)).first()
    return _payment(found) if found else None


def transition(engine: Engine, ref_id: str, new: PaymentState, *, actor: str, now: str,
               rc: str = "", message: str = "", then: PaymentState | None = None,
               host_reply: bool = True, also: Also | None = None, meaning: str = "",
               **fields) -> Payment:
    """Move a payment to ``new`` if the state machine allows it from where it is now.

    ``then`` takes a second step in the same transaction (FAILED then REFUND_DUE), so a crash
    can never leave the payment between the two. ``rc``/``message`` are the host's answer and
    are kept on the payment; with ``host_reply=False`` the message is only the event's note.
    ``also`` writes what belongs with the change (its host attempt) in the same transaction.
    """
    with write(engine) as conn:
        row = conn.exec_driver_sql("SELECT id, state FROM payment WHERE ref_id = ?",
                                   (ref_id,)).one()
        payment_id, old = row[0], PaymentState(row[1])
        check_transition(old, new)
        _event(conn, payment_id, now, old, new, actor, rc, message, meaning)
        final = new
        if then is not None:
            check_transition(new, then)
            _event(conn, payment_id, now, new, then, actor, rc, message, meaning)
            final = then
        audit.append(conn, now, actor, "payment",
                     {"ref_id": ref_id, "from": str(old), "to": str(final), "rc": rc})
        changes = {"state": str(final), "updated_at": now, **fields}
        if host_reply and (rc or message):
            changes |= {"host_rc": rc, "host_message": message}
        _set(conn, payment_id, changes)
        if also is not None:
            also(conn, payment_id)
        found = _row(conn, "id", payment_id)
        assert found is not None  # in this very transaction
        return found


def update(engine: Engine, ref_id: str, also: Also | None = None, **fields) -> Payment:
    """Bookkeeping that is not a state change (print count, next attempt)."""
    with write(engine) as conn:
        payment = _row(conn, "ref_id", ref_id)
        if payment is None:
            raise KeyError(ref_id)
        _set(conn, payment.id, fields)
        if also is not None:
            also(conn, payment.id)
        found = _row(conn, "id", payment.id)
        assert found is not None
        return found


def get(engine: Engine, ref_id: str) -> Payment | None:
    with engine.connect() as conn:
        return _row(conn, "ref_id", ref_id)


def events(engine: Engine, ref_id: str) -> list[StateChange]:
    """A payment's state changes, oldest first."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT e.at, e.from_state, e.to_state, e.rc, e.message, e.actor FROM paymentevent e "
            "JOIN payment p ON p.id = e.payment_id WHERE p.ref_id = ? ORDER BY e.id", (ref_id,))
        return [StateChange(*row) for row in rows]


def _select(where: str, params: tuple, order: str = "id", limit: int | None = None) -> tuple:
    sql = f"SELECT * FROM payment WHERE {where} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params = (*params, limit)
    return sql, params


def _many(engine: Engine, where: str, params: tuple, order: str = "id",
          limit: int | None = None) -> list[Payment]:
    sql, params = _select(where, params, order, limit)
    with engine.connect() as conn:
        return [_payment(row) for row in conn.exec_driver_sql(sql, params)]


def _in(states) -> tuple[str, tuple[str, ...]]:
    listed = names(states)
    return f"state IN ({', '.join('?' for _ in listed)})", tuple(listed)


def of_day(engine: Engine, day: str, search: str = "", limit: int | None = None) -> list[Payment]:
    """Payments created on ``day`` (YYYY-MM-DD, WIB), newest first, optionally searched."""
    after = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    where = "created_at >= ? AND created_at < ?"
    params: tuple[str, ...] = (day, after)
    if search:
        like = f"%{search}%"
        ref_like = f"%{search.replace(' ', '')}%"  # a long ref prints in groups of four
        where += (" AND (customer_no LIKE ? OR va_no LIKE ? OR ref_id LIKE ? "
                  "OR head_name LIKE ?)")
        params = (*params, like, like, ref_like, like)
    return _many(engine, where, params, order="id DESC", limit=limit)


def in_states(engine: Engine, states) -> list[Payment]:
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
        rows = conn.exec_driver_sql("SELECT state, count(*), sum(total), min(created_at) "
                                    "FROM payment GROUP BY state")
        return {s: StateCount(s, n, total or 0, oldest or "") for s, n, total, oldest in rows}


def offline_queue(engine: Engine) -> tuple[int, int, str]:
    """Payments taken offline and not yet confirmed: count, total, oldest created_at."""
    where, params = _in(AWAITING_HOST)
    with engine.connect() as conn:
        count, total, oldest = conn.exec_driver_sql(
            f"SELECT count(*), sum(total), min(created_at) FROM payment WHERE offline = 1 "
            f"AND {where}", params).one()
        return count, total or 0, oldest or ""


def _sold(conn: Connection, family_no: str) -> list[Payment]:
    """By the family's number however it was typed: a card paid for is not sold again by its VA."""
    if not family_no:
        return []
    where, params = _in(MONTHS_SOLD)
    sql, params = _select(f"{FAMILY_TAIL} = ? AND {where}", (family_no[-11:], *params))
    return [_payment(row) for row in conn.exec_driver_sql(sql, params)]


def months_sold(engine: Engine, family_no: str) -> list[Payment]:
    """A family's payments whose months are taken (``MONTHS_SOLD``: confirmed, or cash taken
    and on its way to the host), oldest first."""
    with engine.connect() as conn:
        return _sold(conn, family_no)


def unsettled(engine: Engine) -> list[Payment]:
    """Everything not final yet (refunds due included), oldest first."""
    return in_states(engine, NOT_FINAL)


def by_host_ref(engine: Engine, host_ref: str) -> Payment | None:
    """The payment an attempt under this host reference belongs to."""
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT p.* FROM payment p JOIN hostattempt a ON a.payment_id = p.id "
            "WHERE a.host_ref = ? ORDER BY a.id DESC LIMIT 1", (host_ref,)).first()
        return _payment(found) if found else None


def in_shift(engine: Engine, shift_id: int) -> list[Payment]:
    return _many(engine, "shift_id = ?", (shift_id,))
