"""The attacks of tests/hub/test_hub_hostile.py, and how a counter's role makes them: written
straight into the hub, as a stolen role would, or pushed from its outbox, as a buggy counter
would."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from dataclasses import dataclass, field

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from loket.hub.pusher import Pusher
from loket.reports.figures import Figures
from loket.store import outbox
from loket.store.db import write
from loket.store.opening import open_database
from loket.store.outbox import OutboxRow

UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Attack:
    name: str
    kind: str  # payment | event | deposit | attempt | counter | set_aside
    changes: dict
    cleanable: bool = False  # only control characters: the pusher stores it cleaned
    copies: int = 1  # rows written (two huge totals overflow a sum that one does not)
    month: bool = False  # only the month's report reads it


ATTACKS = [
    Attack("created_at malformed", "payment", {"created_at": "2026-11-21T1x:00:00+07:00"}),
    Attack("created_at not a day", "payment", {"created_at": "2026-11-21 kemarin"}),
    Attack("periods not JSON", "payment", {"periods": "2026-11"}),
    Attack("periods not months", "payment", {"periods": '["November"]'}),
    Attack("members not a list", "payment", {"members": '{"card_no": 1}'}),
    Attack("paid_at garbage", "payment", {"paid_at": "kemarin sore"}),
    Attack("updated_at garbage", "payment", {"updated_at": "??"}),
    Attack("state unknown", "payment", {"state": "LUNAS_PALSU"}),
    Attack("money negative", "payment", {"total": -5_000_000}),
    Attack("money too large to add up", "payment", {"total": 9_223_372_036_854_775_807}, copies=2),
    Attack(
        "cashier id with ANSI escapes",
        "payment",
        {"cashier_id": "\x1b[2J\x1b[31mkasir\x07"},
        cleanable=True,
    ),
    Attack(
        "other text with control characters",
        "payment",
        {
            "head_name": "BUDI\u202eNASUS",
            "host_message": "\x1b]0;diretas\x07",
            "branch": "\x9b2J",
            "customer_no": "0001\x1b[8m000",
            "host_sn": "SN\x00\x7f1",
            "host_rc": "0\x080",
        },
        cleanable=True,
    ),
    Attack("ref_id with control characters", "payment", {"ref_id": "PAY-\x1b[2JX"}, cleanable=True),
    Attack(
        "event time garbage",
        "event",
        {"at": "2026-11-21Tnanti", "to_state": "FAILED", "from_state": "SENDING"},
        month=True,
    ),
    Attack("event state unknown", "event", {"to_state": "HILANG"}, month=True),
    Attack(
        "event text with control characters",
        "event",
        {"message": "\x1b[2Jhost\x07", "actor": "kasir\x1b[0m"},
        cleanable=True,
    ),
    Attack("deposit balance not a number", "deposit", {"balance": "banyak"}),
    Attack("deposit time garbage", "deposit", {"at": "2026-11-21 pagi"}),
    Attack("attempt state unknown", "attempt", {"state": "MUNGKIN"}),
    Attack("attempt time garbage", "attempt", {"last_call_at": "tadi"}),
    Attack(
        "attempt text with control characters",
        "attempt",
        {"message": "\x1b[2Jditolak", "host_ref": "R\x1b1"},
        cleanable=True,
    ),
    Attack("settlement unknown", "counter", {"settlement": "gratis"}),
    Attack(
        "host account with ANSI escapes",
        "counter",
        {"host_account": "\x1b[2J\x1b]0;x\x07native:AGT"},
    ),
    Attack(
        "a set-aside row of garbage",
        "set_aside",
        {
            "kind": "payment",
            "key": "\x1b]0;x\x07",
            "claimed_at": "2026-11-21T10:00:00+07:00",
            "reason": "\x1b[2J\x1b[31m",
        },
    ),
]
TABLES = {
    "payment": "payment",
    "event": "payment_event",
    "deposit": "record",
    "attempt": "record",
    "counter": "counter",
    "set_aside": "set_aside",
}


@dataclass
class Template:
    own: Figures  # JUJUR's day on its own counter
    password: str  # NAKAL's role's
    sent: dict[str, OutboxRow] = field(default_factory=dict)  # NAKAL's outbox rows, by kind


@dataclass
class Day:
    url: str
    root: Engine
    nakal: Engine  # the hub through NAKAL's own role
    template: Template


# -- written straight in, through NAKAL's role -----------------------------------------------
def _one(conn, table: str, kind: str) -> dict:
    where = f" AND kind = '{kind}'" if table == "record" else ""
    row = conn.execute(text(f"SELECT * FROM {table} WHERE terminal = 'NAKAL'{where} LIMIT 1"))
    return dict(row.mappings().one())


def _insert(conn, table: str, row: dict) -> None:
    names = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join(f":{c}" for c in row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), row)


def write_straight_in(d: Day, attack: Attack) -> list[dict]:
    """The attack as a stolen role makes it; the rows it tried to write."""
    table = TABLES[attack.kind]
    if attack.kind == "counter":
        with d.nakal.begin() as conn:
            sets = ", ".join(f"{c} = :{c}" for c in attack.changes)
            conn.execute(
                text(f"UPDATE counter SET {sets} WHERE terminal = 'NAKAL'"), attack.changes
            )
        return [attack.changes]
    if attack.kind == "set_aside":
        row = {"terminal": "NAKAL", "seq": 1, "data": "{}", **attack.changes}
        with d.nakal.begin() as conn:
            _insert(conn, table, row)
        return [row]
    with d.root.connect() as conn:
        model = _one(conn, table, attack.kind)
    written = []
    with d.nakal.begin() as conn:
        for n in range(attack.copies):
            row = dict(model)
            if attack.kind == "payment":
                row |= {"ref_id": f"PAY-STOLEN{n}", "local_id": 900 + n} | attack.changes
            elif attack.kind == "event":
                row |= {"event_id": 900_000 + n} | attack.changes
            else:
                row |= {
                    "key": str(900_000 + n),
                    "data": json.dumps(row["data"] | {"id": 900_000 + n} | attack.changes),
                }
            _insert(conn, table, row)
            written.append(row)
    return written


def refused(exc: DBAPIError) -> bool:
    """Refused by a rule of the hub's (a CHECK constraint), or not even sendable (a NUL)."""
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23514" or (
        isinstance(orig, psycopg.DataError) and "NUL" in str(orig)
    )


