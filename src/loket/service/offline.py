"""Pricing and permitting a payment while the host cannot be reached.

A family seen at a native host is priced from its members and the tariff table; one seen at a
count-only host (Digiflazz, IAK) from its last known price for one month, times the months to
pay, and never when no such price is known.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from loket.clock import Clock, parse_iso
from loket.domain.billing import FamilyBill, family_premium
from loket.domain.months import Month, month_range
from loket.domain.offline import (
    NO_HONEST_PRICE,
    KnownFamily,
    OfflineLimits,
    Queue,
    offline_refusal,
    queue_refusal,
)
from loket.domain.payment import Payment, already_sold, covered_through
from loket.store import families, payments
from loket.store.models import FamilyCache

if TYPE_CHECKING:  # the counter holds this desk: its settings' type only, not a cycle at run time
    from loket.service.counter import CounterSettings


@dataclass(frozen=True)
class OfflineQuote:
    bill: FamilyBill | None  # priced from the cached family and the tariff table
    refusal: str  # why it may not be taken offline ("" when it may)
    paid_through: Month | None = None  # nothing left to pay: paid (or sold here) through this


class OfflineDesk:
    def __init__(self, engine: Engine, clock: Clock, settings: CounterSettings) -> None:
        self.engine = engine
        self.clock = clock
        self.settings = settings  # the counter's settings: the owner may change the limits

    @property
    def limits(self) -> OfflineLimits:
        return self.settings.offline

    def queue(self) -> Queue:
        count, total, oldest = payments.offline_queue(self.engine)
        return Queue(count, total, parse_iso(oldest) if oldest else None)

    def queue_refusal(self) -> str | None:
        return queue_refusal(self.limits, self.queue(), self.clock.now())

    def quote(self, digits: str, months_ahead: int) -> OfflineQuote:
        """The family's bill priced here, starting after the months it has paid — confirmed by
        the host, or taken at this counter and still on their way to it."""
        now = self.clock.now()
        current = Month.of(now)
        cached = families.find(self.engine, digits)
        if cached is None:
            refusal = offline_refusal(self.limits, self.queue(), None, 0, current, now)
            return OfflineQuote(None, refusal or "")
        known, holder = self._known(cached, digits)
        first = max(current, (known.paid_through or current) + 1)
        periods = month_range(first, current + months_ahead)
        data = families.snapshot(cached)
        if data.get("count_only"):
            bill = _counted_bill(cached, data, digits, months_ahead, len(periods))
            if bill is None:  # no honest price: say first any other reason it may not be taken
                refusal = offline_refusal(self.limits, self.queue(), known, 0, current, now)
                return OfflineQuote(None, refusal or NO_HONEST_PRICE)
        else:
            bill = _tariff_bill(cached, data, digits, months_ahead, periods)
        refusal = offline_refusal(self.limits, self.queue(), known, bill.premium, current, now)
        if not periods:
            refusal = (
                already_sold(holder) if holder else "Menurut data terakhir, tagihan ini sudah lunas"
            )
            return OfflineQuote(bill, refusal, known.paid_through)
        return OfflineQuote(bill, refusal or "")

    def check(self, bill: FamilyBill, total: int) -> str | None:
        """Right before recording: the limits again, with the amount the customer pays."""
        now = self.clock.now()
        cached = families.find(self.engine, bill.family_no)  # a count-only card: no VA
        known = self._known(cached, bill.family_no)[0] if cached else None
        return offline_refusal(self.limits, self.queue(), known, total, Month.of(now), now)

    def _known(self, cached: FamilyCache, digits: str) -> tuple[KnownFamily, Payment | None]:
        """What is known of the family, counting as paid the months of its payments taken here
        (confirmed, or on their way to the host: not offered again); and the payment that has
        its last month, when one of this counter's payments has it."""
        known = families.known(cached)
        sold = [
            (through, p)
            for p in payments.months_sold(self.engine, cached.va_no or digits)
            if (through := covered_through(p)) is not None
        ]
        if not sold:
            return known, None
        through, holder = max(sold, key=lambda pair: pair[0])
        if known.paid_through is not None and through <= known.paid_through:
            return known, None
        return replace(known, paid_through=through), holder


def _tariff_bill(
    cached: FamilyCache, data: dict[str, Any], digits: str, months_ahead: int, periods: list[Month]
) -> FamilyBill:
    """A native family: its members' classes and the tariff table for each month."""
    members = families.members(cached)
    return FamilyBill(
        va_no=cached.va_no,
        head_name=data["head_name"],
        branch=data["branch"],
        members=members,
        periods=tuple(periods),
        arrears_months=0,
        months_ahead=months_ahead,
        premium=family_premium([m.klass for m in members], periods) if periods else 0,
        host_admin=0,
        agent_price=0,
        customer_no=digits,
        inquired_at=cached.inquired_at,
        priced_offline=True,
    )


def _counted_bill(
    cached: FamilyCache, data: dict[str, Any], digits: str, months_ahead: int, months: int
) -> FamilyBill | None:
    """A count-only family: its last known price for one month times the months to pay; the
    months are counted, not named (the host never said which). None without such a price."""
    price = data.get("month_price")
    if not price:
        return None
    return FamilyBill(
        va_no=cached.va_no,
        head_name=data["head_name"],
        branch=data["branch"],
        members=(),
        periods=(),
        arrears_months=0,
        months_ahead=months_ahead,
        premium=price * months,
        host_admin=0,
        agent_price=0,
        customer_no=digits,
        inquired_at=data["priced_at"],
        priced_offline=True,
        member_count=data["member_count"],
        month_count=months,
    )
