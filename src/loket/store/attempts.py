"""Host attempts, each written before its call (domain/attempts.py): the store's side, read.

Attempts are written only through the unit of work (``store/writing.py``), in the same
transaction as the payment's change they belong with.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, inspect

from loket.domain.attempts import Attempt, AttemptState
from loket.domain.states import PaymentState, names
from loket.store.models import HostAttemptRow

TABLE = inspect(HostAttemptRow).local_table
COLUMNS = [c.name for c in TABLE.columns if c.name != "id"]
SELECT = f"SELECT id, {', '.join(COLUMNS)} FROM hostattempt"
INSERT = (
    f"INSERT INTO hostattempt ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
)


def attempt_of(row: Any) -> Attempt:
    values = dict(zip(["id", *COLUMNS], row, strict=True))
    values["state"] = AttemptState(values["state"])
    return Attempt(**values)


def of(engine: Engine, payment_id: int) -> list[Attempt]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"{SELECT} WHERE payment_id = ? ORDER BY seq", (payment_id,))
        return [attempt_of(r) for r in rows]


def last(engine: Engine, payment_id: int) -> Attempt | None:
    with engine.connect() as conn:
        return last_in(conn, payment_id)


def last_in(conn: Connection, payment_id: int) -> Attempt | None:
    row = conn.exec_driver_sql(
        f"{SELECT} WHERE payment_id = ? ORDER BY seq DESC LIMIT 1", (payment_id,)
    ).first()
    return attempt_of(row) if row else None


def of_payments(engine: Engine, payment_ids: list[int]) -> dict[int, list[Attempt]]:
    """Every attempt of these payments, by payment (reconciliation, the payment's detail)."""
    found: dict[int, list[Attempt]] = {pid: [] for pid in payment_ids}
    with engine.connect() as conn:
        for start in range(0, len(payment_ids), 500):
            chunk = payment_ids[start : start + 500]
            rows = conn.exec_driver_sql(
                f"{SELECT} WHERE payment_id IN ({', '.join('?' for _ in chunk)}) "
                "ORDER BY payment_id, seq",
                tuple(chunk),
            )
            for row in rows:
                attempt = attempt_of(row)
                found[attempt.payment_id].append(attempt)
    return found


def latest_of(engine: Engine, states: Iterable[PaymentState], limit: int = 20) -> list[Attempt]:
    """The attempts of the payments now in ``states`` that changed last, newest first: what
    the host said to them lately, or that it did not answer (service/queue_health.py)."""
    listed = names(states)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"{SELECT} WHERE payment_id IN (SELECT id FROM payment WHERE state IN "
            f"({', '.join('?' for _ in listed)})) ORDER BY updated_at DESC, id DESC LIMIT ?",
            (*listed, limit),
        )
        return [attempt_of(r) for r in rows]
