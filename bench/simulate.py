"""The seeded simulation (tests/simulation/): many seeds, their invariants, the first violation.

    .venv/bin/python bench/simulate.py --seeds 50 [--profile loket|digiflazz|iak|all]
        [--mutant NAME] [--steps 60] [--first-seed 0]

Prints ``runs=… events=… payments=… violations=…`` and the simulated payments per wall-clock
second; exits 1 on any violation, after printing the first one's seed, invariant and trace.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_LOGS = tempfile.mkdtemp(prefix="loket-simulate-")  # never the user's logs or audit key
os.environ.setdefault("LOKET_LOG_DIR", _LOGS)
os.environ.setdefault("LOKET_AUDIT_KEY", os.path.join(_LOGS, "audit.key"))
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", _LOGS)

from tests.simulation import mutants  # noqa: E402
from tests.simulation.driver import run  # noqa: E402
from tests.simulation.invariants import Violation  # noqa: E402

PROFILES = ("loket", "digiflazz", "iak")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--profile", choices=(*PROFILES, "all"), default="all")
    parser.add_argument("--mutant", choices=mutants.NAMES, default=None)
    parser.add_argument("--steps", type=int, default=60)
    args = parser.parse_args()
    profiles = PROFILES if args.profile == "all" else (args.profile,)
    runs = events = paid = 0
    violations: list[Violation] = []
    started = time.perf_counter()
    with mutants.active(args.mutant):
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for profile in profiles:
                runs += 1
                try:
                    done = run(seed, profile, args.steps)
                except Violation as violation:
                    violations.append(violation)
                    events += len(violation.trace)
                    continue
                events += done.events
                paid += done.payments
    wall = time.perf_counter() - started
    print(
        f"runs={runs} events={events} payments={paid} violations={len(violations)}"
        f" mutant={args.mutant or '-'} steps={args.steps}"
    )
    print(f"{paid / wall:.1f} simulated payments per wall-clock second ({wall:.1f} s)")
    if violations:
        print(f"first violation:\n{violations[0]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
