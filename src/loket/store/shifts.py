"""Shifts: opened with a float, every payment inside one, closed with the counted cash."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import col, select

from loket.domain.shifts import Shift, ShiftReport, count_drawer
from loket.domain.states import FINAL, PaymentState
from loket.errors import LoketError
from loket.store import audit
from loket.store.db import session, write_session
from loket.store.models import ShiftRow
from loket.store.payments import in_shift


class ShiftError(LoketError):
    """For the cashier, in Indonesian."""


def _shift(row: ShiftRow) -> Shift:
    return Shift(**row.model_dump())


def current(engine: Engine, cashier_id: str) -> Shift | None:
    with session(engine) as db:
        query = select(ShiftRow).where(ShiftRow.cashier_id == cashier_id, ShiftRow.closed_at == "")
        row = db.exec(query.order_by(col(ShiftRow.id).desc())).first()
        return _shift(row) if row else None


def get(engine: Engine, shift_id: int) -> Shift:
    with session(engine) as db:
        row = db.get(ShiftRow, shift_id)
        if row is None:
            raise ShiftError(f"Shift {shift_id} tidak ada")
        return _shift(row)


def open_shifts(engine: Engine) -> list[Shift]:
    with session(engine) as db:
        rows = db.exec(select(ShiftRow).where(ShiftRow.closed_at == "").order_by(col(ShiftRow.id)))
        return [_shift(r) for r in rows]


def open_shift(engine: Engine, cashier_id: str, opening_float: int, now: str) -> Shift:
    if opening_float < 0:
        raise ShiftError("Modal awal tidak boleh negatif")
    with write_session(engine) as db:  # the check inside the write: two terminals cannot race
        query = select(ShiftRow.id).where(
            ShiftRow.cashier_id == cashier_id, ShiftRow.closed_at == ""
        )
        if db.exec(query).first() is not None:
            raise ShiftError("Shift kasir ini masih terbuka")
        row = ShiftRow(cashier_id=cashier_id, opened_at=now, opening_float=opening_float)
        db.add(row)
        db.flush()
        audit.append(
            db.connection(),
            now,
            cashier_id,
            "shift_open",
            {"shift": row.id, "float": opening_float},
        )
        db.commit()
        return _shift(row)


def report(engine: Engine, shift_id: int) -> ShiftReport:
    shift = get(engine, shift_id)
    taken = in_shift(engine, shift_id)
    with engine.connect() as conn:
        refunded = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT total FROM payment WHERE refund_shift_id = ?", (shift_id,)
            )
        ]
    by_state: dict[str, tuple[int, int]] = {}
    for p in taken:
        n, amount = by_state.get(p.state, (0, 0))
        by_state[p.state] = (n + 1, amount + p.total)
    return ShiftReport(
        shift,
        count_drawer(shift.opening_float, (p.total for p in taken), refunded),
        by_state,
        [p for p in taken if p.state not in FINAL],
    )


def close_shift(
    engine: Engine, shift_id: int, counted: int, closed_by: str, now: str, note: str = ""
) -> ShiftReport:
    before = report(engine, shift_id)
    if before.shift.closed_at:
        raise ShiftError("Shift ini sudah ditutup")
    if any(p.state == PaymentState.SENDING for p in before.unsettled):
        raise ShiftError("Ada pembayaran yang sedang dikirim; tunggu sebentar lalu coba lagi")
    if counted < 0:
        raise ShiftError("Uang dihitung tidak boleh negatif")
    expected = before.drawer.expected
    with write_session(engine) as db:
        row = db.get(ShiftRow, shift_id)
        if row is None or row.closed_at:  # closed by someone else meanwhile
            raise ShiftError("Shift ini sudah ditutup")
        row.closed_at, row.closed_by, row.note = now, closed_by, note
        row.expected_cash, row.counted_cash = expected, counted
        row.difference = counted - expected
        db.add(row)
        db.flush()
        audit.append(
            db.connection(),
            now,
            closed_by,
            "shift_close",
            {
                "shift": shift_id,
                "expected": expected,
                "counted": counted,
                "difference": counted - expected,
                "cashier": row.cashier_id,
            },
        )
        db.commit()
    return report(engine, shift_id)
