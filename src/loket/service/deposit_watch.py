"""The host as the owner's books see it: every answer that says something about the deposit is
written down (``store/deposit.py``) before it is handed on, unchanged.

A wrapper rather than a hook in the forwarder: payments, status queries (the forwarder's,
reconciliation's) and the health check's balance all pass through the one adapter, and the
forwarder stays about moving payments. Writing the books never fails a payment: an error here is
logged and the host's answer goes on as it came.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.domain.outcomes import Outcome
from loket.host.base import HostAdapter, HostReply, PaymentRequest, Ticket
from loket.store import deposit, payments

log = logging.getLogger("loket.deposit")


class DepositWatch:
    """A ``HostAdapter`` around the real one."""

    def __init__(self, host: HostAdapter, engine: Engine, clock: Clock) -> None:
        self.host = host
        self.engine = engine
        self.clock = clock

    def __getattr__(self, name: str) -> Any:  # anything else the adapter offers (its url, …)
        return getattr(self.host, name)

    def inquiry(self, ref_id: str, customer_no: str, months_ahead: int = 0) -> HostReply:
        return self.host.inquiry(ref_id, customer_no, months_ahead)

    def pay(self, ticket: Ticket, request: PaymentRequest) -> HostReply:
        return self._payment_reply(request.ref_id, self.host.pay(ticket, request))

    def status(self, ticket: Ticket) -> HostReply:
        return self._payment_reply(ticket.payment_ref or ticket.ref, self.host.status(ticket))

    def balance(self) -> HostReply:
        reply = self.host.balance()
        balance = reply.balance
        if reply.outcome is Outcome.SUCCESS and balance is not None:
            self._write(lambda now: deposit.saw_balance(self.engine, now, balance))
        return reply

    def health(self) -> bool:
        return self.host.health()

    def close(self) -> None:
        self.host.close()

    def _payment_reply(self, ref_id: str, reply: HostReply) -> HostReply:
        if reply.outcome in (Outcome.SUCCESS, Outcome.PENDING):
            self._write(
                lambda now: deposit.payment_taken(
                    self.engine, now, ref_id, self._price(ref_id, reply), reply.balance
                )
            )
        elif reply.outcome is Outcome.FINAL_FAILURE:
            self._write(lambda now: deposit.payment_given_back(self.engine, now, ref_id))
        return reply

    def _price(self, ref_id: str, reply: HostReply) -> int:
        """What the host takes for it: the bill it answered with, else the price it quoted."""
        if reply.bill is not None and reply.bill.agent_price > 0:
            return reply.bill.agent_price
        stored = payments.get(self.engine, ref_id)
        return stored.agent_price if stored is not None else 0

    def _write(self, what: Callable[[str], None]) -> None:
        try:
            what(iso(self.clock.now()))
        except Exception:  # the books are not worth a payment: log it, hand the answer on
            log.exception("deposit: could not write down the host's answer")
