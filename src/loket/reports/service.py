"""Reports for the owner: the figures, the PDF, the CSV, for a day or a month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.printing.layouts import Shop
from loket.reports import export, pdf
from loket.reports.figures import day_range, exceptions, figures, month_range
from loket.reports.monthly import month_figures


@dataclass(frozen=True)
class Written:
    pdf: Path
    csv: Path | None
    rows: int


@dataclass
class Reports:
    engine: Engine
    shop: Shop
    clock: Clock

    def daily(self, day: date, out: str | Path, csv: str | Path | None = None) -> Written:
        start, end = day_range(day)
        now = iso(self.clock.now())
        pdf.daily_pdf(out, self.shop, day.isoformat(), figures(self.engine, start, end),
                      exceptions(self.engine, start, end), now)
        rows = export.write_csv(self.engine, start, end, csv) if csv else 0
        return Written(Path(out), Path(csv) if csv else None, rows)

    def monthly(self, year: int, month: int, out: str | Path,
                csv: str | Path | None = None) -> Written:
        start, end = month_range(year, month)
        now = iso(self.clock.now())
        pdf.monthly_pdf(out, self.shop, month_figures(self.engine, start, end, now),
                        exceptions(self.engine, start, end), now)
        rows = export.write_csv(self.engine, start, end, csv) if csv else 0
        return Written(Path(out), Path(csv) if csv else None, rows)
