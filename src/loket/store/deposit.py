"""The deposit's log: the balances the host reported, and what payments took from the deposit or
got back, in the order loket learned them. Read by ``reports/deposit.py``."""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from loket.domain import times
from loket.store.db import write
from loket.store.models import DepositEntry

INSERT = (
    f"INSERT INTO {DepositEntry.__tablename__} (at, balance, change, ref_id) VALUES (?, ?, ?, ?)"
)


def _same_as_last(conn: Connection, at: str, balance: int) -> bool:
    """The last thing learned was this very balance, the same day: nothing new to write."""
    last = conn.exec_driver_sql("SELECT at, balance FROM deposit ORDER BY id DESC LIMIT 1").first()
    return last is not None and last.balance == balance and times.day(last.at) == times.day(at)


def saw_balance(engine: Engine, at: str, balance: int, ref_id: str = "") -> None:
    """A balance the host reported. The health check reads it every 15 s: only a change (or the
    first reading of a day) is written."""
    with engine.connect() as conn:  # a read first: most readings change nothing
        if _same_as_last(conn, at, balance):
            return
    with write(engine) as conn:
        if not _same_as_last(conn, at, balance):
            conn.exec_driver_sql(INSERT, (at, balance, 0, ref_id))


def payment_taken(engine: Engine, at: str, ref_id: str, amount: int, balance: int | None) -> None:
    """The host took ``amount`` for this payment (it answered success or pending). Written once
    per payment: asking its status again later (reconciliation) takes nothing more."""
    with write(engine) as conn:
        known = conn.exec_driver_sql(
            "SELECT 1 FROM deposit WHERE ref_id = ? AND change != 0 LIMIT 1", (ref_id,)
        ).first()
        if known is None:
            conn.exec_driver_sql(INSERT, (at, balance, -amount, ref_id))
        elif balance is not None and not _same_as_last(conn, at, balance):
            conn.exec_driver_sql(INSERT, (at, balance, 0, ref_id))


def payment_given_back(engine: Engine, at: str, ref_id: str) -> None:
    """The host finally failed a payment it had taken the price of, and gives the price back."""
    with write(engine) as conn:
        net: int = conn.exec_driver_sql(
            "SELECT coalesce(sum(change), 0) FROM deposit WHERE ref_id = ?", (ref_id,)
        ).scalar_one()
        if net < 0:
            conn.exec_driver_sql(INSERT, (at, None, -net, ref_id))
