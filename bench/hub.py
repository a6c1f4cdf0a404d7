"""Issue 12: the owner's PostgreSQL hub, measured on a throwaway cluster (tests/hub/pgcluster.py).

0. What the outbox triggers cost the counter: payments recorded per second (payment, event and
   audit row per transaction, synchronous=FULL) with and without the hub triggers.
1. Replication throughput: 20 counters x 10,000 payments each (30,000 outbox rows per counter:
   payment, event, audit), pushed at once, each by its own process with its own role.
2. Lag while counters keep paying: 20 counter processes each recording payments at a steady rate
   with a pusher thread beside them (as in `loket sync`); lag = the hub's commit time of the row
   (track_commit_timestamp) minus the counter's commit time.
3. The owner's dashboard for one day across every outlet over 10 million hub payment rows
   (generate_series: 20 outlets, 90 days; an event for each, and the troubled payments' own).
   Target <= 1 s.
4. The owner's monthly report over the same 10 million rows (November: about 3.3 million
   payments, and the events of the troubled ones): the figures (per outlet and cashier, daily
   volume, failures by kind, resolution times, exceptions, the deposit per host account) all
   computed in PostgreSQL, and the PDF from them, timed separately; then the month's CSV of every
   payment once (streamed through a server-side cursor).

Run: .venv/bin/python bench/hub.py [--counters 20] [--payments 10000] [--rows 10000000]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import statistics
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

from _common import percentile
from tests.factories import payment as make_payment
from tests.hub.pgcluster import SUPERPASS, PgCluster

from loket.clock import WIB, FixedClock
from loket.domain.states import PaymentState
from loket.hub import schema
from loket.hub.connect import hub_engine
from loket.hub.pusher import Pusher
from loket.service.hub.dashboard import HubView
from loket.store import cashiers, outbox, payments
from loket.store.db import make_engine, write
from loket.store.opening import open_database

NOW = "2026-11-21T10:00:00+07:00"


def _counter_db(path: Path, n: int, prefix: str = "PAY") -> Path:
    engine = open_database(path)
    cashiers.ensure_pos_account(engine, "kasir1", NOW)
    for i in range(n):
        payments.record(
            engine,
            make_payment("RECORDED", ref_id=f"{prefix}-{i}"),
            actor="kasir1",
            state=PaymentState.RECORDED,
        )
    engine.dispose()
    return path


def outbox_cost(n: int = 1000) -> None:
    rates: dict[str, list[float]] = {"with triggers": [], "without": []}
    cpu: dict[str, list[float]] = {"with triggers": [], "without": []}
    for label in ("without", "with triggers") * 3:  # alternated: the machine is shared
        engine = open_database(Path(tempfile.mkdtemp()) / "cost.db")
        cashiers.ensure_pos_account(engine, "kasir1", NOW)
        if label == "without":
            with write(engine) as conn:
                for (name,) in conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                ).all():
                    conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        rows = [make_payment("RECORDED", ref_id=f"PAY-{i}") for i in range(n)]
        start, start_cpu = time.perf_counter(), time.process_time()
        for row in rows:
            payments.record(engine, row, actor="kasir1", state=PaymentState.RECORDED)
        rates[label].append(n / (time.perf_counter() - start))
        cpu[label].append((time.process_time() - start_cpu) / n * 1e6)
        engine.dispose()
    with_, without = (statistics.median(rates[k]) for k in ("with triggers", "without"))
    print(
        f"0. recording a payment: {with_:,.0f}/s with the outbox triggers, {without:,.0f}/s "
        f"without (medians of 3; ratio {with_ / without:.2f}); this process's CPU per payment "
        f"{statistics.median(cpu['with triggers']):.0f} us against "
        f"{statistics.median(cpu['without']):.0f} us"
    )


def _push_one(args) -> tuple[int, float, float]:
    db, url, password, terminal, go = args
    local = make_engine(db)
    hub = hub_engine(url, password)
    while time.time() < go:  # every counter starts together, after the processes are up
        time.sleep(0.01)
    start = time.time()
    sent = Pusher(local, hub, terminal).push()
    return sent, start, time.time()


def throughput(cluster: PgCluster, counters: int, n: int) -> None:
    url = cluster.create_database("throughput")
    root = hub_engine(url, SUPERPASS)
    schema.init(root)
    tmp = Path(tempfile.mkdtemp())
    template = _counter_db(tmp / "template.db", n)
    engine = make_engine(template)  # the queue let go, as on a counter without a hub: the
    outbox.forget(engine, NOW)  # first push queues the whole history once (Pusher.join)
    engine.dispose()
    jobs = []
    for c in range(counters):
        terminal = f"T{c:02d}"
        role = schema.add_counter(root, terminal)
        db = tmp / f"{terminal}.db"
        shutil.copy(template, db)
        jobs.append([db, url.replace("postgres@", f"{role.name}@"), role.password, terminal])
    go = time.time() + 5 + counters * 0.5
    with mp.get_context("spawn").Pool(counters) as pool:
        results = pool.map(_push_one, [(*job, go) for job in jobs])
    wall = max(end for _n, _s, end in results) - min(start for _n, start, _e in results)
    rows = sum(sent for sent, _s, _e in results)
    with root.connect() as conn:
        held = conn.exec_driver_sql("SELECT count(*) FROM payment").scalar()
    print(
        f"1. replication: {counters} counters x {n:,} payments ({rows:,} outbox rows) pushed "
        f"in {wall:.1f} s: {held / wall:,.0f} payments/s, {rows / wall:,.0f} rows/s "
        f"(hub holds {held:,} payments)"
    )
    root.dispose()


def _paying_counter(args) -> None:
    db, url, password, terminal, rate, seconds, idle = args
    local = open_database(db)  # it writes payments: checked, with the audit key
    stop = Pusher(local, hub_engine(url, password), terminal).start(idle_s=idle)
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        row = make_payment("RECORDED", ref_id=f"{terminal}-LIVE-{i}")
        row.updated_at = datetime.now(WIB).isoformat()  # its commit time, to the microsecond
        payments.record(local, row, actor="kasir1", state=PaymentState.RECORDED)
        i += 1
        time.sleep(1 / rate)
    time.sleep(idle * 3 + 2)  # the pusher catches up
    stop()


def lag(cluster: PgCluster, counters: int, rate: float, seconds: float, idle: float) -> None:
    url = cluster.create_database("lag")
    root = hub_engine(url, SUPERPASS)
    schema.init(root)
    tmp = Path(tempfile.mkdtemp())
    template = _counter_db(tmp / "template.db", 0)
    engine = make_engine(template)
    outbox.forget(engine, NOW)
    engine.dispose()
    jobs = []
    for c in range(counters):
        terminal = f"L{c:02d}"
        role = schema.add_counter(root, terminal)
        db = tmp / f"{terminal}.db"
        shutil.copy(template, db)
        jobs.append(
            (
                db,
                url.replace("postgres@", f"{role.name}@"),
                role.password,
                terminal,
                rate,
                seconds,
                idle,
            )
        )
    with mp.get_context("spawn").Pool(counters) as pool:
        pool.map(_paying_counter, jobs)
    with root.connect() as conn:
        lags = [
            row[0]
            for row in conn.exec_driver_sql(
                "SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin) - updated_at::timestamptz)"
                " FROM payment"
            )
        ]
    lags = [float(x) for x in lags]
    print(
        f"2. lag while paying ({counters} counters x {rate:g} payments/s for {seconds:g} s, "
        f"pusher polling every {idle:g} s): median {statistics.median(lags):.2f} s, "
        f"p95 {percentile(lags, 0.95):.2f} s, max {max(lags):.2f} s (n={len(lags):,})"
    )
    root.dispose()


GENERATE = """
INSERT INTO payment SELECT
    'T' || lpad(mod(i, 20)::text, 2, '0'), 'PAY-' || i, i, i, '0001000000011',
    '8888801000000011', 'KEPALA KELUARGA', 'BEKASI', '[]', '[]', 1 + mod(i, 4), 1, 0, 0,
    p, 2500, p + 2500, 200000, 200000 - (p + 2500), p + 1000,
    'kasir' || mod(i, 3),
    CASE WHEN mod(i, 50) = 0 THEN 'REFUNDED' WHEN mod(i, 37) = 0 THEN 'PENDING'
         ELSE 'SUCCESS' END,
    false, '00', '', 'SN' || i, '', 0, ts, ts, 1, NULL
