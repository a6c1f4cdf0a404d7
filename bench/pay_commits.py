"""How many SQLite commits and fsyncs one payment through ``loket serve``'s desk costs.

Counted in-process on the same ``PosDesk`` that ``loket serve`` asks (service/pos.py), against
the local simulator: SQLite's own commits (``COMMIT`` statements the engine sends, counted by
an event listener) and the fsyncs ``os.fsync`` is asked for (the anchor file and its folder).

    .venv/bin/python bench/pay_commits.py [--pays 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402
from tests.conftest import make_runtime, start_sim  # noqa: E402

from loket.service.pos import PosDesk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pays", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="loket-bench-commits-"))
    os.environ.update(
        {"LOKET_LOG_DIR": str(tmp / "logs"), "LOKET_AUDIT_KEY": str(tmp / "audit.key")}
    )
    sim = start_sim(pending_delay_s=0.3)
    sim.deposit(10**12)
    rt = make_runtime(tmp, sim)
    numbers = [
        c["card_no"]
        for c in sim.call("GET", f"/_sim/customers?situation=current&limit={args.pays + 1}").json()[
            "data"
        ]["customers"]
    ]
    desk = PosDesk(rt.counter, rt.accounts, rt.config.counter.pos_account)
    desk.pay("warm-up-key-0", numbers[-1], 5_000_000)  # the POS account and its shift
    commits: list[str] = []
    syncs: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        syncs.append(fd)
        real_fsync(fd)

    event.listen(rt.engine, "commit", lambda conn: commits.append("commit"))
    os.fsync = counting_fsync
    try:
        states = []
        for i, number in enumerate(numbers[: args.pays]):
            states.append(desk.pay(f"bench-key-{i:04d}", number, 5_000_000)["state"])
    finally:
        os.fsync = real_fsync
        rt.close()
        sim.thread.stop()
    print(
        f"{args.pays} payments ({', '.join(sorted(set(states)))}): "
        f"{len(commits) / args.pays:.1f} commits and {len(syncs) / args.pays:.1f} fsyncs "
        f"(os.fsync) a payment"
    )


if __name__ == "__main__":
    main()
