"""The day's and the month's money, as figures: one set of queries for the dashboard, the PDF
reports and the CSV export.

Times are ISO text in WIB, so a day is the half-open text range [D, D+1) and the created_at
index answers it without scanning other days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine

from loket.domain.states import NOT_FINAL, SETTLEMENT_LIMIT, PaymentState, names

S = PaymentState
SLA_HOURS = int(SETTLEMENT_LIMIT.total_seconds() // 3600)


def day_range(day: date) -> tuple[str, str]:
    return day.isoformat(), (day + timedelta(days=1)).isoformat()


def month_range(year: int, month: int) -> tuple[str, str]:
    first = date(year, month, 1)
    after = date(year + (month == 12), month % 12 + 1, 1)
    return first.isoformat(), after.isoformat()


@dataclass
class CashierFigures:
    cashier_id: str
    count: int = 0
    taken: int = 0  # cash kept (totals), any state
    success: int = 0
    success_amount: int = 0


@dataclass
class Figures:
    """One period (a day or a month) of one counter."""

    start: str
    end: str
    count: int = 0
    taken: int = 0  # cash kept for every payment taken (totals)
    refunded: int = 0  # paid back to customers
    success_count: int = 0
    premium: int = 0  # to BPJS, confirmed
    admin_income: int = 0  # the counter's admin fees, confirmed payments
    host_cost: int = 0  # what the host charged (agent_price as it confirmed), confirmed payments
    unpriced: int = 0  # confirmed payments whose host cost was never written: the margin is off
    unsettled_count: int = 0
    unsettled_amount: int = 0
    by_state: dict[str, tuple[int, int]] = field(default_factory=dict)
    by_cashier: list[CashierFigures] = field(default_factory=list)
    hourly: list[int] = field(default_factory=lambda: [0] * 24)

    @property
    def cash_collected(self) -> int:
        return self.taken - self.refunded

    @property
    def margin(self) -> int:
        """What the counter earns: customer totals minus what the host deducts."""
        return self.premium + self.admin_income - self.host_cost

    @property
    def due_to_host(self) -> int:
        """Post-paid settlement (T+1): what the host charged for the confirmed payments."""
        return self.host_cost

    @property
    def success_rate(self) -> float:
        return self.success_count / self.count if self.count else 0.0


def figures(engine: Engine, start: str, end: str) -> Figures:
    f = Figures(start, end)
    where = "created_at >= ? AND created_at < ?"
    with engine.connect() as conn:
        for state, n, total, premium, admin, agent, unpriced in conn.exec_driver_sql(
            f"SELECT state, count(*), sum(total), sum(premium), sum(admin_fee), "
            f"sum(agent_price), sum(agent_price <= 0) FROM payment WHERE {where} "
            f"GROUP BY state",
            (start, end),
        ):
            f.by_state[state] = (n, total or 0)
            f.count += n
            f.taken += total or 0
            if state == S.SUCCESS:
                f.success_count, f.premium, f.admin_income, f.host_cost = n, premium, admin, agent
                f.unpriced = unpriced
            elif state == S.REFUNDED:
                f.refunded += total or 0
            else:
                f.unsettled_count += n
                f.unsettled_amount += total or 0
        cashiers: dict[str, CashierFigures] = {}
        for cashier, state, n, total in conn.exec_driver_sql(
            f"SELECT cashier_id, state, count(*), sum(total) FROM payment WHERE {where} "
            f"GROUP BY cashier_id, state",
            (start, end),
        ):
            c = cashiers.setdefault(cashier, CashierFigures(cashier))
            c.count += n
            c.taken += total or 0
            if state == S.SUCCESS:
                c.success, c.success_amount = n, total or 0
        f.by_cashier = sorted(cashiers.values(), key=lambda c: -c.taken)
        for hour, n in conn.exec_driver_sql(
            f"SELECT substr(created_at, 12, 2), count(*) FROM payment WHERE {where} GROUP BY 1",
            (start, end),
        ):
            f.hourly[int(hour)] = n
    return f


@dataclass(frozen=True)
class ExceptionRow:
    ref_id: str
    created_at: str
    cashier_id: str
    head_name: str
    state: str
    total: int
    host_rc: str
    host_message: str
    attempts: int
    terminal: str = ""  # the outlet, in a report across outlets (the owner's hub)


def exceptions(engine: Engine, start: str = "", end: str = "9999") -> list[ExceptionRow]:
    """Payments not yet resolved, oldest first."""
    listed = names(NOT_FINAL)
    marks = ", ".join("?" for _ in listed)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT ref_id, created_at, cashier_id, head_name, state, total, host_rc, "
            f"host_message, attempts FROM payment WHERE state IN ({marks}) "
            "AND created_at >= ? AND created_at < ? ORDER BY created_at, id",
            (*listed, start, end),
        )
        return [ExceptionRow(*row) for row in rows]
