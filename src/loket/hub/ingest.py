"""A counter's outbox rows as the hub takes them, and those it will not take.

The hub stores only what its readers can read (its rules: migration h0004). What a counter sends
is made to fit first: every text the owner may be shown is cleaned of control characters by the
cleaner the host adapters use (domain/text.py), and each value must have its column's type. A
row that still cannot be stored — its values of the wrong type here, or refused by a rule of the
hub's — is set aside at the hub (``set_aside``: the row as sent, why, when) instead of being sent
again and again: the counter's other rows go on, and the owner's report names the outlet.

A batch goes as one ``executemany`` per table; only when the hub refuses one of its rows is it
split, halves within savepoints, until the refused rows are found (a few round trips, not one
per row, to a hub across the internet).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

from loket.domain.text import clean_json, clean_text
from loket.store.outbox import PAYMENT, SOURCES, OutboxRow

# What the counter sends (its outbox, store/outbox.py), as the hub keeps it: the counter's own
# id becomes ``local_id``, the terminal is the batch's and ``ref_id`` is the key; an event is
# keyed by its payment's ref_id. Derived, so a column added there is carried here too.
PAYMENT_COLUMNS = tuple(c for c in PAYMENT if c not in ("id", "ref_id", "terminal_id"))
EVENT_COLUMNS = (
    "ref_id",
    *(c for c in SOURCES["paymentevent"][2] if c not in ("id", "payment_id")),
)
WHOLE = frozenset(
    {
        "member_count",
        "month_count",
        "months_ahead",
        "arrears_months",
        "premium",
        "admin_fee",
        "total",
        "cash",
        "change",
        "agent_price",
        "print_count",
    }
)
MAYBE_WHOLE = frozenset({"shift_id", "refund_shift_id"})
RAW = frozenset({"periods"})  # JSON of months only: checked by the hub, nothing to clean
SHOWN_RECORDS = frozenset({"deposit", "attempt"})  # records whose text a report may show
# the errors that are about one row's values (SQLSTATE classes 22 and 23): anything else, from a
# refused login to row-level security, is the whole batch's and is not set aside
REFUSALS = (psycopg.DataError, psycopg.IntegrityError)


def _upsert(table: str, key: tuple[str, ...], columns: tuple[str, ...], newer: str = "") -> str:
    names = ", ".join(f'"{c}"' for c in (*key, *columns))
    marks = ", ".join("%s" for _ in (*key, *columns))
    sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns)
    return (
        f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT "
        f"({', '.join(key)}) DO UPDATE SET {sets} WHERE {table}.seq < EXCLUDED.seq{newer}"
    )


# A counter restored from a backup numbers its outbox again from the backup's last seq: a
# payment changed after the restore still wins by its later updated_at.
UPSERT_PAYMENT = _upsert(
    "payment",
    ("terminal", "ref_id"),
    ("seq", "local_id", *PAYMENT_COLUMNS),
    " OR payment.updated_at < EXCLUDED.updated_at",
)
UPSERT_EVENT = _upsert("payment_event", ("terminal", "event_id"), ("seq", *EVENT_COLUMNS))
UPSERT_RECORD = _upsert("record", ("terminal", "kind", "key"), ("seq", "data"))
SET_ASIDE = (
    "INSERT INTO set_aside (terminal, kind, key, seq, claimed_at, data, reason) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (terminal, kind, key) DO UPDATE "
    "SET seq = EXCLUDED.seq, claimed_at = EXCLUDED.claimed_at, data = EXCLUDED.data, "
    "reason = EXCLUDED.reason, set_aside_at = now() WHERE set_aside.seq < EXCLUDED.seq"
)


@dataclass(frozen=True)
class Row:
    """One outbox row as parameters of its upsert."""

    source: OutboxRow
    statement: str
    params: tuple


@dataclass(frozen=True)
class Unusable:
    """One outbox row the hub does not store, and why (Indonesian, one line)."""

    source: OutboxRow
    reason: str


@dataclass
class Batch:
    rows: list[Row] = field(default_factory=list)  # in the outbox's order
    unusable: list[Unusable] = field(default_factory=list)


class WrongType(ValueError):
    pass


def _text(value: object, column: str) -> str:
    if not isinstance(value, str):
        raise WrongType(f"kolom {column} bukan teks")
    return value if column in RAW else clean_text(value)


def _whole(value: object, column: str, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise WrongType(f"kolom {column} bukan bilangan bulat")
    return value


def _members(value: object) -> str:
    """The members' JSON with the names in it cleaned; as it is when it is not JSON (the hub
    refuses it then, and it is set aside)."""
    text = _text(value, "members")
    try:
        members = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past what Python parses
        return text
    cleaned = clean_json(members)
    return text if cleaned == members else json.dumps(cleaned)


def _payment(terminal: str, row: OutboxRow) -> tuple:
    p = row.payload
    values: list = []
    for c in PAYMENT_COLUMNS:
        if c == "offline":
            values.append(bool(_whole(p[c], c)))
        elif c == "members":
            values.append(_members(p[c]))
        elif c in WHOLE or c in MAYBE_WHOLE:
            values.append(_whole(p[c], c, optional=c in MAYBE_WHOLE))
        else:
            values.append(_text(p[c], c))
    return (terminal, clean_text(row.key), row.seq, _whole(p["id"], "id"), *values)


def _event(terminal: str, row: OutboxRow) -> tuple:
    p = row.payload
    # an event queued before its counter knew meanings (0011) has none
    return (terminal, int(row.key), row.seq, *(_text(p.get(c) or "", c) for c in EVENT_COLUMNS))


def _record(terminal: str, row: OutboxRow) -> tuple:
    data = clean_json(row.payload) if row.kind in SHOWN_RECORDS else row.payload
    return (terminal, row.kind, clean_text(row.key), row.seq, json.dumps(data))


WAYS: dict[str, tuple[str, Callable[[str, OutboxRow], tuple]]] = {
    "payment": (UPSERT_PAYMENT, _payment),
    "event": (UPSERT_EVENT, _event),
}


def batch(terminal: str, rows: list[OutboxRow]) -> Batch:
    """The outbox rows as upserts, the newest version of each key only (order kept); a row whose
    values cannot be made the hub's columns is unusable already."""
    newest: dict[tuple[str, str], OutboxRow] = {}
    for row in rows:
        newest[(row.kind, row.key)] = row
    found = Batch()
    for row in sorted(newest.values(), key=lambda r: r.seq):
        statement, params = WAYS.get(row.kind, (UPSERT_RECORD, _record))
        try:
            found.rows.append(Row(row, statement, params(terminal, row)))
        except WrongType as exc:
            found.unusable.append(Unusable(row, str(exc)))
        except (KeyError, TypeError, ValueError) as exc:  # a counter's bug: not its row's shape
            found.unusable.append(
                Unusable(row, f"baris antrean tidak lengkap ({type(exc).__name__}: {exc})")
            )
    return found


