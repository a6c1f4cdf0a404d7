"""A count-only host for tests: the native simulator seen the way Digiflazz and IAK answer.

Those hosts give the head's name, how many people and how many months, and echo the number the
cashier typed; no member names, classes or coverage months (``aggregators.md`` §3). This wrapper
strips the native bill to exactly that, so every screen, slip and report can be driven with a
count-only bill over real loopback HTTP while the real adapters are written elsewhere.
"""

from __future__ import annotations

import dataclasses

from loket.domain.billing import FamilyBill
from loket.domain.numbers import is_va
from loket.host.base import HostReply
from loket.store.payments import new_payment


def counted(bill: FamilyBill, typed: str) -> FamilyBill:
    """The bill as a count-only host gives it: counts, no lists; the number as typed, and a VA
    only when the VA was typed (the adapters' ``va_no``: a card gives none)."""
    return dataclasses.replace(
        bill,
        va_no=typed if is_va(typed) else "",
        customer_no=typed,
        members=(),
        periods=(),
        member_count=bill.member_count,
        month_count=bill.month_count,
    )


class CountOnlyHost:
    """Every call goes to the native host; inquiries come back count-only."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def inquiry(self, ref_id: str, customer_no: str, months_ahead: int = 0) -> HostReply:
        return _counted_reply(self.inner.inquiry(ref_id, customer_no, months_ahead), customer_no)

    def pay(self, ticket, request) -> HostReply:
        return _counted_reply(self.inner.pay(ticket, request), request.customer_no)

    def status(self, ticket) -> HostReply:
        reply = self.inner.status(ticket)
        return _counted_reply(reply, reply.bill.va_no if reply.bill else "")


def _counted_reply(reply: HostReply, typed: str) -> HostReply:
    return (
        reply if reply.bill is None else dataclasses.replace(reply, bill=counted(reply.bill, typed))
    )


class CountOnlySim:
    """A running simulator (``tests.conftest.SimControl``) whose host answers count-only."""

    def __init__(self, sim) -> None:
        self.sim = sim

    def __getattr__(self, name: str):
        return getattr(self.sim, name)

    def host(self, **kw) -> CountOnlyHost:
        return CountOnlyHost(self.sim.host(**kw))


def counted_bill() -> FamilyBill:
    """A family of three, two months (one in arrears), as Digiflazz would answer for a card."""
    return FamilyBill(
        va_no="0001000000029",
        head_name="AGUS SALIM",
        branch="BEKASI",
        members=(),
        periods=(),
        arrears_months=1,
        months_ahead=0,
        premium=210_000,
        host_admin=2500,
        agent_price=209_500,
        customer_no="0001000000029",
        member_count=3,
        month_count=2,
    )


def counted_record(state: str = "SUCCESS", host_sn: str = "BP1234554321JS"):
    """A count-only payment as layouts and screens see it (the domain record)."""
    from loket.store.payment_rows import payment_of

    row = new_payment(
        counted_bill(),
        ref_id="PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RB",
        admin_fee=2500,
        cash=220_000,
        cashier_id="kasir1",
        terminal_id="T01",
        now="2026-11-21T10:00:05+07:00",
    )
    row.id, row.state = 1, state
    if state == "SUCCESS":
        row.host_sn, row.paid_at = host_sn, "2026-11-21T10:00:06+07:00"
    return payment_of(row)
