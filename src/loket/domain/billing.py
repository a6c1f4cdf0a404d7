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
    """A family's bill as the host priced it, normalised away from any host's field names.

    The native host lists members (with classes) and coverage months; a count-only host
    (Digiflazz, IAK) gives only how many people and how many months: ``members`` and ``periods``
    are then empty and the counts say it. Nothing invents detail a host did not give.
    """

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
    member_count: int = 0  # 0: count the members listed
    month_count: int = 0  # 0: count the periods listed
    quote_ref: str = ""  # the host's reference for this inquiry, when the host pays by it
    quote_tx: str = ""  # the host's transaction id for it (IAK's tr_id)

    def __post_init__(self) -> None:
        if not self.member_count:
            object.__setattr__(self, "member_count", len(self.members))
        if not self.month_count:
            object.__setattr__(self, "month_count", len(self.periods))

    @property
    def family_no(self) -> str:
        """The number that names the family: its VA when the host gave one, else the number
        typed (a count-only host may echo only a member's card)."""
        return self.va_no or self.customer_no

    @property
    def count_only(self) -> bool:
        """The host gave counts, not the members and months themselves."""
        return not self.members


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


@dataclass(frozen=True)
class Takings:
    """The money of one payment at the counter: what goes to BPJS, the counter's fee, the cash
    handed over, and from them what the customer pays and gets back. The store only keeps these."""

    premium: int
    admin_fee: int
    cash: int

    @property
    def total(self) -> int:
        return self.premium + self.admin_fee

    @property
    def change(self) -> int:
        return self.cash - self.total
