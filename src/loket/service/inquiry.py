"""What a look-up of a family's bill comes to, as the counter's clients (the screen, the POS API)
are told of it."""

from __future__ import annotations

from dataclasses import dataclass

from loket.domain.billing import FamilyBill
from loket.domain.months import Month


@dataclass(frozen=True)
class InquiryResult:
    bill: FamilyBill | None = None
    error: str = ""
    rc: str = ""
    host_down: bool = False
    # a bill was found (by the host, or priced here while it is down) but may not be taken: why
    refusal: str = ""
    # nothing to pay: the family is paid through this month, as far as is known (the months the
    # host was asked for, or later ones this counter has seen paid)
    paid_through: Month | None = None
    # … and the months ahead whose bill starts right after it, where they may be sold here
    next_ahead: int | None = None

    @property
    def usable(self) -> bool:
        """There is a bill and it may be paid."""
        return self.bill is not None and not self.refusal

    @property
    def message(self) -> str:
        """Everything the cashier should be told about it, in one line."""
        return " ".join(m for m in (self.error, self.refusal) if m)

    @property
    def offline(self) -> bool:
        return self.bill is not None and self.bill.priced_offline

    @property
    def already_paid(self) -> bool:
        """The family has paid the months asked for: it may still pay the ones after them."""
        return self.paid_through is not None


def paid_up(
    error: str, rc: str, asked: Month, known: Month | None, current: Month, ahead_limit: int
) -> InquiryResult:
    """The host found nothing to pay through ``asked``: the family is paid through it at least, or
    through a later month ``known`` to be paid here; the month after it is the next to pay, when
    it lies within ``ahead_limit`` months ahead (0 where months ahead are not sold)."""
    through = max(asked, known) if known else asked
    ahead = through + 1 - current
    return InquiryResult(
        error=error, rc=rc, paid_through=through, next_ahead=ahead if ahead <= ahead_limit else None
    )
