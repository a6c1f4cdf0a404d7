"""The rows under a report, as CSV: every payment of the period."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine

COLUMNS = ("ref_id", "created_at", "cashier_id", "shift_id", "customer_no", "va_no", "head_name",
           "periods", "state", "premium", "admin_fee", "total", "cash", "change", "agent_price",
           "host_sn", "host_rc", "host_message", "paid_at", "offline")


def write_csv(engine: Engine, start: str, end: str, out: str | Path) -> int:
    with engine.connect() as conn, Path(out).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        rows = conn.exec_driver_sql(
            f"SELECT {', '.join(COLUMNS)} FROM payment WHERE created_at >= ? AND created_at < ? "
            "ORDER BY created_at, id", (start, end))
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
