"""Reports for the owner: the figures, the PDF, the CSV and the XLSX, for a day or a month.

reportlab and openpyxl are loaded when a report is written, not on every start of the counter
(``loket pay``, ``loket sync`` and the TUI all build this desk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.domain import times
from loket.printing.layouts import Shop
from loket.reports import export
from loket.reports.books import (
    Books,
    Settlement,
    books,
    deposit_lines,
    per_day,
    stamp,
    summary_lines,
)
from loket.reports.deposit import DepositMovement, movement, over
from loket.reports.figures import day_range, exceptions, month_range
from loket.reports.monthly import month_figures


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

    def daily(
        self,
        day: date,
        out: str | Path,
        csv: str | Path | None = None,
        xlsx: str | Path | None = None,
    ) -> Written:
        from loket.reports import pdf

        start, end = day_range(day)
        now = iso(self.clock.now())
        b = self.books(start, end)
        pdf.daily_pdf(out, self.shop, day.isoformat(), b, exceptions(self.engine, start, end), now)
        rows = self._rows(start, end, csv, xlsx, f"Laporan Harian {day.isoformat()}", now, b)
        return Written(Path(out), _path(csv), _path(xlsx), rows)

    def monthly(
        self,
        year: int,
        month: int,
        out: str | Path,
        csv: str | Path | None = None,
        xlsx: str | Path | None = None,
    ) -> Written:
        from loket.reports import pdf

        start, end = month_range(year, month)
        now = iso(self.clock.now())
        m = month_figures(self.engine, start, end, now)
        if self.settlement == "deposit":
            days = self._deposit_days(start, end, now)
            whole = (
                over(start, end, list(days.values())) if days else movement(self.engine, start, end)
            )
            b = Books(m.totals, "deposit", whole)
        else:
            days, b = {}, books(self.engine, start, end, "postpaid", m.totals)
        pdf.monthly_pdf(out, self.shop, m, b, days, exceptions(self.engine, start, end), now)
        rows = self._rows(
            start,
            end,
            csv,
            xlsx,
            f"Laporan Bulanan {m.month}",
            now,
            b,
            ("Per hari", *per_day(m, b, days)),
        )
        return Written(Path(out), _path(csv), _path(xlsx), rows)

    def _deposit_days(self, start: str, end: str, now: str) -> dict[str, DepositMovement]:
        """The deposit's movement for each day of the month so far that saw any."""
        days = {}
        day = date.fromisoformat(start)
        last = min(date.fromisoformat(end), times.date_of(now) + timedelta(days=1))
        while day < last:
            d = movement(self.engine, *day_range(day))
            if (
                d.opening is not None and d.closing is not None and d.closing.at >= day.isoformat()
            ):  # something was learned that day
                days[day.isoformat()] = d
            day += timedelta(days=1)
        return days

    def _rows(
        self,
        start: str,
        end: str,
        csv: str | Path | None,
        xlsx: str | Path | None,
        title: str,
        now: str,
        b: Books,
        table: tuple | None = None,
    ) -> int:
        """The period's payments into the CSV and the workbook asked for; how many there are."""
        rows = export.write_csv(self.engine, start, end, csv) if csv else 0
        if xlsx:
            from loket.reports import xlsx as workbook

            shop = self.shop
            sheet = workbook.Sheet(
                f"{shop.name} — {title}",
                f"Agen {shop.agent_id or '-'} · Terminal "
                f"{shop.terminal_id or '-'} · dibuat {stamp(now)} WIB",
            )
            sheet.sections.append(("Ringkasan", summary_lines(b)))
            if b.deposit is not None:
                sheet.sections.append(("Deposit di host", deposit_lines(b.deposit)))
            if table is not None:
                sheet.tables.append(workbook.Table(*table))
            rows = workbook.write_xlsx(self.engine, start, end, xlsx, sheet)
        return rows


def _path(name: str | Path | None) -> Path | None:
    return Path(name) if name else None