def stored_cleaned(d: Day, attack: Attack) -> None:
    """What was stored in place of the attack's values: each cleaned, none as written."""
    table = TABLES[attack.kind]
    with d.root.connect() as conn:
        rows = conn.execute(text(f"SELECT * FROM {table} WHERE terminal = 'NAKAL'")).mappings()
        stored = [json.dumps(dict(r), default=str, ensure_ascii=False) for r in rows]
    for value in attack.changes.values():
        assert not any(
            isinstance(value, str) and json.dumps(value, ensure_ascii=False)[1:-1] in s
            for s in stored
        ), value
    assert not any(UNPRINTABLE.search(s) for s in stored)


# -- pushed from NAKAL's outbox ----------------------------------------------------------------
@contextlib.contextmanager
def hub_log():
    """The pusher's log records (loket's logger may not propagate to pytest's)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("loket.hub")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def _outbox_row(model: OutboxRow, key_no: int, changes: dict) -> tuple[str, str, dict]:
    payload = dict(model.payload)
    if model.kind == "payment":
        key = changes.get("ref_id", f"PAY-PUSHED{key_no}")
        payload |= {"id": 800 + key_no, "ref_id": key}
    else:
        key = str(800_000 + key_no)
        payload |= {"id": 800_000 + key_no}
    payload |= {k: v for k, v in changes.items() if k != "ref_id"}
    return model.kind, key, payload


def push_from_outbox(d: Day, attack: Attack, tmp_path) -> tuple[list, list, int]:
    """A good row, the attack's, a good row again, pushed by NAKAL's pusher as it would: the
    keys of the good and of the attack's rows, and how many rows a second push sent."""
    local = open_database(tmp_path / "NAKAL.db")
    try:
        outbox.forget(local, "2026-11-21T10:00:00+07:00")
        model = d.template.sent[attack.kind]
        queued = [
            _outbox_row(model, 1, {}),
            *(_outbox_row(model, 2 + n, attack.changes) for n in range(attack.copies)),
            _outbox_row(model, 9, {}),
        ]
        with write(local) as conn:
            for kind, key, payload in queued:
                conn.exec_driver_sql(
                    "INSERT INTO hub_outbox (kind, key, payload) VALUES (?, ?, ?)",
                    (kind, key, json.dumps(payload)),
                )
        pusher = Pusher(local, d.nakal, "NAKAL")
        assert pusher.push() == len(queued)  # one go: nothing stops at the bad row
        assert outbox.backlog(local).count == 0
        again = pusher.push()
    finally:
        local.dispose()
    keys = [key for _kind, key, _payload in queued]
    return [keys[0], keys[-1]], keys[1:-1], again


def held(d: Day, kind: str, key: str) -> bool:
    table = TABLES[kind]
    column = {"payment": "ref_id", "event": "event_id::text"}.get(kind, "key")
    with d.root.connect() as conn:
        return (
            conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE terminal = 'NAKAL' AND {column} = :k"),
                {"k": key},
            ).scalar()
            == 1
        )


def set_aside_rows(d: Day) -> dict[str, str]:
    with d.root.connect() as conn:
        return dict(
            conn.execute(text("SELECT key, reason FROM set_aside WHERE terminal = 'NAKAL'")).all()
        )
