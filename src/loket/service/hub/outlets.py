"""The owner's view across outlets, read from the hub: the day's figures per outlet and per
cashier (the same ``Figures`` the counter's own dashboard and reports use), and which counter
has not pushed since when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from loket.domain.states import PaymentState
from loket.hub import deposits as hub_deposits
from loket.hub import owner, periods
from loket.hub.owner import CounterStatus, DayRow
from loket.reports.across import AccountBooks
from loket.reports.deposit import DepositMovement, Reading, classified
from loket.reports.figures import CashierFigures, Figures, day_range, month_range

S = PaymentState


def fold(rows: list[DayRow], start: str, end: str) -> Figures:
    """Grouped rows into one ``Figures`` (as reports/figures.py computes it on one counter)."""
    f = Figures(start, end)
    cashiers: dict[str, CashierFigures] = {}
    for r in rows:
        n, total = f.by_state.get(r.state, (0, 0))
        f.by_state[r.state] = (n + r.count, total + r.total)
        f.count += r.count
        f.taken += r.total
        f.hourly[r.hour] += r.count
        if r.state == S.SUCCESS:
            f.success_count += r.count
            f.premium += r.premium
            f.admin_income += r.admin_fee
            f.host_cost += r.agent_price
            f.unpriced += r.unpriced
        elif r.state == S.REFUNDED:
            f.refunded += r.total
        else:
            f.unsettled_count += r.count
            f.unsettled_amount += r.total
        c = cashiers.setdefault(r.cashier_id, CashierFigures(r.cashier_id))
        c.count += r.count
        c.taken += r.total
        if r.state == S.SUCCESS:
            c.success += r.count
            c.success_amount += r.total
    f.by_cashier = sorted(cashiers.values(), key=lambda c: (-c.taken, c.cashier_id))
    return f


@dataclass
class OutletsDay:
    day: str  # YYYY-MM-DD, or YYYY-MM for a month
    all: Figures  # every outlet together
    outlets: dict[str, Figures] = field(default_factory=dict)  # terminal -> its figures
    counters: list[CounterStatus] = field(default_factory=list)
    # per day: the day, its payments, those confirmed, what the host charged for them
    daily: list[tuple[str, int, int, int]] = field(default_factory=list)
    set_aside: dict[str, int] = field(default_factory=dict)  # terminal -> rows the hub set aside


def outlets_day(hub: Engine, day: date) -> OutletsDay:
    """The day across every outlet the hub holds, per outlet and per cashier."""
    return outlets_period(hub, *day_range(day), day.isoformat())


def outlets_month(hub: Engine, year: int, month: int) -> OutletsDay:
    """A month across every outlet (the same figures, over the month's range)."""
    return outlets_period(hub, *month_range(year, month), f"{year:04d}-{month:02d}")


def outlets_period(hub: Engine, start: str, end: str, label: str) -> OutletsDay:
    rows = owner.day_rows(hub, start, end)
    by_terminal: dict[str, list[DayRow]] = {}
    days: dict[str, list[int]] = {}
    for r in rows:
        by_terminal.setdefault(r.terminal, []).append(r)
        d = days.setdefault(r.day, [0, 0, 0])
        d[0] += r.count
        if r.state == S.SUCCESS:
            d[1] += r.count
            d[2] += r.agent_price
    return OutletsDay(
        label,
        fold(rows, start, end),
        {t: fold(rs, start, end) for t, rs in sorted(by_terminal.items())},
        owner.counters(hub),
        [(d, n, ok, cost) for d, (n, ok, cost) in sorted(days.items())],
        owner.set_aside(hub, start, end),
    )


def write_csv(day: OutletsDay, out: str | Path) -> int:
    """The day per outlet and per cashier as CSV (reports/outlets.py)."""
    from loket.reports.outlets import write_outlets_csv

    return write_outlets_csv(day.day, day.outlets, out)


def unreadable(terminal: str, n: int) -> str:
    """An outlet's rows the hub set aside as unreadable (migration h0004), in the owner's words:
    the report, the dashboard and reconcile say it alike."""
    return f"{terminal} mengirim {n} baris yang tidak terbaca hub (disisihkan)"


def silent_for(status: CounterStatus, now: datetime) -> str:
    """'belum pernah' or how long since the hub last heard from a counter, in Indonesian."""
    if status.pushed_at is None:
        return "belum pernah mengirim"
    minutes = int((now - status.pushed_at).total_seconds() // 60)
    if minutes < 1:
        return "baru saja"
    if minutes < 120:
        return f"{minutes} menit lalu"
    hours = minutes // 60
    return f"{hours} jam lalu" if hours < 48 else f"{hours // 24} hari lalu"


def host_accounts(
    hub: Engine, start: str, end: str, outlets: dict[str, Figures] | None = None
) -> list[AccountBooks]:
    """Every host account the outlets pay from, with its deposit's movement over [start, end).

    Counters that share an account are read as one deposit (their balances interleave); a
    counter that has not said which account it pays from (it has not pushed since the hub
    learned to ask) stands alone, under its own name."""
    groups: dict[str, list[periods.Account]] = {}
    for a in periods.accounts(hub):
        groups.setdefault(a.host_account or f"?{a.terminal}", []).append(a)
    found = []
    for name, members in sorted(groups.items()):
        terminals = [a.terminal for a in members]
        ways = {a.settlement for a in members}
        settlement = ways.pop() if len(ways) == 1 else None
        deposit = None if settlement == "postpaid" else _movement(hub, terminals, start, end)
        if settlement is None and deposit is not None and not deposit.known:
            deposit = None  # nothing to say about a deposit nobody has read
        cost = sum(outlets[t].host_cost for t in terminals if t in outlets) if outlets else 0
        found.append(
            AccountBooks("" if name.startswith("?") else name, terminals, settlement, deposit, cost)
        )
    return found


def _movement(hub: Engine, terminals: list[str], start: str, end: str) -> DepositMovement:
    w = hub_deposits.window(hub, terminals, start, end)
    if w.opening is None or w.closing is None:
        return DepositMovement(start, end)
    return classified(start, end, Reading(*w.opening), Reading(*w.closing), w.taken)


def deposits(hub: Engine, start: str, end: str) -> dict[str, DepositMovement]:
    """The deposit per host account over [start, end) (the dashboard's): account ->
    movement; post-paid accounts, and those the hub cannot name, are left out."""
    return {
        a.account: a.deposit
        for a in host_accounts(hub, start, end)
        if a.account and a.deposit is not None
    }
