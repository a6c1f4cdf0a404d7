"""Opening and closing shifts, with the Z report; only the cashier or the owner may close one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.printing import layouts
from loket.service.access import AccessDenied, is_owner
from loket.service.slips import PrintResult, SlipPrinter
from loket.store import anchor, audit, shifts
from loket.store.models import Shift


@dataclass
class ShiftDesk:
    engine: Engine
    clock: Clock
    slips: SlipPrinter

    def current(self, cashier_id: str) -> Shift | None:
        return shifts.current(self.engine, cashier_id)

    def open(self, cashier_id: str, opening_float: int) -> Shift:
        return shifts.open_shift(self.engine, cashier_id, opening_float, iso(self.clock.now()))

    def report(self, shift_id: int) -> shifts.ShiftReport:
        return shifts.report(self.engine, shift_id)

    def close(self, shift_id: int, counted: int, by: str,
              note: str = "") -> tuple[shifts.ShiftReport, PrintResult]:
        shift = shifts.get(self.engine, shift_id)
        if shift.cashier_id != by and not is_owner(self.engine, by):
            raise AccessDenied("Hanya pemilik yang boleh menutup shift kasir lain")
        now = iso(self.clock.now())
        closed = shifts.close_shift(self.engine, shift_id, counted, by, now, note)
        anchor.acknowledge(self.engine)
        elements = layouts.shift_report(closed, self.slips.shop, self.slips.options.columns, now,
                                        audit.head(self.engine))
        error = self.slips.send(elements)
        printed = PrintResult(error is None, error or "Laporan shift (Z) dicetak", elements)
        return closed, printed
