"""The premium table, shipped as package data (``tariffs.toml``) so a new Perpres is a data change."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from loket.domain.months import Month

CLASSES = (1, 2, 3)


class TariffError(LookupError):
    """No tariff covers the month asked for."""


@dataclass(frozen=True)
class TariffPeriod:
    first: Month
    last: Month | None  # None: still in force
    basis: str
    premiums: dict[int, int]  # class -> rupiah paid by the participant per month

    def covers(self, month: Month) -> bool:
        return self.first <= month and (self.last is None or month <= self.last)


@dataclass(frozen=True)
class TariffTable:
    periods: tuple[TariffPeriod, ...]

    def premium(self, klass: int, month: Month) -> int:
        """What one PBPU/BP participant of ``klass`` pays for coverage ``month``."""
        if klass not in CLASSES:
            raise ValueError(f"unknown class {klass}")
        for period in self.periods:
            if period.covers(month):
                return period.premiums[klass]
        raise TariffError(f"no tariff for {month}")

    @classmethod
    def from_toml(cls, text: str) -> TariffTable:
        data = tomllib.loads(text)
        periods = []
        for row in data["period"]:
            until = row.get("until")
            periods.append(
                TariffPeriod(
                    first=Month.parse(row["from"]),
                    last=Month.parse(until) if until else None,
                    basis=row["basis"],
                    premiums={1: row["class_1"], 2: row["class_2"], 3: row["class_3"]},
                )
            )
        periods.sort(key=lambda p: p.first)
        for before, after in zip(periods, periods[1:], strict=False):
            if before.last is None or before.last + 1 != after.first:
                raise ValueError(f"tariff periods must be contiguous: {before.first}…{after.first}")
        return cls(tuple(periods))


@cache
def default_tariffs() -> TariffTable:
    text = resources.files("loket.domain").joinpath("tariffs.toml").read_text(encoding="utf-8")
    return TariffTable.from_toml(text)
