"""The one interface the rest of loket sees of any host, with normalised results."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

from loket.domain.billing import FamilyBill
from loket.domain.outcomes import Outcome


@dataclass(frozen=True)
class PaymentRequest:
    ref_id: str
    customer_no: str
    months_ahead: int
    amount: int  # the premium collected for
    terminal_id: str
    cashier_id: str
    collected_at: str  # ISO 8601 +07:00
    offline: bool = False


@dataclass(frozen=True)
class HostReply:
    outcome: Outcome
    rc: str = ""
    message: str = ""  # the host's own words
    bill: FamilyBill | None = None
    sn: str = ""
    paid_at: str = ""
    balance: int | None = None
    answered: bool = True  # False: no reply at all (unreachable, too slow, 5xx): the host is down


@dataclass(frozen=True)
class Booked:
    """One payment the host booked (posted successfully), as its own ledger says."""

    ref_id: str
    premium: int
    sn: str
    paid_at: str  # ISO 8601, +07:00
    va_no: str
    periods: tuple[str, ...]  # YYYY-MM, oldest first


class HostAdapter(Protocol):
    """Every call answers; transport failures come back as ``Outcome.UNKNOWN``, never raise."""

    def inquiry(self, ref_id: str, customer_no: str, months_ahead: int = 0) -> HostReply: ...

    def payment(self, request: PaymentRequest) -> HostReply: ...

    def status(self, ref_id: str) -> HostReply: ...

    def balance(self) -> HostReply: ...

    def booked(self, day: datetime.date) -> list[Booked] | None:
        """What the host booked on ``day`` (Asia/Jakarta); ``None`` when it cannot say."""
        ...

    def health(self) -> bool: ...

    def close(self) -> None: ...
