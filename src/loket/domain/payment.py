"""A payment as loket sees it everywhere above the store: plain data, its JSON already parsed.

The store keeps payments as rows; it turns each row into this record in one place
(``store/payments.py``), so screens, slips, reports and the forwarder never parse columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from loket.domain.billing import Member
from loket.domain.months import Month
from loket.domain.states import PaymentState


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
