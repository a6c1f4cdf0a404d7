"""Issue 4: the daily dashboard figures and the daily PDF over 1,000,000 payments in 90 days.

Targets: dashboard figures under 0.5 s, daily PDF under 3 s.
Since issue 7 the dashboard's day is the books (figures and the deposit's movement, from a
deposit log with an entry for every payment the host took and a balance reading every 200), and
the daily report also writes a CSV and an XLSX: their times are printed too.
Run: .venv/bin/python bench/owner_reports.py [--payments 1000000] [--db PATH]
(the database is built once at PATH and reused by later runs)
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import _common  # noqa: F401  (puts the repository on sys.path)
from tests.factories import payment as make_payment

from loket.clock import WIB, FixedClock
from loket.printing.layouts import Shop
from loket.reports.books import books
from loket.reports.figures import day_range, figures
from loket.reports.service import Reports
from loket.store import cashiers, deposit
from loket.store.opening import open_database
from loket.store.payment_rows import INSERT_PAYMENT, PAYMENT_COLUMNS

FIRST_DAY = date(2026, 8, 24)
DAYS = 90
STATES = (
    ["SUCCESS"] * 970
    + ["REFUND_DUE"] * 10
    + ["REFUNDED"] * 12
    + ["PENDING"] * 4
    + ["UNKNOWN"] * 2
    + ["QUEUED"] * 2
)


def build(path: Path, n: int) -> None:
    engine = open_database(path)
    for who in ("ani", "budi", "citra", "dodi"):
        cashiers.ensure_pos_account(engine, who, "2026-08-01T07:00:00+07:00")
    engine.dispose()
    template = make_payment("SUCCESS").model_dump(exclude={"id"})
    rng = random.Random(1)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")  # building the fixture only
    start = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, 7, tzinfo=WIB)
    step = DAYS * 14 * 3600 / n  # spread over 07:00-21:00 of each day

    def rows():
        for i in range(n):
            offset = i * step
            day, second = divmod(offset, 14 * 3600)
            at = (start + timedelta(days=int(day), seconds=second)).isoformat(timespec="seconds")
            row = {
                **template,
                "ref_id": f"PAY-B{i:08d}",
                "cashier_id": rng.choice(("ani", "budi", "citra", "dodi")),
                "state": rng.choice(STATES),
                "created_at": at,
                "updated_at": at,
                "paid_at": at,
            }
            yield tuple(row[c] for c in PAYMENT_COLUMNS)

    db.executemany(INSERT_PAYMENT, rows())
    db.executemany(deposit.INSERT, deposit_log(db))
    db.commit()
    db.close()


def deposit_log(db: sqlite3.Connection):
    """What the host told loket: a deduction (and the balance after it) for every payment it
    took, a balance reading every 200 payments, a top-up every morning."""
    balance, day = 2_000_000_000, ""
    taken = ("SUCCESS", "PENDING", "UNKNOWN")
    for i, (ref, at, state, price) in enumerate(
        db.execute("SELECT ref_id, created_at, state, agent_price FROM payment ORDER BY id")
    ):
        if at[:10] != day:
            day, balance = at[:10], balance + 500_000_000
            yield at, balance, 0, ""
        if state in taken:
            balance -= price
            yield at, balance if state == "SUCCESS" else None, -price, ref
        if i % 200 == 0:
            yield at, balance, 0, ""


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


if __name__ == "__main__":
    args = argparse.ArgumentParser()
    args.add_argument("--payments", type=int, default=1_000_000)
    args.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "loket-bench-1m-deposit.db"
    )
    opts = args.parse_args()
    if not opts.db.exists():
        t = time.perf_counter()
        build(opts.db, opts.payments)
        print(f"Built {opts.payments} payments over {DAYS} days in {time.perf_counter() - t:.0f} s")
    engine = open_database(opts.db)
    with engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT count(*) FROM payment").scalar()
    day = FIRST_DAY + timedelta(days=60)
    f = figures(engine, *day_range(day))
    print(f"{total} payments; {day}: {f.count} payments, {f.success_count} confirmed")
    med, worst = timed(lambda: books(engine, *day_range(day), "deposit"), 7)
    print(
        f"Dashboard books for one day (figures + deposit): median {med * 1000:.0f} ms, "
        f"max {worst * 1000:.0f} ms (target < 500 ms: {'MET' if worst < 0.5 else 'MISSED'})"
    )
    reports = Reports(
        engine,
        Shop("WARUNG BU SRI", "Jl. Melati 5", "AGT001", "T01"),
        FixedClock(datetime(2026, 11, 22, 7, tzinfo=WIB)),
    )
    out = Path(tempfile.mkdtemp()) / "daily.pdf"
    med, worst = timed(lambda: reports.daily(day, out), 3)
    print(
        f"Daily PDF: median {med:.2f} s, max {worst:.2f} s, {out.stat().st_size // 1024} KiB "
        f"(target < 3 s: {'MET' if worst < 3 else 'MISSED'})"
    )
    for kind in ("csv", "xlsx"):
        side = out.with_suffix(f".{kind}")
        med, worst = timed(lambda kind=kind, side=side: reports.daily(day, out, **{kind: side}), 3)
        print(
            f"Daily PDF + {kind.upper()}: median {med:.2f} s, max {worst:.2f} s, "
            f"{side.stat().st_size // 1024} KiB"
        )
    month_out = out.with_name("monthly.pdf")
    med, worst = timed(lambda: reports.monthly(day.year, day.month, month_out), 1)
    print(f"Monthly PDF: {med:.2f} s")
