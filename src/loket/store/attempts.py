"""Host attempts, each written before its call (domain/attempts.py): the store's side.

Every function that changes an attempt takes the caller's connection when the change belongs in
the same transaction as a payment's state change, or opens its own write otherwise.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, inspect

from loket.domain.attempts import NOTHING_SENT, Attempt, AttemptState
from loket.domain.states import names
from loket.store.db import write
from loket.store.models import HostAttemptRow

TABLE = inspect(HostAttemptRow).local_table
COLUMNS = [c.name for c in TABLE.columns if c.name != "id"]
SELECT = f"SELECT id, {', '.join(COLUMNS)} FROM hostattempt"
INSERT = (f"INSERT INTO hostattempt ({', '.join(COLUMNS)}) "
          f"VALUES ({', '.join('?' for _ in COLUMNS)})")


def _attempt(row) -> Attempt:
    values = dict(zip(["id", *COLUMNS], row, strict=True))
    values["state"] = AttemptState(values["state"])
    return Attempt(**values)


def of(engine: Engine, payment_id: int) -> list[Attempt]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"{SELECT} WHERE payment_id = ? ORDER BY seq", (payment_id,))
        return [_attempt(r) for r in rows]


def last(engine: Engine, payment_id: int) -> Attempt | None:
    with engine.connect() as conn:
        return _last(conn, payment_id)


def _last(conn: Connection, payment_id: int) -> Attempt | None:
    row = conn.exec_driver_sql(f"{SELECT} WHERE payment_id = ? ORDER BY seq DESC LIMIT 1",
                               (payment_id,)).first()
    return _attempt(row) if row else None


def add(conn: Connection, payment_id: int, host_ref: str, state: AttemptState, now: str, *,
        host_tx: str = "", quoted_premium: int = 0, inquired_at: str = "") -> Attempt:
    """The next attempt of a payment, inside the caller's write transaction."""
    seq = conn.exec_driver_sql("SELECT coalesce(max(seq), 0) + 1 FROM hostattempt "
                               "WHERE payment_id = ?", (payment_id,)).scalar()
    values: dict[str, Any] = {"payment_id": payment_id, "seq": seq, "host_ref": host_ref, "host_tx": host_tx,
              "state": str(state), "rc": "", "message": "", "quoted_premium": quoted_premium,
              "inquired_at": inquired_at, "last_call_at": "", "created_at": now,
              "updated_at": now, "may_arrive_until": "", "meaning": ""}
    cursor = conn.exec_driver_sql(INSERT, tuple(values[c] for c in COLUMNS))
    return Attempt(id=cursor.lastrowid, **{**values, "state": state})


def begin(engine: Engine, payment_id: int, host_ref: str, state: AttemptState, now: str, *,
          close_before: Attempt | None = None, **fields) -> Attempt:
    """A new attempt in its own transaction: committed before the call it is for is made.
    ``close_before``: the previous attempt, when nothing was paid under it, is closed with it."""
    with write(engine) as conn:
        if close_before is not None and close_before.state in NOTHING_SENT:
            change(conn, close_before.id, state=AttemptState.NOT_POSTED, updated_at=now,
                   message="tidak dipakai: tagihan ditanyakan ulang")
        return add(conn, payment_id, host_ref, state, now, **fields)


def change(conn: Connection, attempt_id: int, **fields) -> None:
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not attempt columns: {sorted(unknown)}")
    if "state" in fields:
        fields["state"] = str(fields["state"])
    assignments = ", ".join(f"{name} = ?" for name in fields)
    conn.exec_driver_sql(f"UPDATE hostattempt SET {assignments} WHERE id = ?",
                         (*fields.values(), attempt_id))


def update(engine: Engine, attempt_id: int, **fields) -> None:
    with write(engine) as conn:
        change(conn, attempt_id, **fields)


def of_payments(engine: Engine, payment_ids: list[int]) -> dict[int, list[Attempt]]:
    """Every attempt of these payments, by payment (reconciliation, the payment's detail)."""
    found: dict[int, list[Attempt]] = {pid: [] for pid in payment_ids}
    with engine.connect() as conn:
        for start in range(0, len(payment_ids), 500):
            chunk = payment_ids[start:start + 500]
            rows = conn.exec_driver_sql(
                f"{SELECT} WHERE payment_id IN ({', '.join('?' for _ in chunk)}) "
                "ORDER BY payment_id, seq", tuple(chunk))
            for row in rows:
                attempt = _attempt(row)
                found[attempt.payment_id].append(attempt)
    return found


def latest_of(engine: Engine, states, limit: int = 20) -> list[Attempt]:
    """The attempts of the payments now in ``states`` that changed last, newest first: what
    the host said to them lately, or that it did not answer (service/queue_health.py)."""
    listed = names(states)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"{SELECT} WHERE payment_id IN (SELECT id FROM payment WHERE state IN "
            f"({', '.join('?' for _ in listed)})) ORDER BY updated_at DESC, id DESC LIMIT ?",
            (*listed, limit))
        return [_attempt(r) for r in rows]
