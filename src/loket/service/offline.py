"""Pricing and permitting a payment while the host cannot be reached."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from loket.clock import Clock, parse_iso
from loket.domain.billing import FamilyBill, family_premium
from loket.domain.months import Month, month_range
from loket.domain.offline import OfflineLimits, Queue, offline_refusal, queue_refusal
from loket.store import families, payments


@dataclass(frozen=True)
class OfflineQuote:
    bill: FamilyBill | None  # priced from the cached family and the tariff table
    refusal: str  # why it may not be taken offline ("" when it may)


class OfflineDesk:
    def __init__(self, engine: Engine, clock: Clock, settings) -> None:
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
        now = self.clock.now()
        current = Month.of(now)
        cached = families.find(self.engine, digits)
        if cached is None:
            refusal = offline_refusal(self.limits, self.queue(), None, 0, current, now)
            return OfflineQuote(None, refusal or "")
        known = families.known(cached)
        first = max(current, (known.paid_through or current) + 1)
        periods = month_range(first, current + months_ahead)
        members = families.members(cached)
        premium = family_premium([m.klass for m in members], periods) if periods else 0
        data = families.snapshot(cached)
        bill = FamilyBill(
            va_no=cached.va_no, head_name=data["head_name"], branch=data["branch"],
            members=members, periods=tuple(periods), arrears_months=0, months_ahead=months_ahead,
            premium=premium, host_admin=0, agent_price=0, customer_no=digits,
            inquired_at=cached.inquired_at, priced_offline=True,
        )
        refusal = offline_refusal(self.limits, self.queue(), known, premium, current, now)
        if not periods:
            refusal = "Menurut data terakhir, tagihan ini sudah lunas"
        return OfflineQuote(bill, refusal or "")

    def check(self, bill: FamilyBill, total: int) -> str | None:
        """Right before recording: the limits again, with the amount the customer pays."""
        now = self.clock.now()
        cached = families.find(self.engine, bill.va_no)
        known = families.known(cached) if cached else None
        return offline_refusal(self.limits, self.queue(), known, total, Month.of(now), now)
