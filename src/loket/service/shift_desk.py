"""Opening and closing shifts, with the Z report; only the cashier or the owner may close one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.domain.shifts import Shift, ShiftReport
from loket.printing import layouts
from loket.service.access import AccessDenied, is_owner, require_owner
from loket.service.slips import PrintResult, SlipPrinter
from loket.store import anchor, audit, shifts


@dataclass
class ShiftDesk:
    engine: Engine
    clock: Clock
    slips: SlipPrinter

    def current(self, cashier_id: str) -> Shift | None:
        return shifts.current(self.engine, cashier_id)

    def open(self, cashier_id: str, opening_float: int) -> Shift:
        return shifts.open_shift(self.engine, cashier_id, opening_float, iso(self.clock.now()))

    def ensure_open(self, cashier_id: str) -> Shift:
        """A headless caller (a shop's POS) has its own drawer: a float-0 shift when none is
        open, for the owner to close like any other."""
        return self.current(cashier_id) or self.open(cashier_id, 0)

    def open_ones(self, actor: str) -> list[Shift]:
        """Every shift still open, of any cashier: the owner's to close."""
        require_owner(self.engine, actor)
        return shifts.open_shifts(self.engine)

    def report(self, shift_id: int, actor: str) -> ShiftReport:
        self._may_see(shift_id, actor)
        return shifts.report(self.engine, shift_id)

    def _may_see(self, shift_id: int, actor: str) -> Shift:
        shift = shifts.get(self.engine, shift_id)
        if shift.cashier_id != actor and not is_owner(self.engine, actor):
            raise AccessDenied("Hanya pemilik yang boleh menutup shift kasir lain")
        return shift

    def close(
        self, shift_id: int, counted: int, by: str, note: str = ""
    ) -> tuple[ShiftReport, PrintResult]:
        self._may_see(shift_id, by)
        now = iso(self.clock.now())
        closed = shifts.close_shift(self.engine, shift_id, counted, by, now, note)
        anchor.acknowledge(self.engine)
        elements = layouts.shift_report(
            closed, self.slips.shop, self.slips.options.columns, now, audit.head(self.engine)
        )
        error = self.slips.send(elements)
        printed = PrintResult(error is None, error or "Laporan shift (Z) dicetak", elements)
        return closed, printed
