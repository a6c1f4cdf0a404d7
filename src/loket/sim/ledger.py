"""The simulator's own SQLite file: its payments (idempotency store and ledger), coverage, deposit."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (
    ref_id TEXT PRIMARY KEY,
    body_hash TEXT NOT NULL,
    va_tail TEXT NOT NULL,
    status TEXT NOT NULL,
    rc TEXT NOT NULL,
    message TEXT NOT NULL,
    sn TEXT,
    bill TEXT,
    periods TEXT,
    premium INTEGER,
    agent_price INTEGER,
    paid_at TEXT,
    resolve_at REAL,
    resolve_to TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coverage (va_tail TEXT PRIMARY KEY, paid_through TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

DEFAULT_DEPOSIT = 1_000_000_000


class SimLedger:
    """One connection behind a lock: the simulator is a test double, correctness over speed."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.lock = threading.RLock()
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        if str(path) != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        if self.deposit() is None:
            self.set_deposit(DEFAULT_DEPOSIT)

    def deposit(self) -> int | None:
        row = self.db.execute("SELECT value FROM meta WHERE key='deposit'").fetchone()
        return int(row["value"]) if row else None

    def set_deposit(self, balance: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('deposit', ?)", (str(balance),))

    def paid_through(self, va_tail: str) -> str | None:
        row = self.db.execute("SELECT paid_through FROM coverage WHERE va_tail=?", (va_tail,))
        found = row.fetchone()
        return found["paid_through"] if found else None

    def get(self, ref_id: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM payments WHERE ref_id=?", (ref_id,)).fetchone()

    def insert(self, row: dict) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.db.execute(f"INSERT INTO payments ({cols}) VALUES ({marks})", tuple(row.values()))

    def update(self, ref_id: str, **fields) -> None:
        sets = ", ".join(f"{k}=?" for k in fields)
        self.db.execute(f"UPDATE payments SET {sets} WHERE ref_id=?", (*fields.values(), ref_id))

    def cover(self, va_tail: str, last_period: str, first_sight: bool = False) -> None:
        """A posted payment moves the family's coverage to its last period; ``first_sight``
        anchors a family's generated history without overwriting one already stored."""
        verb = "INSERT OR IGNORE" if first_sight else "INSERT OR REPLACE"
        self.db.execute(f"{verb} INTO coverage VALUES (?, ?)", (va_tail, last_period))

    def entries(self) -> list[dict]:
        rows = self.db.execute(
            "SELECT ref_id, va_tail, periods, premium, sn, paid_at FROM payments "
            "WHERE status='success' ORDER BY paid_at, ref_id"
        )
        return [
            {
                "ref_id": r["ref_id"],
                "va_no": "88888" + r["va_tail"],
                "periods": json.loads(r["periods"]),
                "premium": r["premium"],
                "sn": r["sn"],
                "paid_at": r["paid_at"],
            }
            for r in rows
        ]

    def transaction(self):
        """``with ledger.transaction():`` — one locked SQLite transaction."""
        return _Tx(self)


class _Tx:
    def __init__(self, ledger: SimLedger) -> None:
        self.ledger = ledger

    def __enter__(self) -> SimLedger:
        self.ledger.lock.acquire()
        try:
            self.ledger.db.execute("BEGIN IMMEDIATE")
        except BaseException:  # never keep the lock of a transaction that did not begin
            self.ledger.lock.release()
            raise
        return self.ledger

    def __exit__(self, exc_type, *_exc) -> None:
        try:
            self.ledger.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.ledger.lock.release()
