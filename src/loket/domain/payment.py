"""A payment as loket sees it everywhere above the store: plain data, its JSON already parsed.

The store keeps payments as rows; it turns each row into this record in one place
(``store/payment_rows.py``), so screens, slips, reports and the forwarder never parse columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from loket.domain import times
from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month, describe_periods
from loket.domain.states import PaymentState, label


@dataclass(frozen=True)
class Payment:
    id: int
    ref_id: str  # the counter's own reference: the idempotency key at the host
    customer_no: str  # as the cashier entered it
    va_no: str
    head_name: str
    branch: str
    members: tuple[Member, ...]  # empty from a count-only host
    periods: tuple[Month, ...]  # empty from a count-only host
    member_count: int
    month_count: int
    months_ahead: int
    arrears_months: int
    premium: int  # to BPJS
    admin_fee: int  # the counter's fee
    total: int  # what the customer pays
    cash: int
    change: int
    agent_price: int  # what the host deducts from the deposit (as confirmed, once confirmed)
    cashier_id: str
    terminal_id: str
    state: PaymentState
    offline: bool
    host_rc: str
    host_message: str
    host_sn: str
    paid_at: str
    attempts: int
    next_attempt_at: str
    print_count: int
    created_at: str
    updated_at: str
    shift_id: int | None = None
    refund_shift_id: int | None = None

    @property
    def family_no(self) -> str:
        """Its VA when the host gave one, else the number typed (``FamilyBill.family_no``)."""
        return self.va_no or self.customer_no

    @property
    def confirmed(self) -> bool:
        return self.state is PaymentState.SUCCESS


@dataclass(frozen=True)
class StateChange:
    """One step of a payment's life: when, from where to where, the host's answer, who."""

    at: str
    from_state: str
    to_state: str
    rc: str
    message: str
    actor: str


# -- the months a family's payments cover ------------------------------------------------------
def covered_through(payment: Payment) -> Month | None:
    """The last month ``payment`` pays for: its last period, or for a count-only payment the month
    it was taken in plus the months ahead (a BPJS bill ends there); None when neither is known."""
    if payment.periods:
        return payment.periods[-1]
    if payment.month_count:
        return Month.of(datetime.fromisoformat(payment.created_at)) + payment.months_ahead
    return None


def first_claimed(bill: FamilyBill, taken_in: Month) -> Month | None:
    """The first month a payment of ``bill`` pays for, taken in ``taken_in``: its first period,
    or for a count-only bill its months counted back from where it ends; None when unknown."""
    if bill.periods:
        return bill.periods[0]
    if bill.month_count:  # a count-only bill ends at the month it is made in, plus those ahead
        return taken_in + bill.months_ahead - bill.month_count + 1
    return None


def covering(sold: Iterable[Payment], first: Month | None) -> Payment | None:
    """Of a family's payments whose months are sold (``states.MONTHS_SOLD``), the one that
    already pays a month from ``first`` on (with ``first`` unknown, any of them may)."""
    for payment in sold:
        through = covered_through(payment)
        if first is None or through is None or through >= first:
            return payment
    return None


def already_sold(payment: Payment) -> str:
    """Why the family's months are not sold again: the payment that has them, for the cashier."""
    months = (
        describe_periods(list(payment.periods))
        if payment.periods
        else f"{payment.month_count} bulan"
    )
    when = times.minute(payment.created_at)
    if payment.state is PaymentState.SUCCESS:
        return (
            f"Bulan itu sudah lunas dibayar di loket ini ({months}, {when}, ref "
            f"{payment.ref_id}): jangan terima uang lagi"
        )
    return (
        f"Keluarga ini sudah dibayar di loket ini ({months}, {label(payment.state)}, {when}, "
        f"ref {payment.ref_id}) dan belum dikonfirmasi host: jangan terima uang lagi, "
        "lihat antrean (F6)"
    )