FROM (SELECT i, 35000 * (1 + mod(i, 4)) AS p,
             to_char(timestamp '2026-08-24' + i * (interval '90 days' / :rows),
                     'YYYY-MM-DD"T"HH24:MI:SS') || '+07:00' AS ts
      FROM generate_series(1, :rows) AS i) AS g
"""


# the troubled payments' events: every 37th pending (an unknown answer first, every 74th),
# every 50th failed and refunded a day later
EVENTS = """
INSERT INTO payment_event (terminal, event_id, seq, ref_id, at, from_state, to_state, rc,
                           message, actor)
SELECT p.terminal, row_number() OVER (), 0, p.ref_id, e.at, e.from_state, e.to_state, e.rc, '',
       'forwarder'
FROM payment p CROSS JOIN LATERAL (VALUES
    (p.created_at, 'SENDING', CASE WHEN mod(p.local_id, 74) = 0 THEN 'UNKNOWN'
                                   WHEN p.state = 'PENDING' THEN 'PENDING' ELSE 'FAILED' END,
     ''),
    (to_char(p.created_at::timestamptz AT TIME ZONE 'Asia/Jakarta' + interval '1 day',
             'YYYY-MM-DD"T"HH24:MI:SS') || '+07:00', 'FAILED', 'REFUND_DUE', ''),
    (to_char(p.created_at::timestamptz AT TIME ZONE 'Asia/Jakarta' + interval '1 day 1 hour',
             'YYYY-MM-DD"T"HH24:MI:SS') || '+07:00', 'REFUND_DUE', 'REFUNDED', '')
) AS e(at, from_state, to_state, rc)
WHERE p.state IN ('PENDING', 'REFUNDED') AND (p.state = 'REFUNDED' OR e.to_state <> 'REFUND_DUE'
      AND e.to_state <> 'REFUNDED')
