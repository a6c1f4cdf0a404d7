"""A drawer's arithmetic: what should be in it, and how far the count is off."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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
