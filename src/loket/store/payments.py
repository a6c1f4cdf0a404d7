"""Payments: recorded first, every state change written with its event, in one transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import col, or_, select

from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.domain.states import NEEDS_FORWARDING, PaymentState, check_transition
from loket.store.db import session
from loket.store.models import FamilyCache, Payment, PaymentEvent


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


def record(engine: Engine, payment: Payment, actor: str, state: PaymentState) -> Payment:
    """Commit the payment (and its first event) durably before anything else happens."""
    payment.state = state
    with session(engine) as db:
        if db.exec(select(Payment.id).where(Payment.ref_id == payment.ref_id)).first():
            raise DuplicateRef(payment.ref_id)
        db.add(payment)
        db.flush()
        db.add(
            PaymentEvent(payment_id=payment.id, at=payment.created_at, to_state=state, actor=actor)
        )
        db.commit()
        return payment


def transition(
    engine: Engine,
    ref_id: str,
    new: PaymentState,
    *,
    actor: str,
    now: str,
    rc: str = "",
    message: str = "",
    **fields,
) -> Payment:
    with session(engine) as db:
        payment = db.exec(select(Payment).where(Payment.ref_id == ref_id)).one()
        old = PaymentState(payment.state)
        check_transition(old, new)
        payment.state = new
        payment.updated_at = now
        if rc or message:
            payment.host_rc, payment.host_message = rc, message
        for name, value in fields.items():
            setattr(payment, name, value)
        db.add(payment)
        db.add(
            PaymentEvent(
                payment_id=payment.id,
                at=now,
                from_state=old,
                to_state=new,
                rc=rc,
                message=message,
                actor=actor,
            )
        )
        db.commit()
        return payment


def update(engine: Engine, ref_id: str, **fields) -> Payment:
    """Bookkeeping that is not a state change (print count, next attempt)."""
    with session(engine) as db:
        payment = db.exec(select(Payment).where(Payment.ref_id == ref_id)).one()
        for name, value in fields.items():
            setattr(payment, name, value)
        db.add(payment)
        db.commit()
        return payment


def get(engine: Engine, ref_id: str) -> Payment | None:
    with session(engine) as db:
        return db.exec(select(Payment).where(Payment.ref_id == ref_id)).first()


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


def remember_family(engine: Engine, bill: FamilyBill, now: str) -> None:
    snapshot = {
        "va_no": bill.va_no,
        "head_name": bill.head_name,
        "branch": bill.branch,
        "members": [{"card_no": m.card_no, "name": m.name, "class": m.klass} for m in bill.members],
        "arrears_months": bill.arrears_months,
        "periods": [str(p) for p in bill.periods],
    }
    with session(engine) as db:
        db.merge(FamilyCache(va_no=bill.va_no, snapshot=json.dumps(snapshot), inquired_at=now))
        db.commit()
