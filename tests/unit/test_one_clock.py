"""Time comes from one clock: no reading of the wall clock in ``src/`` but through
``loket.clock`` (so a test's clock, ``LOKET_NOW``, reaches every process it starts)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import loket
from loket.clock import CLOCK_ENV, WIB, ClockSettingError, read_clock_env

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run

SRC = Path(loket.__file__).parent
# Readings of real time that are not the business clock, each for its reason.
ALLOWED = {
    "clock.py": "the one clock itself",
    "sim/app.py": "a signature's timestamp is checked against real time, as a real host does",
    "sim/host.py": "how long a simulated payment stays pending: a duration, not a date",
    "sim/profiles/engine.py": "the same for the aggregator profiles, and their status rate limit",
}
WALL_CLOCK = {
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}


def _readings(tree: ast.AST) -> list[int]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if (name, node.func.attr) in WALL_CLOCK:
                found.append(node.lineno)
    return found


def test_nothing_in_src_reads_the_wall_clock_but_the_clock():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative in ALLOWED:
            continue
        offenders += [f"{relative}:{line}" for line in _readings(ast.parse(path.read_text()))]
    assert offenders == []


def test_the_check_finds_a_reading():
    assert _readings(
        ast.parse(
            "import time\nfrom datetime import datetime\na = datetime.now()\nb = time.time()\n"
        )
    ) == [3, 4]


def test_a_test_clock_reaches_a_loket_process():
    """The child process's business date is the test's, not the machine's: a year away here."""
    when = datetime.now(WIB).replace(microsecond=0) + timedelta(days=400)
    code = "from loket.clock import SystemClock; print(SystemClock().now().isoformat())"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, CLOCK_ENV: when.isoformat()},
        timeout=60,
    )
    seen = datetime.fromisoformat(done.stdout.strip())
    assert timedelta(0) <= seen - when < timedelta(seconds=30)


def test_a_clock_setting_that_cannot_be_read_is_one_line():
    with pytest.raises(ClockSettingError, match="tanpa zona waktu"):
        read_clock_env("2026-11-21T10:00:00")
    done = subprocess.run(
        [sys.executable, "-m", "loket", "history"],
        capture_output=True,
        text=True,
        env={**os.environ, CLOCK_ENV: "besok"},
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "loket: LOKET_NOW='besok' bukan waktu ISO 8601 (contoh 2026-11-21T10:00:00+07:00)"
    ]
