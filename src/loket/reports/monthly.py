"""What the agent reports monthly (seed 000: PPOB partner obligations): volume, success rate,
failures by kind and how fast they were resolved against the 2x24 hour limit."""

from __future__ import annotations

import calendar
import statistics
from dataclasses import dataclass, field

from sqlalchemy import Engine

from loket.clock import parse_iso
from loket.domain import times
from loket.domain.states import FAILURE_KINDS, FINAL, TROUBLED, PaymentState, names
from loket.reports.figures import SLA_HOURS, Figures, figures

S = PaymentState


def _listed(states) -> str:
    """A state group as an SQL list: the values are the enum's own names, never user input."""
    return "(" + ", ".join(f"'{name}'" for name in names(states)) + ")"


@dataclass
class MonthFigures:
    month: str
    totals: Figures
    # per day: the day, its payments, those confirmed, what the host charged for them
    daily: list[tuple[str, int, int, int]] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    resolved_within: int = 0
    resolved_late: int = 0
    open_within: int = 0
    open_late: int = 0
    resolution_hours: list[float] = field(default_factory=list)
    median_h: float | None = None  # when only the median is known (the hub computes it)

    def every_day(self) -> list[tuple[str, int]]:
        """Each day of the month (``01`` … ``30``) and its payments, none where there were none:
        a chart of them has a day-wide bar whatever the days with payments."""
        year, month = (int(x) for x in self.month.split("-"))
        counted = {d[0][8:]: d[1] for d in self.daily}
        days = calendar.monthrange(year, month)[1]
        return [(f"{day:02d}", counted.get(f"{day:02d}", 0)) for day in range(1, days + 1)]

    @property
    def median_resolution_h(self) -> float | None:
        if self.resolution_hours:
            return statistics.median(self.resolution_hours)
        return self.median_h


def month_figures(engine: Engine, start: str, end: str, now_iso: str) -> MonthFigures:
    m = MonthFigures(times.month(start), figures(engine, start, end))
    between = "p.created_at >= ? AND p.created_at < ?"
    with engine.connect() as conn:
        m.daily = [
            tuple(r)
            for r in conn.exec_driver_sql(
                f"SELECT substr(created_at, 1, 10), count(*), sum(state = '{S.SUCCESS}'), "
                f"coalesce(sum(CASE WHEN state = '{S.SUCCESS}' THEN agent_price END), 0) "
                "FROM payment p "
                f"WHERE {between} GROUP BY 1 ORDER BY 1",
                (start, end),
            )
        ]
        for name, kind in FAILURE_KINDS.items():
            m.failures[name] = conn.exec_driver_sql(
                "SELECT count(DISTINCT e.payment_id) FROM paymentevent e JOIN payment p "
                f"ON p.id = e.payment_id WHERE {between} AND {kind.condition()}",
                (start, end),
            ).scalar_one()
        rows = conn.exec_driver_sql(
            f"SELECT p.created_at, max(CASE WHEN e.to_state IN {_listed(FINAL)} "
            "THEN e.at END) FROM payment p JOIN paymentevent e ON e.payment_id = p.id "
            f"WHERE {between} AND p.id IN (SELECT payment_id FROM paymentevent "
            f"WHERE to_state IN {_listed(TROUBLED)}) GROUP BY p.id",
            (start, end),
        )
        now = parse_iso(now_iso)
        for created, resolved in rows:
            begun = parse_iso(created)
            hours = ((parse_iso(resolved) if resolved else now) - begun).total_seconds() / 3600
            late = hours > SLA_HOURS
            if resolved:
                m.resolution_hours.append(hours)
                m.resolved_late += late
                m.resolved_within += not late
            else:
                m.open_late += late
                m.open_within += not late
    return m
