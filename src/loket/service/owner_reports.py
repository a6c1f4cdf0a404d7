"""The owner's figures and report files: the dashboard, the daily and monthly PDF, CSV and XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import Clock
from loket.printing.layouts import Shop
from loket.reports.books import Books, Settlement
from loket.reports.figures import day_range
from loket.reports.service import Reports, Written
from loket.service.access import require_owner
from loket.store.files import private_folder


@dataclass
class ReportDesk:
    engine: Engine
    shop: Shop
    clock: Clock
    folder: Path  # where the dashboard writes report files
    settlement: Settlement = "deposit"  # how the agent pays the host ([host] settlement)

    @property
    def _reports(self) -> Reports:
        return Reports(self.engine, self.shop, self.clock, self.settlement)

    def day(self, actor: str, day: date) -> Books:
        require_owner(self.engine, actor)
        return self._reports.books(*day_range(day))

    def daily(
        self,
        actor: str,
        day: date,
        out: str | Path | None = None,
        csv: str | Path | None = None,
        xlsx: str | Path | None = None,
    ) -> Written:
        """Into ``out`` (and ``csv``, ``xlsx`` if given); without ``out``, all three into the
        report folder (those not named elsewhere)."""
        require_owner(self.engine, actor)
        if out is None:
            out, csv, xlsx = self._defaults(f"laporan-harian-{day.isoformat()}", csv, xlsx)
        return self._reports.daily(day, out, csv, xlsx)

    def monthly(
        self,
        actor: str,
        year: int,
        month: int,
        out: str | Path | None = None,
        csv: str | Path | None = None,
        xlsx: str | Path | None = None,
    ) -> Written:
        require_owner(self.engine, actor)
        if out is None:
            out, csv, xlsx = self._defaults(f"laporan-bulanan-{year:04d}-{month:02d}", csv, xlsx)
        return self._reports.monthly(year, month, out, csv, xlsx)

    def _defaults(
        self, name: str, csv: str | Path | None, xlsx: str | Path | None
    ) -> tuple[Path, str | Path, str | Path]:
        """The report folder's file names, in Indonesian, for those not given."""
        private_folder(self.folder)  # reports hold names and money: the owner's eyes only
        return (
            self.folder / f"{name}.pdf",
            csv or self.folder / f"{name}.csv",
            xlsx or self.folder / f"{name}.xlsx",
        )
