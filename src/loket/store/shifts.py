"""Shifts: opened with a float, every payment inside one, closed with the counted cash."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import col, select

from loket.domain.shifts import DrawerCount, count_drawer
from loket.domain.states import PaymentState
from loket.errors import LoketError
from loket.store import audit
from loket.store.db import session, write_session
from loket.store.models import Payment, Shift


class ShiftError(LoketError):
    """For the cashier, in Indonesian."""


def current(engine: Engine, cashier_id: str) -> Shift | None:
    with session(engine) as db:
        query = select(Shift).where(Shift.cashier_id == cashier_id, Shift.closed_at == "")
        return db.exec(query.order_by(col(Shift.id).desc())).first()


def get(engine: Engine, shift_id: int) -> Shift:
    with session(engine) as db:
        return db.get(Shift, shift_id)


def open_shifts(engine: Engine) -> list[Shift]:
    with session(engine) as db:
        return list(db.exec(select(Shift).where(Shift.closed_at == "").order_by(col(Shift.id))))


def open_shift(engine: Engine, cashier_id: str, opening_float: int, now: str) -> Shift:
    if opening_float < 0:
        raise ShiftError("Modal awal tidak boleh negatif")
    with write_session(engine) as db:  # the check inside the write: two terminals cannot race
        query = select(Shift.id).where(Shift.cashier_id == cashier_id, Shift.closed_at == "")
        if db.exec(query).first() is not None:
            raise ShiftError("Shift kasir ini masih terbuka")
        shift = Shift(cashier_id=cashier_id, opened_at=now, opening_float=opening_float)
        db.add(shift)
        db.flush()
        audit.append(db.connection(), now, cashier_id, "shift_open",
                     {"shift": shift.id, "float": opening_float})
        db.commit()
        return shift


@dataclass(frozen=True)
class ShiftReport:
    shift: Shift
    drawer: DrawerCount
    by_state: dict[str, tuple[int, int]]  # state -> (count, total)
    unsettled: list[Payment]  # pending, unknown, queued…: listed on the Z report


def report(engine: Engine, shift_id: int) -> ShiftReport:
    with session(engine) as db:
        shift = db.get(Shift, shift_id)
        taken = list(db.exec(select(Payment).where(Payment.shift_id == shift_id)
                             .order_by(col(Payment.id))))
        refunded = list(db.exec(select(Payment.total).where(Payment.refund_shift_id == shift_id)))
    by_state: dict[str, tuple[int, int]] = {}
    for p in taken:
        n, amount = by_state.get(p.state, (0, 0))
        by_state[p.state] = (n + 1, amount + p.total)
    final = {PaymentState.SUCCESS, PaymentState.REFUNDED}
    return ShiftReport(shift, count_drawer(shift.opening_float, (p.total for p in taken), refunded),
                       by_state, [p for p in taken if p.state not in final])


def close_shift(engine: Engine, shift_id: int, counted: int, closed_by: str, now: str,
                note: str = "") -> ShiftReport:
    before = report(engine, shift_id)
    if before.shift.closed_at:
        raise ShiftError("Shift ini sudah ditutup")
    if any(p.state == PaymentState.SENDING for p in before.unsettled):
        raise ShiftError("Ada pembayaran yang sedang dikirim; tunggu sebentar lalu coba lagi")
    if counted < 0:
        raise ShiftError("Uang dihitung tidak boleh negatif")
    expected = before.drawer.expected
    with write_session(engine) as db:
        shift = db.get(Shift, shift_id)
        shift.closed_at, shift.closed_by, shift.note = now, closed_by, note
        shift.expected_cash, shift.counted_cash = expected, counted
        shift.difference = counted - expected
        db.add(shift)
        db.flush()
        audit.append(db.connection(), now, closed_by, "shift_close",
                     {"shift": shift_id, "expected": expected, "counted": counted,
                      "difference": counted - expected, "cashier": shift.cashier_id})
        db.commit()
    return report(engine, shift_id)
