"""The audit log: append-only and chained with an HMAC whose key is kept outside the database.

Each row's hash covers the previous row's hash and this row's fields. Rows are written inside the
same transaction as what they record. Rows from before migration 0004 are chained with plain
SHA-256 and stay verifiable as they are; the ``audit_keyed`` row that 0004 appends says where the
keyed chain starts. Without the key, a rewritten row cannot be made to verify.

Verifying the whole log is store/verifying.py's (it needs the anchor, which builds on this
module).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import Connection, Engine

from loket.errors import StorageError
from loket.store.db import store_of, write

GENESIS = "0" * 64
HEAD = "SELECT id, hash FROM auditentry ORDER BY id DESC LIMIT 1"
INSERT = (
    "INSERT INTO auditentry (at, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)"
)
MARK_QUERY = "SELECT id, detail FROM auditentry WHERE action = 'audit_keyed' ORDER BY id LIMIT 1"


def _message(prev_hash: str, at: str, actor: str, action: str, detail: str) -> bytes:
    return "\n".join([prev_hash, at, actor, action, detail]).encode()


def digest(prev_hash: str, at: str, actor: str, action: str, detail: str) -> str:
    """The unkeyed link of rows written before migration 0004."""
    return hashlib.sha256(_message(prev_hash, at, actor, action, detail)).hexdigest()


def keyed_digest(key: bytes, prev_hash: str, at: str, actor: str, action: str, detail: str) -> str:
    return hmac.new(key, _message(prev_hash, at, actor, action, detail), "sha256").hexdigest()


def canonical(detail: dict[str, Any]) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def append(conn: Connection, at: str, actor: str, action: str, detail: dict[str, Any]) -> None:
    """Within the caller's transaction (BEGIN IMMEDIATE: no other writer can slip between)."""
    head = conn.exec_driver_sql(HEAD).first()
    prev = head[1] if head else GENESIS
    body = canonical(detail)
    key = store_of(conn).key
    if key is None:  # as StoreInfo.sign: a row no one could verify is not written
        raise StorageError("Kunci log audit tidak tersedia; tidak ada yang diubah")
    conn.exec_driver_sql(
        INSERT, (at, actor, action, body, prev, keyed_digest(key, prev, at, actor, action, body))
    )


def log(engine: Engine, at: str, actor: str, action: str, **detail: Any) -> None:
    with write(engine) as conn:
        append(conn, at, actor, action, detail)


def keyed_from(conn: Connection) -> tuple[int, int] | None:
    """(first keyed row, last payment taken before the audit log existed), or None when the
    marker 0004 wrote is gone."""
    row = conn.exec_driver_sql(MARK_QUERY).first()
    if row is None:
        return None
    try:
        detail = json.loads(row[1])
        return int(detail["keyed_from"]), int(detail.get("unaudited_payments_to", 0))
    except (ValueError, KeyError, TypeError):
        return row[0] + 1, 0


def head_problem(conn: Connection, key: bytes) -> str | None:
    """Does the newest row verify with this key? One row, on every start: a wrong key file (or a
    rewritten end) is found before anything is appended with it."""
    row = conn.exec_driver_sql(
        "SELECT id, at, actor, action, detail, prev_hash, hash FROM auditentry "
        "ORDER BY id DESC LIMIT 1"
    ).first()
    mark = keyed_from(conn)
    if row is None or mark is None or row[0] < mark[0]:
        return None
    if keyed_digest(key, row[5], *row[1:5]) == row[6]:
        return None
    return (
        f"baris terakhir log audit (#{row[0]}) tidak cocok dengan kunci audit: kunci audit "
        f"yang lain (audit.key / LOKET_AUDIT_KEY) atau log audit ditulis ulang"
    )


def head(engine: Engine) -> tuple[int, str]:
    with engine.connect() as conn:
        row = conn.exec_driver_sql(HEAD).first()
        return (row[0], row[1]) if row else (0, GENESIS)


def entries(engine: Engine, limit: int = 200) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return list(
            conn.exec_driver_sql(
                "SELECT id, at, actor, action, detail FROM auditentry ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        )
