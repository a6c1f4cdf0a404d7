"""The deposit's movement over a day or a month, from what loket learned of it (``deposit``).

Between two balances the host reported, the deposit moved by what payments took (or got back)
and by what loket cannot see: top-ups, and anything else charged to the same deposit. So
``other`` is inferred: closing - opening + what the payments took.

The opening is the last balance known before the period (a reading at the end of the day before,
days before if loket was closed); without one, the first balance of the period, less whatever
the period's payments took before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from loket.domain.states import CLOSED_UNPAID, PaymentState

LAST_BEFORE = (
    "SELECT id, at, balance FROM deposit WHERE balance IS NOT NULL AND at < ? "
    "ORDER BY at DESC, id DESC LIMIT 1"
)


@dataclass(frozen=True)
class Reading:
    balance: int
    at: str  # when loket learned it


@dataclass(frozen=True)
class DepositMovement:
    start: str
    end: str
    opening: Reading | None = None
    closing: Reading | None = None
    used: int = 0  # what the host took for payments it has confirmed (LUNAS)
    used_count: int = 0
    held: int = 0  # taken for payments the host has not finished (pending)
    held_count: int = 0
    failed: int = 0  # taken for payments that then failed, net of what came back (normally 0)
    failed_count: int = 0

    @property
    def known(self) -> bool:
        return self.opening is not None and self.closing is not None

    @property
    def other(self) -> int:
        """Top-ups and everything else loket did not take: inferred from the two balances."""
        if self.opening is None or self.closing is None:
            return 0
        return self.closing.balance - self.opening.balance + self.used + self.held + self.failed


def _window(
    conn: Connection, start: str, end: str
) -> tuple[int, int, Reading | None, Reading | None]:
    """The entries the period's movement is made of, ``(lo, hi]`` by id, and its two balances."""
    close = conn.exec_driver_sql(LAST_BEFORE, (end,)).first()
    if close is None:
        return 0, 0, None, None
    closing = Reading(close.balance, close.at)
    before = conn.exec_driver_sql(LAST_BEFORE, (start,)).first()
    if before is not None:
        return before.id, close.id, Reading(before.balance, before.at), closing
    # nothing known before the period: start from its first balance, less what came before it
    first = conn.exec_driver_sql(
        "SELECT id, at, balance FROM deposit WHERE balance IS NOT NULL AND at >= ? AND at < ? "
        "ORDER BY at, id LIMIT 1",
        (start, end),
    ).first()
    assert first is not None  # the closing balance itself lies in [start, end)
    lo = (
        conn.exec_driver_sql("SELECT min(id) FROM deposit WHERE at >= ?", (start,)).scalar_one() - 1
    )
    moved = conn.exec_driver_sql(
        "SELECT coalesce(sum(change), 0) FROM deposit WHERE id > ? AND id <= ?", (lo, first.id)
    ).scalar()
    return lo, close.id, Reading(first.balance - moved, first.at), closing


def movement(engine: Engine, start: str, end: str) -> DepositMovement:
    with engine.connect() as conn:
        lo, hi, opening, closing = _window(conn, start, end)
        if opening is None:
            return DepositMovement(start, end)
        taken = conn.exec_driver_sql(
            "SELECT p.state, count(DISTINCT d.ref_id), -sum(d.change) FROM deposit d "
            "LEFT JOIN payment p ON p.ref_id = d.ref_id "
            "WHERE d.id > ? AND d.id <= ? AND d.change != 0 GROUP BY p.state",
            (lo, hi),
        ).all()
    return classified(start, end, opening, closing, taken)


def classified(
    start: str, end: str, opening: Reading | None, closing: Reading | None, taken: Iterable
) -> DepositMovement:
    """The movement from what payments took, as (state of the payment, payments, amount) groups:
    the counter's own log and the hub's (per host account, hub/deposits.py) alike."""
    groups = {"used": [0, 0], "held": [0, 0], "failed": [0, 0]}
    for state, n, amount in taken:
        if state == PaymentState.SUCCESS:
            group = groups["used"]
        elif state in CLOSED_UNPAID:
            group = groups["failed"]
        else:  # pending or unknown at the host (or a payment this database does not hold)
            group = groups["held"]
        group[0] += amount
        group[1] += n
    return DepositMovement(
        start, end, opening, closing, *groups["used"], *groups["held"], *groups["failed"]
    )


def over(start: str, end: str, days: list[DepositMovement]) -> DepositMovement:
    """A longer period from its days (in order): their windows follow one another, so the
    period opens where its first day opened, closes where its last closed, and what payments
    took adds up."""
    known = [d for d in days if d.known]
    if not known:
        return DepositMovement(start, end)
    first, last = known[0], known[-1]
    return DepositMovement(
        start,
        end,
        first.opening,
        last.closing,
        sum(d.used for d in known),
        sum(d.used_count for d in known),
        sum(d.held for d in known),
        sum(d.held_count for d in known),
        sum(d.failed for d in known),
        sum(d.failed_count for d in known),
    )
