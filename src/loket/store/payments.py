"""Payments: recorded first, every state change written with its event, in one transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, or_, select

from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.domain.states import NEEDS_FORWARDING, PaymentState, check_transition
from loket.store import audit
from loket.store.db import session, write
from loket.store.models import Payment, PaymentEvent


class DuplicateRef(ValueError):
    pass


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
) -> Payment:
    total = bill.premium + admin_fee
    return Payment(
        ref_id=ref_id,
        customer_no=bill.customer_no or bill.va_no,
        va_no=bill.va_no,
        head_name=bill.head_name,
        branch=bill.branch,
        members=json.dumps(
            [{"card_no": m.card_no, "name": m.name, "class": m.klass} for m in bill.members]
        ),
        periods=json.dumps([str(p) for p in bill.periods]),
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


PAYMENTS = Payment.__table__
EVENTS = PaymentEvent.__table__
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


def _payment(row) -> Payment:
    return Payment(**row._mapping)


def _event(conn, payment_id: int, at: str, old: str, new: str, actor: str, rc: str = "",
           message: str = "") -> None:
    event = {"payment_id": payment_id, "at": at, "from_state": str(old), "to_state": str(new),
             "rc": rc, "message": message, "actor": actor}
    conn.exec_driver_sql(INSERT_EVENT, tuple(event[c] for c in EVENT_COLUMNS))


def record(engine: Engine, payment: Payment, actor: str, state: PaymentState) -> Payment:
    """Commit the payment (and its first event) durably before anything else happens.

    SQLAlchemy Core rather than the ORM here: this is the counter's hot path, and the UNIQUE
    constraint on ref_id, not a prior look-up, is what refuses a duplicate.
    """
    payment.state = state
    values = payment.model_dump(exclude={"id"})
    values["state"] = str(state)
    try:
        with write(engine) as conn:
            cursor = conn.exec_driver_sql(INSERT_PAYMENT, tuple(values[c] for c in PAYMENT_COLUMNS))
            payment.id = cursor.lastrowid
            _event(conn, payment.id, payment.created_at, "", state, actor)
            audit.append(conn, payment.created_at, actor, "payment",
                         {"ref_id": payment.ref_id, "to": str(state), "total": payment.total})
    except IntegrityError as exc:
        if "payment.ref_id" in str(exc.orig):
            raise DuplicateRef(payment.ref_id) from None
        raise
    return payment


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
               host_reply: bool = True, **fields) -> Payment:
    """Move a payment to ``new`` if the state machine allows it from where it is now.

    ``then`` takes a second step in the same transaction (FAILED then REFUND_DUE), so a crash
    can never leave the payment between the two. ``rc``/``message`` are the host's answer and
    are kept on the payment; with ``host_reply=False`` the message is only the event's note.
    """
    with write(engine) as conn:
        row = conn.exec_driver_sql("SELECT id, state FROM payment WHERE ref_id = ?",
                                   (ref_id,)).one()
        payment_id, old = row[0], PaymentState(row[1])
        check_transition(old, new)
        _event(conn, payment_id, now, old, new, actor, rc, message)
        final = new
        if then is not None:
            check_transition(new, then)
            _event(conn, payment_id, now, new, then, actor, rc, message)
            final = then
        audit.append(conn, now, actor, "payment",
                     {"ref_id": ref_id, "from": str(old), "to": str(final), "rc": rc})
        changes = {"state": str(final), "updated_at": now, **fields}
        if host_reply and (rc or message):
            changes |= {"host_rc": rc, "host_message": message}
        _set(conn, payment_id, changes)
        return _row(conn, "id", payment_id)


def update(engine: Engine, ref_id: str, **fields) -> Payment:
    """Bookkeeping that is not a state change (print count, next attempt)."""
    with write(engine) as conn:
        payment = _row(conn, "ref_id", ref_id)
        _set(conn, payment.id, fields)
        return _row(conn, "id", payment.id)


def get(engine: Engine, ref_id: str) -> Payment | None:
    with engine.connect() as conn:
        return _row(conn, "ref_id", ref_id)


def events(engine: Engine, ref_id: str) -> list[PaymentEvent]:
    with session(engine) as db:
        query = (
            select(PaymentEvent)
            .join(Payment)
            .where(Payment.ref_id == ref_id)
            .order_by(col(PaymentEvent.id))
        )
        return list(db.exec(query))


def of_day(engine: Engine, day: str, search: str = "", limit: int = 500) -> list[Payment]:
    """Payments created on ``day`` (YYYY-MM-DD, WIB), newest first, optionally searched."""
    with session(engine) as db:
        query = select(Payment).where(col(Payment.created_at).startswith(day))
        if search:
            like = f"%{search}%"
            query = query.where(
                or_(
                    col(Payment.customer_no).like(like),
                    col(Payment.va_no).like(like),
                    col(Payment.ref_id).like(like),
                    col(Payment.head_name).like(like),
                )
            )
        return list(db.exec(query.order_by(col(Payment.id).desc()).limit(limit)))


def in_states(engine: Engine, states: frozenset[PaymentState] | set[PaymentState]) -> list[Payment]:
    with session(engine) as db:
        query = select(Payment).where(col(Payment.state).in_([str(s) for s in states]))
        return list(db.exec(query.order_by(col(Payment.id))))


def to_forward(engine: Engine) -> list[Payment]:
    return in_states(engine, NEEDS_FORWARDING)


@dataclass(frozen=True)
class StateCount:
    state: str
    count: int
    amount: int
    oldest: str


def counts_by_state(engine: Engine) -> dict[str, StateCount]:
    with session(engine) as db:
        rows = db.exec(
            select(
                Payment.state, func.count(), func.sum(Payment.total), func.min(Payment.created_at)
            ).group_by(Payment.state)
        )
        return {s: StateCount(s, n, total or 0, oldest or "") for s, n, total, oldest in rows}


def bill_of(payment: Payment) -> FamilyBill:
    """The family snapshot a payment was taken for, as a bill (receipts, resending)."""
    return FamilyBill(
        va_no=payment.va_no,
        head_name=payment.head_name,
        branch=payment.branch,
        members=tuple(
            Member(m["card_no"], m["name"], m["class"]) for m in json.loads(payment.members)
        ),
        periods=tuple(Month.parse(p) for p in json.loads(payment.periods)),
        arrears_months=payment.arrears_months,
        months_ahead=payment.months_ahead,
        premium=payment.premium,
        host_admin=0,
        agent_price=payment.agent_price,
        customer_no=payment.customer_no,
    )


UNCONFIRMED = frozenset({PaymentState.QUEUED, PaymentState.SENDING, PaymentState.UNKNOWN,
                         PaymentState.REJECTED, PaymentState.PENDING, PaymentState.RECORDED})


def offline_queue(engine: Engine) -> tuple[int, int, str]:
    """Payments taken offline and not yet confirmed: count, total, oldest created_at."""
    with session(engine) as db:
        count, total, oldest = db.exec(
            select(func.count(), func.sum(Payment.total), func.min(Payment.created_at))
            .where(Payment.offline == True)  # noqa: E712
            .where(col(Payment.state).in_([str(s) for s in UNCONFIRMED]))).one()
        return count, total or 0, oldest or ""


def unsettled(engine: Engine) -> list[Payment]:
    """Everything not final yet (refunds due included), oldest first."""
    return in_states(engine, set(PaymentState) - {PaymentState.SUCCESS, PaymentState.REFUNDED})
