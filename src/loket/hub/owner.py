"""What the owner reads from the hub: a day across outlets, and who has not pushed since when.

Plain rows: the service folds them into the same ``Figures`` the counter's own dashboard uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from loket.clock import WIB
from loket.domain.text import clean_cells, clean_text
from loket.hub.connect import HubError, failure


@dataclass(frozen=True)
class DayRow:
    """One (outlet, cashier, state, day, hour) group of a period's payments."""

    terminal: str
    cashier_id: str
    state: str
    hour: int
    count: int
    total: int
    premium: int
    admin_fee: int
    agent_price: int
    unpriced: int  # confirmed payments whose host cost was never written
    day: str = ""  # YYYY-MM-DD: a month's daily volume comes from the same rows


# A counter with nothing to send still reports in once a minute (``Pusher``); silent longer
# than this, the hub may lack what it has recorded since.
SILENT_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class CounterStatus:
    terminal: str
    pushed_at: datetime | None  # when the hub last heard from it (None: never)
    pushed_seq: int
    backlog: int  # rows it still had waiting then

    def behind(self, day: date, now: datetime) -> bool:
        """Whether the hub may lack some of this counter's rows of ``day``: it never pushed, it
        had a queue when it last pushed, or it was last heard from before the day was over (for
        today: more than ``SILENT_AFTER`` ago)."""
        if self.pushed_at is None or self.backlog > 0:
            return True
        day_end = datetime.combine(day + timedelta(days=1), datetime.min.time(), WIB)
        return self.pushed_at < min(day_end, now - SILENT_AFTER)


DAY = text(
    # sum(bigint) is numeric in PostgreSQL: cast back, money is integer rupiah
    "SELECT terminal, cashier_id, state, substr(created_at, 12, 2)::int, count(*), "
    "sum(total)::bigint, sum(premium)::bigint, sum(admin_fee)::bigint, "
    "sum(agent_price)::bigint, "
    "count(*) FILTER (WHERE agent_price <= 0), substr(created_at, 1, 10) FROM payment "
    "WHERE created_at >= :start AND created_at < :end GROUP BY 1, 2, 3, 4, 11"
)


def day_rows(engine: Engine, start: str, end: str) -> list[DayRow]:
    """Every outlet's payments created in [start, end) (ISO text in WIB), grouped."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET LOCAL jit = off")  # compiling costs more than it saves
            return [
                DayRow(*clean_cells(row)) for row in conn.execute(DAY, {"start": start, "end": end})
            ]
    except SQLAlchemyError as exc:
        raise failure(exc) from None


# a superuser is a member of every role: only a real counter role sees one outlet
A_COUNTERS_ROLE = text(
    "SELECT current_user, pg_has_role(oid, 'loket_counter', 'MEMBER') "
    "AND NOT rolsuper FROM pg_roles WHERE rolname = current_user"
)


def counters(engine: Engine) -> list[CounterStatus]:
    """Every registered outlet, the longest silent first. Refused to a counter's role: row-level
    security shows it its own outlet only, and a view of "every outlet" would be a lie."""
    try:
        with engine.connect() as conn:
            user, one_outlet = conn.execute(A_COUNTERS_ROLE).one()
            if one_outlet:
                raise HubError(
                    f"Peran {user} adalah peran kasir dan hanya melihat outletnya "
                    "sendiri: untuk semua outlet pakai peran pemilik (loket hub "
                    "add-owner)"
                )
            rows = conn.execute(
                text(
                    "SELECT terminal, pushed_at, pushed_seq, backlog FROM counter "
                    "ORDER BY pushed_at NULLS FIRST, terminal"
                )
            ).all()
    except SQLAlchemyError as exc:
        raise failure(exc) from None
    return [CounterStatus(*row) for row in rows]


def ledger(engine: Engine, terminal: str, start: str, end: str) -> dict[str, tuple[str, int]]:
    """One outlet's payments of a period as the hub holds them: ref_id -> (state, total)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT ref_id, state, total FROM payment WHERE terminal = :t "
                    "AND created_at >= :start AND created_at < :end"
                ),
                {"t": terminal, "start": start, "end": end},
            ).all()
    except SQLAlchemyError as exc:
        raise failure(exc) from None
    return {ref: (state, total) for ref, state, total in rows}


# Rows set aside (migration h0004) that belong to a period: by the time the row gives itself
# when the hub can read it (or at least its day), else by when it was set aside; and only while
# no newer version of the row has been stored since (the counter sent it again, fixed).
SET_ASIDE = text(
    "WITH s AS (SELECT terminal, kind, key, seq, CASE WHEN loket_wib(claimed_at) THEN claimed_at "
    "WHEN loket_wib(left(claimed_at, 10) || 'T00:00:00+07:00') THEN left(claimed_at, 10) "
    "ELSE to_char(set_aside_at AT TIME ZONE 'UTC' + interval '7 hours', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS') || '+07:00' END COLLATE \"C\" AS at FROM set_aside) "
    "SELECT s.terminal, count(*)::int FROM s WHERE s.at >= :start AND s.at < :end "
    "AND NOT EXISTS (SELECT 1 FROM payment p WHERE s.kind = 'payment' "
    "AND p.terminal = s.terminal AND p.ref_id = s.key AND p.seq > s.seq) "
    "AND NOT EXISTS (SELECT 1 FROM payment_event e WHERE s.kind = 'event' "
    "AND e.terminal = s.terminal AND e.seq > s.seq "
    "AND e.event_id = CASE WHEN s.key ~ '^[0-9]{1,18}$' THEN s.key::bigint END) "
    "AND NOT EXISTS (SELECT 1 FROM record r WHERE r.terminal = s.terminal AND r.kind = s.kind "
    "AND r.key = s.key AND r.seq > s.seq) GROUP BY 1 ORDER BY 1"
)


def set_aside(engine: Engine, start: str, end: str) -> dict[str, int]:
    """Per outlet, how many of its rows of [start, end) the hub could not use (set aside)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(SET_ASIDE, {"start": start, "end": end}).all()
    except SQLAlchemyError as exc:
        raise failure(exc) from None
    return {clean_text(terminal): n for terminal, n in rows}
