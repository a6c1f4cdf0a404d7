"""Issue 12: the host deposit's movement per account on the owner's hub, over a long history.

Every payment leaves a deposit entry on its counter (the balance the host reported after it), so a
hub of 10 million payments holds about as many deposit entries, pushed as ``record`` rows. The
dashboard reads one account's movement on every refresh (30 s) and every report reads it too:
its cost must not grow with the history. Generates ``--entries`` entries for 20 counters over 90
days on a throwaway cluster (tests/hub/pgcluster.py) and times one day's movement for the account
all 20 share (medians of 5 runs), with the queries as ``hub/deposits.py`` makes them.

Run: .venv/bin/python bench/hub_deposit.py [--entries 2000000]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import percentile
from tests.hub.pgcluster import SUPERPASS, PgCluster

from loket.hub import deposits, schema
from loket.hub.connect import hub_engine

TERMINALS = [f"T{i:02d}" for i in range(20)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2_000_000)
    args = parser.parse_args()
    cluster = PgCluster().init().start()
    try:
        hub = hub_engine(cluster.create_database("hub"), SUPERPASS)
        schema.init(hub)
        started = time.perf_counter()
        with hub.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO record (terminal, kind, key, seq, data) "
                "SELECT 'T' || lpad(mod(i, 20)::text, 2, '0'), 'deposit', i::text, i, "
                "jsonb_build_object('id', i, 'at', to_char(timestamp '2026-08-24' + "
                f"make_interval(secs => i * 90.0 * 86400 / {args.entries}), "
                "'YYYY-MM-DD\"T\"HH24:MI:SS') || '+07:00', 'balance', 1000000000 - i, "
                "'change', -1, 'ref_id', 'R' || i) "
                f"FROM generate_series(1, {args.entries}) i"
            )
            conn.exec_driver_sql("ANALYZE record")
        print(
            f"{args.entries:,} deposit entries of 20 counters over 90 days generated in "
            f"{time.perf_counter() - started:.0f} s"
        )
        times = []
        for _ in range(5):
            t = time.perf_counter()
            w = deposits.window(hub, TERMINALS, "2026-11-21", "2026-11-22")
            times.append(time.perf_counter() - t)
        assert w.opening is not None and w.closing is not None
        print(
            f"one day's movement of the account the 20 share: median "
            f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
            f"(p95 {percentile(times, 0.95) * 1000:.0f} ms, n={len(times)})"
        )
        hub.dispose()
    finally:
        cluster.cleanup()


if __name__ == "__main__":
    main()
