"""Coverage months (``YYYY-MM``) and their Indonesian names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import overload

SHORT_NAMES = ("JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGU", "SEP", "OKT", "NOV", "DES")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        year, _, month = text.partition("-")
        if len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
            raise ValueError(f"not a YYYY-MM month: {text!r}")
        return cls(int(year), int(month))

    @classmethod
    def of(cls, when: date | datetime) -> Month:
        return cls(when.year, when.month)

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def __add__(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    @overload
    def __sub__(self, other: Month) -> int: ...
    @overload
    def __sub__(self, other: int) -> Month: ...
    def __sub__(self, other: int | Month) -> Month | int:
        if isinstance(other, Month):
            return self.index - other.index
        return Month.from_index(self.index - other)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def short_name(self) -> str:
        """``NOV 2026``, as on a receipt."""
        return f"{SHORT_NAMES[self.month - 1]} {self.year}"


def month_range(first: Month, last: Month) -> list[Month]:
    return [Month.from_index(i) for i in range(first.index, last.index + 1)]


def describe_periods(periods: list[Month]) -> str:
    """``NOV 2026`` or ``SEP 2026 - NOV 2026`` (periods are contiguous, oldest first)."""
    if not periods:
        return "-"
    if len(periods) == 1:
        return periods[0].short_name
    return f"{periods[0].short_name} - {periods[-1].short_name}"
