"""Reports for the owner: the figures, the PDF, the CSV and the XLSX, for a day or a month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.printing.layouts import Shop
from loket.reports import export, pdf
from loket.reports.books import (
    Books,
    Settlement,
    books,
    deposit_lines,
    per_day,
    stamp,
    summary_lines,
)
from loket.reports.deposit import DepositMovement, movement
from loket.reports.figures import day_range, exceptions, month_range
from loket.reports.monthly import month_figures
from loket.reports.xlsx import Sheet, Table, write_xlsx


@dataclass(frozen=True)
class Written:
    pdf: Path
    csv: Path | None = None
    xlsx: Path | None = None
    rows: int = 0  # payments listed in the CSV / XLSX


@dataclass
class Reports:
    engine: Engine
    shop: Shop
    clock: Clock
    settlement: Settlement = "deposit"

    def books(self, start: str, end: str) -> Books:
        return books(self.engine, start, end, self.settlement)

    def daily(self, day: date, out: str | Path, csv: str | Path | None = None,
              xlsx: str | Path | None = None) -> Written:
        start, end = day_range(day)
        now = iso(self.clock.now())
        b = self.books(start, end)
        pdf.daily_pdf(out, self.shop, day.isoformat(), b, exceptions(self.engine, start, end),
                      now)
        sheet = self._sheet("Laporan Harian", day.isoformat(), now, b)
        return self._rows(Path(out), start, end, csv, xlsx, sheet)

    def monthly(self, year: int, month: int, out: str | Path, csv: str | Path | None = None,
                xlsx: str | Path | None = None) -> Written:
        start, end = month_range(year, month)
        now = iso(self.clock.now())
        m = month_figures(self.engine, start, end, now)
        b = Books(m.totals, self.settlement,
                  movement(self.engine, start, end) if self.settlement == "deposit" else None)
        days = self._deposit_days(start, end, now) if self.settlement == "deposit" else {}
        pdf.monthly_pdf(out, self.shop, m, b, days, exceptions(self.engine, start, end), now)
        sheet = self._sheet("Laporan Bulanan", m.month, now, b)
        columns, rows = per_day(m, b, days)
        sheet.tables.append(Table("Per hari", columns, rows))
        return self._rows(Path(out), start, end, csv, xlsx, sheet)

    def _deposit_days(self, start: str, end: str, now: str) -> dict[str, DepositMovement]:
        """The deposit's movement for each day of the month so far that saw any."""
        days = {}
        day, last = date.fromisoformat(start), min(date.fromisoformat(end), date.fromisoformat(
            now[:10]) + timedelta(days=1))
        while day < last:
            d = movement(self.engine, *day_range(day))
            if d.known and d.closing.at >= day.isoformat():  # something was learned that day
                days[day.isoformat()] = d
            day += timedelta(days=1)
        return days

    def _sheet(self, title: str, period: str, now: str, b: Books) -> Sheet:
        sheet = Sheet(f"{self.shop.name} — {title} {period}",
                      f"Agen {self.shop.agent_id or '-'} · Terminal {self.shop.terminal_id or '-'}"
                      f" · dibuat {stamp(now)} WIB")
        sheet.sections.append(("Ringkasan", summary_lines(b)))
        if b.deposit is not None:
            sheet.sections.append(("Deposit di host", deposit_lines(b.deposit)))
        return sheet

    def _rows(self, out: Path, start: str, end: str, csv: str | Path | None,
              xlsx: str | Path | None, sheet: Sheet) -> Written:
        rows = export.write_csv(self.engine, start, end, csv) if csv else 0
        if xlsx:
            rows = write_xlsx(self.engine, start, end, xlsx, sheet)
        return Written(out, Path(csv) if csv else None, Path(xlsx) if xlsx else None, rows)
