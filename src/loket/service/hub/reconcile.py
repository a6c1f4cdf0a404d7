"""``loket hub reconcile``: every outlet's day, as the hub holds it, against the host.

The same comparison a counter makes of its own day (``sync/reconcile.py``), over every outlet's
payments and attempts from the hub, with the owner's host account. What only the hub knows is
added: an outlet that has not pushed everything (a queue at its last push, never pushed, or
silent since before the day's end), or some of whose rows the hub set aside as unreadable, is
listed as ``outlet_behind``, because those rows would otherwise look like payments the host
booked and no outlet has.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from loket.clock import WIB, SystemClock, parse_iso
from loket.domain.attempts import Attempt
from loket.domain.outcomes import Outcome
from loket.domain.payment import Payment
from loket.host.base import HostAdapter, HostReply, Ticket
from loket.hub import ledger, owner
from loket.hub.owner import CounterStatus
from loket.reports.figures import day_range
from loket.service.hub.outlets import unreadable
from loket.sync.reconcile import DayLedger, Difference, Reconciliation, compare


@dataclass
class Outlet:
    terminal: str
    payments: int = 0
    differences: int = 0
    pushed_at: datetime | None = None
    backlog: int = 0
    behind: bool = False
    by_cashier: dict[str, int] = field(default_factory=dict)  # differences per cashier


@dataclass
class OutletsReconciliation:
    result: Reconciliation
    outlets: dict[str, Outlet] = field(default_factory=dict)

    @property
    def differences(self) -> list[Difference]:
        return self.result.differences

    def as_json(self) -> dict[str, object]:
        def outlet(o: Outlet) -> dict[str, object]:
            return {**asdict(o), "pushed_at": o.pushed_at.isoformat() if o.pushed_at else None}

        return {**self.result.as_json(), "outlets": {t: outlet(o) for t, o in self.outlets.items()}}


class PoliteAsker:
    """Status queries the way the host allows: an attempt a counter asked about less than
    ``min_status_interval_s`` ago is not asked again yet, and after the host asks to be left
    alone (a rate limit) nothing more is asked until then. Not asked is unknown, never failed."""

    def __init__(self, host: HostAdapter, now: datetime) -> None:
        self.host, self.now = host, now
        self.quiet_until = 0.0  # time.monotonic()

    def __call__(self, payment: Payment, ticket: Ticket, attempt: Attempt | None) -> HostReply:
        interval = self.host.min_status_interval_s
        if attempt is not None and interval and attempt.last_call_at:
            due = parse_iso(attempt.last_call_at) + timedelta(seconds=interval)
            if due > self.now:
                return HostReply(
                    Outcome.UNKNOWN,
                    message=(f"belum boleh ditanya lagi sebelum {due:%H:%M:%S} (batas host)"),
                )
        if time.monotonic() < self.quiet_until:
            return HostReply(Outcome.UNKNOWN, message="host meminta jeda; tidak ditanyakan")
        reply = self.host.status(ticket)
        if reply.retry_after_s:
            self.quiet_until = time.monotonic() + reply.retry_after_s
        return reply


def _last_push(status: CounterStatus) -> str:
    if status.pushed_at is None:
        return f"{status.terminal} belum pernah mengirim ke hub"
    at = status.pushed_at.astimezone(WIB)
    return f"{status.terminal} terakhir mengirim {at:%d/%m %H:%M}, antrean {status.backlog}"


def reconcile(
    hub: Engine, host: HostAdapter, day: date, now: datetime | None = None
) -> OutletsReconciliation:
    """Every outlet's payments of ``day`` in the hub against ``host`` (the owner's account)."""
    now = now or SystemClock().now()
    held = ledger.day(hub, *day_range(day))
    counters = {c.terminal: c for c in owner.counters(hub)}
    book = DayLedger(
        held.payments, held.attempts, lambda refs: ledger.find(hub, refs), per_outlet=True
    )
    result = compare(book, host, day.isoformat(), now, ask=PoliteAsker(host, now))
    unread = owner.set_aside(hub, *day_range(day))
    behind = {t for t, c in counters.items() if c.behind(day, now)}
    late = sorted(behind | set(unread))
    if late:
        maybe = f"; mungkin milik outlet yang belum mengirim semua ({', '.join(late)})"
        result.differences = [
            replace(d, detail=d.detail + maybe) if d.kind == "host_booked_not_local" else d
            for d in result.differences
        ]
    for t in late:
        said = ([_last_push(counters[t])] if t in behind else []) + (
            [unreadable(t, unread[t])] if t in unread else []
        )
        result.differences.append(
            Difference("", "outlet_behind", "", "", 0, None, "; ".join(said), t)
        )
    result.differences.sort(key=lambda d: (d.terminal or "~", d.kind == "outlet_behind"))
    return OutletsReconciliation(result, _outlets(result, held.payments, counters, late))


def _outlets(
    result: Reconciliation,
    payments: list[Payment],
    counters: dict[str, CounterStatus],
    late: list[str],
) -> dict[str, Outlet]:
    terminals = sorted(set(counters) | {p.terminal_id for p in payments} | set(late))
    outlets = {t: Outlet(t) for t in terminals}
    for terminal, status in counters.items():
        outlets[terminal].pushed_at, outlets[terminal].backlog = status.pushed_at, status.backlog
    for terminal in late:
        outlets[terminal].behind = True
    for terminal, n in Counter(p.terminal_id for p in payments).items():
        outlets[terminal].payments = n
    for d in result.differences:
        if d.terminal:
            outlets[d.terminal].differences += 1
            if d.cashier_id:
                by = outlets[d.terminal].by_cashier
                by[d.cashier_id] = by.get(d.cashier_id, 0) + 1
    return outlets
