"""The host deposit's movement over a period for one host account, from the deposit entries its
counters pushed (``record`` rows of kind ``deposit``: id, at, balance, change, ref_id).

Several counters usually pay from one account: their entries are read as one log, ordered by
(at, terminal, id), so the opening is the last balance any of them read before the period and the
closing the last before its end. What the payments took is each entry's change, grouped by the
state of the payment it belongs to (joined on terminal and ref_id), as ``reports/deposit.py``
does on one counter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from loket.hub.connect import failure

ENTRIES = (
    "WITH d AS (SELECT terminal, (data ->> 'id')::bigint AS id, (data ->> 'at') COLLATE \"C\" AS at,"
    " (data ->> 'balance')::bigint AS balance, (data ->> 'change')::bigint AS change,"
    " coalesce(data ->> 'ref_id', '') AS ref_id FROM record"
    " WHERE kind = 'deposit' AND terminal = ANY(:terminals)) "
)
KEY = "(d.at, d.terminal, d.id)"
AT = "(r.data ->> 'at') COLLATE \"C\""  # as h0002's index record_deposit_at has it


def _each_terminal(where: str, order: str) -> str:
    """One balance per counter, each found by its own walk of the (terminal, at) index (a
    single ORDER BY over every counter's entries would read them all), then the one wanted."""
    return (
        f"SELECT x.at, x.terminal, x.id, x.balance FROM unnest(CAST(:terminals AS text[])) "
        f"AS t(terminal) CROSS JOIN LATERAL (SELECT {AT} AS at, r.terminal, "
        f"(r.data ->> 'id')::bigint AS id, (r.data ->> 'balance')::bigint AS balance "
        f"FROM record r WHERE r.kind = 'deposit' AND r.terminal = t.terminal "
        f"AND r.data ->> 'balance' IS NOT NULL AND {where} "
        f"ORDER BY {AT} {order}, (r.data ->> 'id')::bigint {order} LIMIT 1) x "
        f"ORDER BY x.at {order}, x.terminal {order}, x.id {order} LIMIT 1"
    )


LAST_BEFORE = text(_each_terminal(f"{AT} < :before", "DESC"))
FIRST_IN = text(_each_terminal(f"{AT} >= :start AND {AT} < :end", "ASC"))
MOVED_BEFORE = text(
    ENTRIES + "SELECT coalesce(sum(d.change), 0)::bigint FROM d "
    f"WHERE d.at >= :start AND {KEY} <= (:at, :terminal, :id)"
)
TAKEN = text(
    ENTRIES + "SELECT p.state, count(DISTINCT d.terminal || ' ' || d.ref_id)::int, "
    "(-sum(d.change))::bigint FROM d LEFT JOIN payment p ON p.terminal = d.terminal "
    f"AND p.ref_id = d.ref_id WHERE {KEY} > (:lo_at, :lo_terminal, :lo_id) "
    f"AND {KEY} <= (:hi_at, :hi_terminal, :hi_id) AND d.change != 0 "
    # implied by the two above; an index on the entries' time can use these
    "AND d.at >= :lo_at AND d.at <= :hi_at GROUP BY p.state"
)


@dataclass(frozen=True)
class Window:
    opening: tuple[int, str] | None  # balance, when it was read
    closing: tuple[int, str] | None
    taken: list[tuple[str | None, int, int]] = field(default_factory=list)  # state, n, amount


def _window(conn: Connection, terminals: list[str], start: str, end: str) -> Window:
    close = conn.execute(LAST_BEFORE, {"terminals": terminals, "before": end}).first()
    if close is None:
        return Window(None, None)
    before = conn.execute(LAST_BEFORE, {"terminals": terminals, "before": start}).first()
    if before is not None:
        lo, opening = (before.at, before.terminal, before.id), before.balance
        at = before.at
    else:  # nothing read before the period: its first balance, less what came before it
        first = conn.execute(FIRST_IN, {"terminals": terminals, "start": start, "end": end}).first()
        assert first is not None  # the closing balance itself lies in [start, end)
        moved = conn.execute(
            MOVED_BEFORE,
            {
                "terminals": terminals,
                "start": start,
                "at": first.at,
                "terminal": first.terminal,
                "id": first.id,
            },
        ).scalar_one()
        opening, at = first.balance - moved, first.at
        lo = (start, "", -1)  # every entry of the period: (at >= start) sorts after this key
    taken = conn.execute(
        TAKEN,
        {
            "terminals": terminals,
            "lo_at": lo[0],
            "lo_terminal": lo[1],
            "lo_id": lo[2],
            "hi_at": close.at,
            "hi_terminal": close.terminal,
            "hi_id": close.id,
        },
    ).all()
    return Window((opening, at), (close.balance, close.at), [tuple(r) for r in taken])


def window(engine: Engine, terminals: list[str], start: str, end: str) -> Window:
    """One account's deposit over [start, end), from the entries of ``terminals``."""
    try:
        with engine.connect() as conn:
            return _window(conn, sorted(terminals), start, end)
    except SQLAlchemyError as exc:
        raise failure(exc) from None
