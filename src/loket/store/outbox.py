"""The hub outbox: what this counter recorded, waiting to be copied to the owner's hub.

Rows are written by triggers (migration 0007) in the same transaction as what they copy. The
pusher reads a batch after the high-water mark, sends it, and only after the hub has committed
moves the mark (``mark_pushed``) and forgets what is at or below it. A crash in between sends the
batch again: the hub's upserts make that harmless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from loket.store.db import write
from loket.store.payment_rows import SHAPE


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    kind: str  # payment | event | shift | deposit | audit | cashier | attempt
    key: str  # ref_id for a payment, the local id otherwise
    payload: dict[str, Any]


@dataclass(frozen=True)
class Backlog:
    """What the hub has not got yet: how many rows, since when the oldest waits."""

    count: int
    pushed_seq: int
    pushed_at: str  # when the hub last committed a batch from here ('' = never)


def pending(engine: Engine, limit: int = 500) -> list[OutboxRow]:
    """The oldest ``limit`` rows the hub has not committed, in the order they were written."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT seq, kind, key, payload FROM hub_outbox "
            "WHERE seq > (SELECT pushed_seq FROM hub_mark WHERE id = 1) ORDER BY seq LIMIT ?",
            (limit,),
        ).all()
    return [OutboxRow(seq, kind, key, json.loads(payload)) for seq, kind, key, payload in rows]


def mark_pushed(engine: Engine, seq: int, at: str) -> None:
    """The hub has committed everything up to ``seq``: move the mark (never back) and drop
    what it covers, in one short write transaction."""
    with write(engine) as conn:
        conn.exec_driver_sql(
            "UPDATE hub_mark SET pushed_seq = max(pushed_seq, ?), pushed_at = ? WHERE id = 1",
            (seq, at),
        )
        conn.exec_driver_sql(
            "DELETE FROM hub_outbox WHERE seq <= (SELECT pushed_seq FROM hub_mark WHERE id = 1)"
        )


def forget(engine: Engine, at: str) -> int:
    """A counter without a hub: what the triggers queued is let go (``loket hub resend`` queues
    it all again if a hub comes later). How many rows went."""
    with write(engine) as conn:
        conn.exec_driver_sql(
            "UPDATE hub_mark SET pushed_seq = max(pushed_seq, "
            "(SELECT coalesce(max(seq), 0) FROM hub_outbox)), pushed_at = ? WHERE id = 1",
            (at,),
        )
        return conn.exec_driver_sql(
            "DELETE FROM hub_outbox WHERE seq <= (SELECT pushed_seq FROM hub_mark WHERE id = 1)"
        ).rowcount


def backlog(engine: Engine) -> Backlog:
    with engine.connect() as conn:
        mark, at = conn.exec_driver_sql(
            "SELECT pushed_seq, pushed_at FROM hub_mark WHERE id = 1"
        ).one()
        (count,) = conn.exec_driver_sql(
            "SELECT count(*) FROM hub_outbox WHERE seq > ?", (mark,)
        ).one()
    return Backlog(count, mark, at)


# What migrations 0007, 0008 and 0011 copy (tests/hub/test_outbox.py holds them equal): a later
# migration that changes the triggers changes this too. A payment is copied whole but for the
# forwarder's own bookkeeping (how often it tried, when it tries next), from its one shape.
LOCAL_ONLY = ("attempts", "next_attempt_at")
PAYMENT = tuple(name for name in SHAPE if name not in LOCAL_ONLY)
SOURCES = {
    "payment": ("payment", "ref_id", PAYMENT),
    "paymentevent": (
        "event",
        "id",
        ("id", "payment_id", "at", "from_state", "to_state", "rc", "message", "actor", "meaning"),
    ),
    "shift": (
        "shift",
        "id",
        (
            "id",
            "cashier_id",
            "opened_at",
            "opening_float",
            "closed_at",
            "closed_by",
            "expected_cash",
            "counted_cash",
            "difference",
            "note",
        ),
    ),
    "deposit": ("deposit", "id", ("id", "at", "balance", "change", "ref_id")),
    "auditentry": ("audit", "id", ("id", "at", "actor", "action", "detail", "prev_hash", "hash")),
    "cashier": ("cashier", "id", ("id", "name", "role", "active", "created_at")),
    "hostattempt": (
        "attempt",
        "id",
        (
            "id",
            "payment_id",
            "seq",
            "host_ref",
            "host_tx",
            "state",
            "rc",
            "message",
            "quoted_premium",
            "inquired_at",
            "last_call_at",
            "created_at",
            "updated_at",
        ),
    ),
}
EXTRA = {
    "paymentevent": "'ref_id', (SELECT ref_id FROM payment WHERE id = t.payment_id)",
    "hostattempt": "'ref_id', (SELECT ref_id FROM payment WHERE id = t.payment_id)",
}


def requeue_all(engine: Engine) -> int:
    """Queue every row again, newest versions as they are now (``loket hub resend``): for a hub
    restored from a backup, or a new one, that lacks what this counter had already pushed. The
    new rows get higher numbers, so the hub takes them over whatever it still holds."""
    with write(engine) as conn:
        before: int = conn.exec_driver_sql("SELECT count(*) FROM hub_outbox").scalar_one()
        for table, (kind, key, columns) in SOURCES.items():
            pairs = [f"'{c}', t.\"{c}\"" for c in columns]
            if table in EXTRA:
                pairs.append(EXTRA[table])
            conn.exec_driver_sql(
                f"INSERT INTO hub_outbox (kind, key, payload) SELECT '{kind}', "
                f'CAST(t."{key}" AS TEXT), json_object({", ".join(pairs)}) '
                f'FROM "{table}" AS t ORDER BY t.rowid'
            )
        after: int = conn.exec_driver_sql("SELECT count(*) FROM hub_outbox").scalar_one()
    return after - before
