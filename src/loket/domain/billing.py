"""What a family owes at the counter (Perdir BPJS 16/2016: one bill per family, all or nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from loket.domain.months import Month, month_range
from loket.domain.tariffs import TariffTable, default_tariffs

ARREARS_CAP = 24  # at most the 24 most recent months in arrears are billed
MAX_MONTHS_AHEAD = 12  # host protocol limit; the shop may configure less


@dataclass(frozen=True)
class Member:
    card_no: str
    name: str
    klass: int  # care class 1, 2 or 3


@dataclass(frozen=True)
class FamilyBill:
    """A family's bill as the host priced it, normalised away from any host's field names."""

    va_no: str
    head_name: str
    branch: str
    members: tuple[Member, ...]
    periods: tuple[Month, ...]
    arrears_months: int
    months_ahead: int
    premium: int  # to BPJS
    host_admin: int  # the host's standard admin fee
    agent_price: int  # what a payment deducts from the agent's deposit
    customer_no: str = ""  # the number the cashier entered
    inquired_at: str = ""
    priced_offline: bool = False  # priced here from the family cache: the host was unreachable

    @property
    def member_count(self) -> int:
        return len(self.members)


def billable_periods(
    paid_through: Month, current: Month, months_ahead: int = 0, arrears_cap: int = ARREARS_CAP
) -> list[Month]:
    """Unpaid months a payment made in ``current`` covers, oldest first.

    At most ``arrears_cap`` months before ``current`` (older arrears are not billed), the current
    month, and ``months_ahead`` more. Empty when everything up to there is paid already.
    """
    if not 0 <= months_ahead <= MAX_MONTHS_AHEAD:
        raise ValueError(f"months_ahead must be 0..{MAX_MONTHS_AHEAD}")
    first = max(paid_through + 1, current - arrears_cap)
    return month_range(first, current + months_ahead)


def family_premium(
    classes: Sequence[int], periods: Sequence[Month], tariffs: TariffTable | None = None
) -> int:
    """Σ over members and months of the premium in force for that coverage month."""
    table = tariffs or default_tariffs()
    return sum(table.premium(klass, month) for month in periods for klass in classes)


def counter_total(premium: int, admin_fee: int, months: int, admin_per_month: bool = False) -> int:
    """What the customer pays: premium plus the counter's admin fee (once, or per month)."""
    return premium + admin_fee * (months if admin_per_month else 1)
