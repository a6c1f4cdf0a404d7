"""A period across outlets as PostgreSQL computes it: the month's failures by kind and
resolution times (from ``payment`` and ``payment_event``, joined on (terminal, ref_id)), the
payments not final, every payment of the period streamed, and who each counter pays.

Plain values only: the service folds them into the report shapes (``reports/``). The state
lists are the domain's own names, never typed input.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from loket.domain import times
from loket.domain.outcomes import Meaning
from loket.domain.states import FAILURE_KINDS, FINAL, NOT_FINAL, TROUBLED, PaymentState, names
from loket.domain.text import clean_cells
from loket.hub.connect import failure

S = PaymentState
STREAM_ROWS = 2000  # rows per fetch of the server-side cursor: a month never sits in memory
IN_RANGE = "p.created_at >= :start AND p.created_at < :end"


def _listed(states) -> str:
    return "(" + ", ".join(f"'{name}'" for name in names(states)) + ")"


@dataclass(frozen=True)
class Resolution:
    resolved_within: int
    resolved_late: int
    open_within: int
    open_late: int
    median_h: float | None


@dataclass(frozen=True)
class Account:
    terminal: str
    host_account: str | None  # None: the counter has not pushed since the hub learned it
    settlement: str | None  # deposit | postpaid | None (as above)
    pushed_at: datetime | None
    backlog: int


KINDS = {name: kind.condition() for name, kind in FAILURE_KINDS.items()}
# The troubled events, as h0002's partial index ``payment_event_trouble`` names them: a month's
# failures and resolution times start from these (a few per cent of the events), never from a
# scan of the month's payments. ``:early`` is a day before the period: a payment's events are
# never older than the payment, but a counter's clock may have been set back a little.
TROUBLE = (
    f"(e.to_state IN {_listed(TROUBLED | {S.REFUNDED})} OR "
    f"e.meaning = '{Meaning.BILL_CHANGED}') "
    "AND e.at >= :early"
)
TROUBLED_IN_RANGE = (
    "FROM payment_event e JOIN payment p ON p.terminal = e.terminal AND p.ref_id = e.ref_id "
    f"WHERE {TROUBLE} AND {IN_RANGE}"
)
FAILURES = text(
    "SELECT "
    + ", ".join(
        f"count(DISTINCT e.terminal || ' ' || e.ref_id) FILTER (WHERE {c})" for c in KINDS.values()
    )
    + f" {TROUBLED_IN_RANGE} AND ("
    + " OR ".join(KINDS.values())
    + ")"
)
RESOLUTION = text(
    "WITH troubled AS ("
    " SELECT DISTINCT p.terminal, p.ref_id, p.created_at::timestamptz AS created"
    f" {TROUBLED_IN_RANGE} AND e.to_state IN {_listed(TROUBLED)}),"
    " hours AS (SELECT r.resolved IS NOT NULL AS done, extract(epoch FROM"
    " coalesce(r.resolved, CAST(:now AS timestamptz)) - t.created)::float8 / 3600 AS h"
    " FROM troubled t CROSS JOIN LATERAL (SELECT max(f.at)::timestamptz AS resolved"
    " FROM payment_event f WHERE f.terminal = t.terminal AND f.ref_id = t.ref_id"
    f" AND f.to_state IN {_listed(FINAL)}) r)"
    " SELECT count(*) FILTER (WHERE done AND h <= :sla), count(*) FILTER (WHERE done AND h > :sla),"
    " count(*) FILTER (WHERE NOT done AND h <= :sla), count(*) FILTER (WHERE NOT done AND h > :sla),"
    " percentile_cont(0.5) WITHIN GROUP (ORDER BY h) FILTER (WHERE done) FROM hours"
)
EXCEPTIONS = text(
    "SELECT ref_id, created_at, cashier_id, head_name, state, total, host_rc, host_message, "
    "0, terminal FROM payment p WHERE "
    + IN_RANGE
    + f" AND state IN {_listed(NOT_FINAL)} ORDER BY created_at, terminal, ref_id"
)


def _early(start: str) -> str:
    return (times.date_of(start) - timedelta(days=1)).isoformat()


def _read(engine: Engine, query, params: dict) -> list:
    try:
        with engine.connect() as conn:
            # these run once per report: compiling them (JIT) costs more than it saves
            conn.exec_driver_sql("SET LOCAL jit = off")
            return list(conn.execute(query, params).all())
    except SQLAlchemyError as exc:
        raise failure(exc) from None


def failures(engine: Engine, start: str, end: str) -> dict[str, int]:
    """Payments of the period that met each kind of trouble (a payment counts once per kind)."""
    row = _read(engine, FAILURES, {"start": start, "end": end, "early": _early(start)})[0]
    return dict(zip(KINDS, (int(n) for n in row), strict=True))


def resolution(engine: Engine, start: str, end: str, now_iso: str, sla_h: int) -> Resolution:
    """The period's troubled payments against the limit: resolved (a final state) or still
    open at ``now``, within or past ``sla_h`` hours of being taken; the median of the resolved."""
    row = _read(
        engine,
        RESOLUTION,
        {"start": start, "end": end, "now": now_iso, "sla": sla_h, "early": _early(start)},
    )[0]
    within, late, open_within, open_late = (int(n) for n in row[:4])
    return Resolution(
        within, late, open_within, open_late, None if row[4] is None else float(row[4])
    )


def exceptions(engine: Engine, start: str, end: str) -> list[tuple]:
    """Payments not final, oldest first, as reports/figures.py's ExceptionRow plus the outlet."""
    return [clean_cells(r) for r in _read(engine, EXCEPTIONS, {"start": start, "end": end})]


def payments(engine: Engine, start: str, end: str, columns: Sequence[str]) -> Iterator[tuple]:
    """Every payment of the period, oldest first: the outlet, then ``columns`` (the payment
    table's), then its state. A server-side cursor: a month of a busy hub streams through."""
    names_ = ", ".join(f'"{c}"' for c in ("terminal", *columns, "state"))
    query = text(
        f"SELECT {names_} FROM payment p WHERE {IN_RANGE} ORDER BY created_at, terminal, ref_id"
    )
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=STREAM_ROWS).execute(
                query, {"start": start, "end": end}
            )
            yield from map(clean_cells, result)  # every text cleaned before anyone reads it
    except SQLAlchemyError as exc:
        raise failure(exc) from None


def accounts(engine: Engine) -> list[Account]:
    """Every registered outlet: which host account it pays from, how, and when it last pushed."""
    return [
        Account(*clean_cells(r))
        for r in _read(
            engine,
            text(
                "SELECT terminal, host_account, settlement, pushed_at, backlog FROM counter "
                "ORDER BY terminal"
            ),
            {},
        )
    ]
