"""Issue 3: how fast payments are recorded durably, and how fast a backlog drains.

1. Payments recorded per second through loket's store (SQLModel, WAL, synchronous=FULL; per
   transaction the payment row, its first event and its hash-chained audit row) against a plain
   sqlite3 loop doing the same inserts with the same pragmas. Target ratio >= 0.5.
2. Time to drain 10,000 queued payments into the local simulator, and duplicates in its ledger.
   Target: under 60 s on 2 cores, zero duplicates.

Run: .venv/bin/python bench/store_and_forward.py [--payments 10000]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import describe_ms, fresh_runtime
from tests.factories import payment as make_payment

from loket.domain.states import PaymentState
from loket.store import anchor, audit, payments
from loket.store.opening import open_database

N_RECORD = 2000


def loket_records_per_s() -> float:
    engine = open_database(Path(tempfile.mkdtemp()) / "bench.db")
    from loket.store import cashiers

    cashiers.ensure_pos_account(engine, "kasir1", "2026-11-21T10:00:00+07:00")
    rows = [make_payment("RECORDED", ref_id=f"PAY-{i}") for i in range(N_RECORD)]
    start = time.perf_counter()
    for row in rows:
        payments.record(engine, row, actor="kasir1", state=PaymentState.RECORDED)
    return N_RECORD / (time.perf_counter() - start)


def plain_sqlite_records_per_s() -> float:
    path = Path(tempfile.mkdtemp()) / "plain.db"
    engine = open_database(path)  # the same schema
    from loket.store import cashiers

    cashiers.ensure_pos_account(engine, "kasir1", "2026-11-21T10:00:00+07:00")
    engine.dispose()
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        db.execute(f"PRAGMA {pragma}")
    template = make_payment("RECORDED").model_dump(exclude={"id"})
    cols = ", ".join(template)
    marks = ", ".join("?" for _ in template)
    start = time.perf_counter()
    for i in range(N_RECORD):
        values = {**template, "ref_id": f"PAY-{i}", "state": "RECORDED"}
        db.execute("BEGIN IMMEDIATE")
        cur = db.execute(f"INSERT INTO payment ({cols}) VALUES ({marks})", tuple(values.values()))
        db.execute(
            "INSERT INTO paymentevent (payment_id, at, from_state, to_state, rc, message, "
            "actor) VALUES (?, ?, '', 'RECORDED', '', '', 'kasir1')",
            (cur.lastrowid, values["created_at"]),
        )
        head = db.execute(audit.HEAD).fetchone()  # the audit row, chained, as loket writes it
        detail = audit.canonical(
            {"ref_id": values["ref_id"], "to": "RECORDED", "total": values["total"]}
        )
        prev = head[1] if head else audit.GENESIS
        db.execute(
            audit.INSERT,
            (
                values["created_at"],
                "kasir1",
                "payment",
                detail,
                prev,
                audit.digest(prev, values["created_at"], "kasir1", "payment", detail),
            ),
        )
        db.execute("COMMIT")
    return N_RECORD / (time.perf_counter() - start)


def acknowledge_ms(n: int = 300) -> str:
    """The anchor written when a customer is told (store/anchor.py): once per payment at the
    counter, after the host's answer, not part of recording."""
    engine = open_database(Path(tempfile.mkdtemp()) / "anchor.db")
    from loket.store import cashiers

    cashiers.ensure_pos_account(engine, "kasir1", "2026-11-21T10:00:00+07:00")
    times = []
    for i in range(n):
        payments.record(
            engine,
            make_payment("RECORDED", ref_id=f"PAY-A{i}"),
            actor="kasir1",
            state=PaymentState.RECORDED,
        )
        start = time.perf_counter()
        anchor.acknowledge(engine)
        times.append(time.perf_counter() - start)
    engine.dispose()
    return describe_ms(times)


def drain(n: int) -> None:
    sim, rt = fresh_runtime()
    sim.deposit(10**13)  # enough deposit for every payment: this measures forwarding
    customers = sim.call("GET", f"/_sim/customers?situation=current&limit={n}")
    numbers = [c["card_no"] for c in customers.json()["data"]["customers"]]
    assert len(numbers) == n, f"only {len(numbers)} current families"
    hosts = [sim.host() for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        bills = list(
            pool.map(lambda ix: hosts[ix[0] % 8].inquiry("I", ix[1]).bill, enumerate(numbers))
        )
    for i, bill in enumerate(bills):  # taken offline: recorded QUEUED, nothing sent yet
        p = payments.new_payment(
            bill,
            ref_id=f"PAY-Q{i:05d}",
            admin_fee=2500,
            cash=bill.premium + 2500,
            cashier_id="latihan",
            terminal_id="T01",
            now="2026-11-21T10:00:00+07:00",
            offline=True,
        )
        payments.record(rt.engine, p, actor="latihan", state=PaymentState.QUEUED)
    start = time.perf_counter()
    rt.counter.forwarder.drain(force=True)
    elapsed = time.perf_counter() - start
    states = Counter(p.state for p in payments.in_states(rt.engine, set(PaymentState)))
    ledger = sim.ledger()
    dupes = sum(c - 1 for c in Counter(e["ref_id"] for e in ledger).values() if c > 1)
    print(
        f"Drain {n} queued payments: {elapsed:.1f} s ({n / elapsed:.0f}/s); "
        f"local states {dict(states)}; host ledger {len(ledger)} entries, {dupes} duplicates"
    )
    print(
        f"  target < 60 s, zero duplicates: "
        f"{'MET' if elapsed < 60 and dupes == 0 and len(ledger) == n else 'MISSED'}"
    )
    rt.close()
    sim.thread.stop()


if __name__ == "__main__":
    args = argparse.ArgumentParser()
    args.add_argument("--payments", type=int, default=10_000)
    n = args.parse_args().payments
    ours, plain = loket_records_per_s(), plain_sqlite_records_per_s()
    print(
        f"Recorded with synchronous=FULL: loket {ours:.0f}/s, plain sqlite3 {plain:.0f}/s, "
        f"ratio {ours / plain:.2f} (target >= 0.5: {'MET' if ours / plain >= 0.5 else 'MISSED'})"
    )
    print(f"Anchor written when the customer is told (two fsyncs): {acknowledge_ms()}")
    drain(n)
