"""A payment's row and the domain's ``Payment`` record: one shape, one conversion each way.

The record's fields (``domain/payment.py``) are the payment table's columns (``PaymentRow``, held
equal at import): what is read comes out as a ``Payment`` in one place (``payment_of``), what is
written goes in by the table's own column list. A new payment column is the domain field, the
model's column and a migration; nothing here names it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from sqlalchemy import Connection, inspect

from loket.domain.billing import FamilyBill, Member, Takings
from loket.domain.months import Month
from loket.domain.payment import Payment
from loket.domain.states import MONTHS_SOLD, PaymentState, names
from loket.store.models import FAMILY_TAIL, PaymentEvent, PaymentRow

PAYMENTS = inspect(PaymentRow).local_table  # SQLModel's types omit ``__table__``
EVENTS = inspect(PaymentEvent).local_table
# The hot path's two inserts as driver SQL built once from the table definitions: SQLAlchemy's
# per-parameter processing cost more than the fsync (bench/store_and_forward.py).
PAYMENT_COLUMNS = [c.name for c in PAYMENTS.columns if c.name != "id"]
EVENT_COLUMNS = [c.name for c in EVENTS.columns if c.name != "id"]
COLUMN_SET = frozenset(PAYMENT_COLUMNS)
SHAPE = tuple(f.name for f in fields(Payment))
if set(SHAPE) != {"id", *PAYMENT_COLUMNS}:  # the domain's record and the table are one shape
    raise ImportError(
        f"Payment and the payment table differ: {sorted(set(SHAPE) ^ {'id', *PAYMENT_COLUMNS})}"
    )


def _insert_sql(table: str, columns: list[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


INSERT_PAYMENT = _insert_sql("payment", PAYMENT_COLUMNS)
INSERT_EVENT = _insert_sql("paymentevent", EVENT_COLUMNS)


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
    money = Takings(bill.premium, admin_fee, cash)
    return PaymentRow(
        ref_id=ref_id,
        customer_no=bill.customer_no or bill.va_no,
        va_no=bill.va_no,
        head_name=bill.head_name,
        branch=bill.branch,
        members=members_text(bill.members),
        periods=periods_text(bill.periods),
        member_count=bill.member_count,
        month_count=bill.month_count,
        months_ahead=bill.months_ahead,
        arrears_months=bill.arrears_months,
        premium=money.premium,
        admin_fee=money.admin_fee,
        total=money.total,
        cash=money.cash,
        change=money.change,
        agent_price=bill.agent_price,
        cashier_id=cashier_id,
        terminal_id=terminal_id,
        state=PaymentState.RECORDED,
        offline=offline,
        created_at=now,
        updated_at=now,
    )


def members_text(members: tuple[Member, ...]) -> str:
    return json.dumps([{"card_no": m.card_no, "name": m.name, "class": m.klass} for m in members])


def periods_text(periods: tuple[Month, ...]) -> str:
    return json.dumps([str(p) for p in periods])


def _members(text: str) -> tuple[Member, ...]:
    return tuple(Member(m["card_no"], m["name"], m["class"]) for m in json.loads(text))


def _periods(text: str) -> tuple[Month, ...]:
    return tuple(Month.parse(p) for p in json.loads(text))


def payment_of(row: Any) -> Payment:
    """A stored row (driver row, or ORM row) as the domain's record: the one place columns are
    parsed."""
    values = dict(row._mapping) if hasattr(row, "_mapping") else row.model_dump()
    values["members"] = _members(values["members"])
    values["periods"] = _periods(values["periods"])
    values["state"] = PaymentState(values["state"])
    values["offline"] = bool(values["offline"])
    return Payment(**values)


def row_values(row: PaymentRow) -> tuple[object, ...]:
    """A new row's values in ``INSERT_PAYMENT``'s order."""
    values = row.model_dump(exclude={"id"})
    values["state"] = str(row.state)
    return tuple(values[c] for c in PAYMENT_COLUMNS)


def one(conn: Connection, where: str, key: object) -> Payment | None:
    found = conn.exec_driver_sql(f"SELECT * FROM payment WHERE {where} = ?", (key,)).first()
    return payment_of(found) if found else None


def select(
    where: str, params: tuple[object, ...], order: str = "id", limit: int | None = None
) -> tuple[str, tuple[object, ...]]:
    sql = f"SELECT * FROM payment WHERE {where} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params = (*params, limit)
    return sql, params


def in_states(states: Iterable[PaymentState]) -> tuple[str, tuple[str, ...]]:
    listed = names(states)
    return f"state IN ({', '.join('?' for _ in listed)})", tuple(listed)


def sold(conn: Connection, family_no: str) -> list[Payment]:
    """A family's payments whose months are taken (``MONTHS_SOLD``), oldest first; by the
    family's number however it was typed: a card paid for is not sold again by its VA."""
    if not family_no:
        return []
    where, states = in_states(MONTHS_SOLD)
    sql, params = select(f"{FAMILY_TAIL} = ? AND {where}", (family_no[-11:], *states))
    return [payment_of(row) for row in conn.exec_driver_sql(sql, params)]
