"""The audit log: append-only and hash-chained, so an altered or removed row is found.

Each row's hash is SHA-256 over the previous row's hash and this row's fields. Rows are written
inside the same transaction as what they record. Removing rows from the very end leaves a valid
shorter chain: the shift report prints the chain head on paper, the anchor that catches that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from loket.store.db import write

GENESIS = "0" * 64
HEAD = "SELECT id, hash FROM auditentry ORDER BY id DESC LIMIT 1"
INSERT = ("INSERT INTO auditentry (at, actor, action, detail, prev_hash, hash) "
          "VALUES (?, ?, ?, ?, ?, ?)")


def digest(prev_hash: str, at: str, actor: str, action: str, detail: str) -> str:
    return hashlib.sha256("\n".join([prev_hash, at, actor, action, detail]).encode()).hexdigest()


def canonical(detail: dict) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def append(conn: Connection, at: str, actor: str, action: str, detail: dict) -> None:
    """Within the caller's transaction (BEGIN IMMEDIATE: no other writer can slip between)."""
    head = conn.exec_driver_sql(HEAD).first()
    prev = head[1] if head else GENESIS
    body = canonical(detail)
    conn.exec_driver_sql(INSERT, (at, actor, action, body, prev, digest(prev, at, actor, action,
                                                                         body)))


def log(engine: Engine, at: str, actor: str, action: str, **detail) -> None:
    with write(engine) as conn:
        append(conn, at, actor, action, detail)


@dataclass(frozen=True)
class Verdict:
    rows: int
    head_id: int
    head_hash: str
    broken_at: int | None = None  # the first row whose link does not hold
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(engine: Engine) -> Verdict:
    prev, expected_id, rows = GENESIS, 1, 0
    with engine.connect() as conn:
        cursor = conn.exec_driver_sql(
            "SELECT id, at, actor, action, detail, prev_hash, hash FROM auditentry ORDER BY id")
        for row_id, at, actor, action, detail, prev_hash, stored in cursor:
            rows += 1
            if row_id != expected_id:
                return Verdict(rows, row_id, stored, expected_id,
                               f"row {expected_id} is missing (next is {row_id})")
            if prev_hash != prev:
                return Verdict(rows, row_id, stored, row_id,
                               f"row {row_id} does not follow row {row_id - 1}")
            if digest(prev, at, actor, action, detail) != stored:
                return Verdict(rows, row_id, stored, row_id, f"row {row_id} was altered")
            prev, expected_id = stored, row_id + 1
    return Verdict(rows, expected_id - 1, prev)


def head(engine: Engine) -> tuple[int, str]:
    with engine.connect() as conn:
        row = conn.exec_driver_sql(HEAD).first()
        return (row[0], row[1]) if row else (0, GENESIS)


def entries(engine: Engine, limit: int = 200) -> list[tuple]:
    with engine.connect() as conn:
        return list(conn.exec_driver_sql(
            "SELECT id, at, actor, action, detail FROM auditentry ORDER BY id DESC LIMIT ?",
            (limit,)))
