"""The owner's figures and report files: the dashboard, the daily and monthly PDF and CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import Clock
from loket.printing.layouts import Shop
from loket.reports.figures import Figures, day_range, figures
from loket.reports.service import Reports, Written
from loket.service.access import require_owner


@dataclass
class ReportDesk:
    engine: Engine
    shop: Shop
    clock: Clock
    folder: Path  # where the dashboard writes report files

    def day(self, actor: str, day: date) -> Figures:
        require_owner(self.engine, actor)
        return figures(self.engine, *day_range(day))

    def daily(self, actor: str, day: date, out: str | Path | None = None,
              csv: str | Path | None = None) -> Written:
        require_owner(self.engine, actor)
        if out is None:
            out, csv = self._files(f"harian-{day.isoformat()}")
        return Reports(self.engine, self.shop, self.clock).daily(day, out, csv)

    def monthly(self, actor: str, year: int, month: int, out: str | Path | None = None,
                csv: str | Path | None = None) -> Written:
        require_owner(self.engine, actor)
        if out is None:
            out, csv = self._files(f"bulanan-{year:04d}-{month:02d}")
        return Reports(self.engine, self.shop, self.clock).monthly(year, month, out, csv)

    def _files(self, name: str) -> tuple[Path, Path]:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"{name}.pdf", self.folder / f"{name}.csv"
