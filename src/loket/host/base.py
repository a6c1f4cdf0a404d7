"""The one interface the rest of loket sees of any host, with normalised results."""

from __future__ import annotations

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

    @property
    def unknown(self) -> bool:
        return self.outcome is Outcome.UNKNOWN


class HostAdapter(Protocol):
    """Every call answers; transport failures come back as ``Outcome.UNKNOWN``, never raise."""

    def inquiry(self, ref_id: str, customer_no: str, months_ahead: int = 0) -> HostReply: ...

    def payment(self, request: PaymentRequest) -> HostReply: ...

    def status(self, ref_id: str) -> HostReply: ...

    def balance(self) -> HostReply: ...

    def health(self) -> bool: ...

    def close(self) -> None: ...
