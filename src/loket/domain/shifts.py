"""A cashier's shift and the drawer's arithmetic: what should be in it, and how far the count is off."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from loket.domain.payment import Payment


@dataclass(frozen=True)
class Shift:
    id: int
    cashier_id: str
    opened_at: str
    opening_float: int
    closed_at: str = ""
    closed_by: str = ""
    expected_cash: int | None = None
    counted_cash: int | None = None
    difference: int | None = None  # counted - expected: negative is a shortage
    note: str = ""

    @property
    def is_open(self) -> bool:
        return not self.closed_at


@dataclass(frozen=True)
class DrawerCount:
    opening_float: int
    taken: int  # cash kept for payments taken in the shift (totals: change already given back)
    refunded: int  # cash paid back to customers from this drawer
    payments: int
    refunds: int

    @property
    def expected(self) -> int:
        return self.opening_float + self.taken - self.refunded

    def difference(self, counted: int) -> int:
        """Counted minus expected: negative is a shortage, positive an overage."""
        return counted - self.expected


def count_drawer(opening_float: int, taken: Iterable[int], refunded: Iterable[int]) -> DrawerCount:
    taken, refunded = list(taken), list(refunded)
    return DrawerCount(opening_float, sum(taken), sum(refunded), len(taken), len(refunded))


@dataclass(frozen=True)
class ShiftReport:
    shift: Shift
    drawer: DrawerCount
    by_state: dict[str, tuple[int, int]] = field(default_factory=dict)  # state -> (count, total)
    unsettled: list[Payment] = field(default_factory=list)  # listed on the Z report
