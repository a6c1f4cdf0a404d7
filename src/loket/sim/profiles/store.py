"""The aggregator profiles' tables in the simulator's own SQLite file (beside ``SimLedger``'s).

One row per host reference (``ref_id``): the inquiry with its bill, then at most one payment.
``agg_months`` holds every family-month a payment has posted or holds while pending; its primary
key is what makes "a family-month is never posted twice" a property of the file, not of the code.
"""

from __future__ import annotations

import json
import sqlite3

from loket.sim.ledger import SimLedger

SCHEMA = """
CREATE TABLE IF NOT EXISTS agg_txns (
    profile TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    tr_id INTEGER,               -- IAK's inquiry id; NULL at Digiflazz and for failed inquiries
    customer_no TEXT NOT NULL,   -- as sent
    sku TEXT NOT NULL,           -- buyer_sku_code / code, as sent
    va_tail TEXT NOT NULL,       -- '' for an aggregator's own test numbers
    script TEXT,                 -- a test number's scripted behaviour (see engine.py)
    bill TEXT,                   -- JSON of engine.Bill; NULL when the inquiry failed
    inquiry_rc TEXT NOT NULL,
    inquiry_message TEXT NOT NULL,
    inquired_at TEXT NOT NULL,   -- simulated time, ISO 8601
    state TEXT NOT NULL,         -- inquiry_failed | inquired | pending | success | failed
    rc TEXT,                     -- the payment's code once it has one
    message TEXT,
    sn TEXT,
    paid_at TEXT,                -- simulated time of the payment request
    deducted INTEGER,
    resolve_at REAL,             -- real time a pending payment resolves
    resolve_to TEXT,             -- success | fail
    last_call REAL,              -- real time of the last pay/status call (rate limit)
    PRIMARY KEY (profile, ref_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS agg_txns_tr_id ON agg_txns (tr_id) WHERE tr_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS agg_months (
    va_tail TEXT NOT NULL,
    period TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    PRIMARY KEY (va_tail, period)
);
"""

FIRST_TR_ID = 9_732_787  # IAK's documented example tr_id: the first inquiry of a new file gets it


class AggregatorBook:
    """Row access for one profile; callers hold ``ledger.transaction()`` around every use."""

    def __init__(self, ledger: SimLedger, profile: str) -> None:
        self.ledger = ledger
        self.db: sqlite3.Connection = ledger.db
        self.profile = profile
        with ledger.lock:
            self.db.executescript(SCHEMA)

    def get(self, ref_id: str) -> dict | None:
        row = self.db.execute(
            "SELECT * FROM agg_txns WHERE profile=? AND ref_id=?", (self.profile, ref_id)
        ).fetchone()
        return dict(row) if row else None

    def by_tr_id(self, tr_id: int) -> dict | None:
        row = self.db.execute(
            "SELECT * FROM agg_txns WHERE profile=? AND tr_id=?", (self.profile, tr_id)
        ).fetchone()
        return dict(row) if row else None

    def next_tr_id(self) -> int:
        row = self.db.execute("SELECT MAX(tr_id) AS top FROM agg_txns").fetchone()
        return (row["top"] or FIRST_TR_ID - 1) + 1

    def insert(self, row: dict) -> None:
        row = {"profile": self.profile, **row}
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.db.execute(f"INSERT INTO agg_txns ({cols}) VALUES ({marks})", tuple(row.values()))

    def update(self, ref_id: str, **fields) -> dict:
        sets = ", ".join(f"{k}=?" for k in fields)
        self.db.execute(
            f"UPDATE agg_txns SET {sets} WHERE profile=? AND ref_id=?",
            (*fields.values(), self.profile, ref_id),
        )
        return self.get(ref_id)  # type: ignore[return-value]

    def due_pending(self, now: float) -> list[dict]:
        rows = self.db.execute(
            "SELECT * FROM agg_txns WHERE profile=? AND state='pending' AND resolve_at<=?",
            (self.profile, now),
        )
        return [dict(r) for r in rows]

    def months_taken(self, va_tail: str, periods: list[str]) -> bool:
        marks = ", ".join("?" for _ in periods)
        row = self.db.execute(
            f"SELECT 1 FROM agg_months WHERE va_tail=? AND period IN ({marks}) LIMIT 1",
            (va_tail, *periods),
        ).fetchone()
        return row is not None

    def take_months(self, va_tail: str, periods: list[str], ref_id: str) -> None:
        self.db.executemany(
            "INSERT INTO agg_months VALUES (?, ?, ?)", [(va_tail, p, ref_id) for p in periods]
        )

    def release_months(self, ref_id: str) -> None:
        self.db.execute("DELETE FROM agg_months WHERE ref_id=?", (ref_id,))

    def entries(self) -> list[dict]:
        """Every posted payment of this profile, in ``SimLedger.entries()``'s shape plus more."""
        rows = self.db.execute(
            "SELECT * FROM agg_txns WHERE profile=? AND state='success' ORDER BY paid_at, ref_id",
            (self.profile,),
        )
        entries = []
        for r in rows:
            bill = json.loads(r["bill"])
            entries.append(
                {
                    "ref_id": r["ref_id"],
                    "va_no": "88888" + r["va_tail"] if r["va_tail"] else "",
                    "periods": bill["periods"],
                    "premium": bill["premium"],
                    "sn": r["sn"],
                    "paid_at": r["paid_at"],
                    "host_ref": str(r["tr_id"]) if r["tr_id"] is not None else r["ref_id"],
                    "tr_id": r["tr_id"],
                    "customer_no": r["customer_no"],
                    "deducted": r["deducted"],
                    "profile": self.profile,
                }
            )
        return entries