"""
# and as on a real counter, every confirmed payment's own event (most of the table)
SUCCESS_EVENTS = """
INSERT INTO payment_event (terminal, event_id, seq, ref_id, at, from_state, to_state, rc,
                           message, actor)
SELECT terminal, 100000000 + local_id, 0, ref_id, created_at, 'SENDING', 'SUCCESS', '00', '',
       'forwarder' FROM payment WHERE state = 'SUCCESS'
"""


def dashboard(cluster: PgCluster, rows: int) -> str:
    url = cluster.create_database("dashboard")
    root = hub_engine(url, SUPERPASS)
    schema.init(root)
    start = time.perf_counter()
    with root.begin() as conn:
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")  # minutes, not a push
        conn.exec_driver_sql("DROP INDEX payment_day")
        conn.exec_driver_sql(GENERATE.replace(":rows", str(rows)))
        conn.exec_driver_sql(EVENTS)
        conn.exec_driver_sql(SUCCESS_EVENTS)
        conn.exec_driver_sql(
            "CREATE INDEX payment_day ON payment (created_at) INCLUDE "
            "(terminal, cashier_id, state, total, premium, admin_fee, "
            "agent_price)"
        )
    with root.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        conn.exec_driver_sql("VACUUM ANALYZE payment")
        conn.exec_driver_sql("VACUUM ANALYZE payment_event")
    built = time.perf_counter() - start
    times, day = [], None
    view = HubView(root, FixedClock(datetime(2026, 11, 21, 20, tzinfo=WIB)))
    for _ in range(6):  # what `loket hub dashboard` reads on each refresh
        t = time.perf_counter()
        day = view.day(date(2026, 11, 21))
        times.append(time.perf_counter() - t)
    print(
        f"3. owner's dashboard for one day over {rows:,} hub rows ({day.figures.count:,} "
        f"payments that day, {len(day.outlets)} outlets; rows generated and indexed in "
        f"{built:.0f} s; the deposit per account: bench/hub_deposit.py): "
        f"first {times[0]:.2f} s, then median {statistics.median(times[1:]):.2f} s, "
        f"max {max(times[1:]):.2f} s (target <= 1 s)"
    )
    root.dispose()
    return url


def _month_figures(root, start: str, end: str, now: str):
    from loket.service.hub import reports as hub_reports
    from loket.service.hub.outlets import outlets_period

    figures = outlets_period(root, start, end, start[:7])
    a = hub_reports.across(root, figures, start, end)
    m = hub_reports.month_figures(root, figures, now)
    return figures, a, m, hub_reports.exceptions(root, start, end)


def monthly(url: str, runs: int = 3) -> None:
    from loket.printing.layouts import Shop
    from loket.reports import pdf
    from loket.reports.books import Books
    from loket.reports.figures import month_range
    from loket.service.hub import reports as hub_reports

    root = hub_engine(url, SUPERPASS)
    start, end = month_range(2026, 11)
    now = "2026-12-01T07:00:00+07:00"
    out = Path(tempfile.mkdtemp())
    figures_s, pdf_s, result = [], [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = _month_figures(root, start, end, now)
        figures_s.append(time.perf_counter() - t)
        figures, a, m, listed = result
        t = time.perf_counter()
        pdf.monthly_pdf(
            out / "bulanan.pdf",
            Shop("BENCH"),
            m,
            Books(figures.all, "deposit"),
            None,
            listed,
            now,
            a,
        )
        pdf_s.append(time.perf_counter() - t)
    assert result is not None
    figures, a, m, listed = result
    print(
        f"4. owner's monthly report over the hub ({figures.all.count:,} payments in 2026-11, "
        f"{len(figures.outlets)} outlets, {sum(m.failures.values()):,} failures by kind, "
        f"{len(listed):,} not final): figures median {statistics.median(figures_s):.2f} s "
        f"(first {figures_s[0]:.2f} s), PDF median {statistics.median(pdf_s):.2f} s "
        f"({(out / 'bulanan.pdf').stat().st_size / 1024:,.0f} KiB); medians of {runs}"
    )
    t = time.perf_counter()
    written = hub_reports.write(root, Shop("BENCH"), now, month=(2026, 11), csv=out / "m.csv")
    took = time.perf_counter() - t
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"   the whole report with the month's CSV of every payment ({written.rows:,} rows, "
        f"{(out / 'm.csv').stat().st_size / 2**20:,.0f} MiB) in {took:.0f} s; this process's "
        f"peak RSS {peak:,.0f} MiB"
    )
    root.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--rate", type=float, default=1.0, help="payments/s per counter (lag)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--idle", type=float, default=1.0, help="pusher poll interval (lag)")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: 0,1,2,3,4")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    cluster = PgCluster().init()
    with (cluster.data / "postgresql.conf").open("a") as conf:
        conf.write(
            "track_commit_timestamp = on\nfsync = on\nmax_connections = 200\n"
            "synchronous_commit = on\n"
        )
    cluster.start()
    try:
        if "0" not in skip:
            outbox_cost()
        if "1" not in skip:
            throughput(cluster, args.counters, args.payments)
        if "2" not in skip:
            lag(cluster, args.counters, args.rate, args.seconds, args.idle)
        if "3" not in skip or "4" not in skip:
            url = dashboard(cluster, args.rows)
            if "4" not in skip:
                monthly(url)
    finally:
        cluster.cleanup()


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