def send(cur: psycopg.Cursor, rows: list[Row]) -> None:
    """Each table's rows in one ``executemany`` (pipelined): payments, events, then records."""
    for statement in (UPSERT_PAYMENT, UPSERT_EVENT, UPSERT_RECORD):
        params = [r.params for r in rows if r.statement == statement]
        if params:
            cur.executemany(statement, params)


def why(exc: psycopg.Error) -> str:
    rule = exc.diag.constraint_name
    if rule:
        return f"ditolak aturan hub {rule}"
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"ditolak hub: {clean_text(first, 200)}"


def send_finding(cur: psycopg.Cursor, rows: list[Row], depth: int = 0) -> list[Unusable]:
    """``send``, each half within a savepoint, down to the rows the hub refuses: those rows."""
    if not rows:
        return []
    point = f"loket_part_{depth}"
    cur.execute(f"SAVEPOINT {point}")
    try:
        send(cur, rows)
    except REFUSALS as exc:
        cur.execute(f"ROLLBACK TO SAVEPOINT {point}")
        if len(rows) == 1:
            refused = [Unusable(rows[0].source, why(exc))]
        else:
            half = len(rows) // 2
            refused = send_finding(cur, rows[:half], depth + 1) + send_finding(
                cur, rows[half:], depth + 1
            )
    else:
        refused = []
    cur.execute(f"RELEASE SAVEPOINT {point}")
    return refused


def claimed_at(payload: object) -> str:
    """The row's own time as it says it (a payment's creation, an entry's moment), or ''."""
    for name in ("created_at", "at", "opened_at"):
        if isinstance(payload, dict) and isinstance(payload.get(name), str):
            return clean_text(payload[name], 64)
    return ""


def set_aside(cur: psycopg.Cursor, terminal: str, unusable: list[Unusable]) -> None:
    """The rows the hub will not store, kept there as sent (cleaned), with why."""
    cur.executemany(
        SET_ASIDE,
        [
            (
                terminal,
                clean_text(u.source.kind, 32) or "?",
                clean_text(u.source.key, 1000),
                u.source.seq,
                claimed_at(u.source.payload),
                json.dumps(clean_json(u.source.payload)),
                clean_text(u.reason, 500) or "?",
            )
            for u in unusable
        ],
    )
