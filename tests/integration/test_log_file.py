"""An unexpected error (a bug) is one line for the person and a whole traceback in the log file,
with the host key kept out of both (issue #9: errors that tell the truth, logging)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import AGENT, KEY
from tests.durability import config_for

# A bug planted in the counter service, in the child only; its message carries the key, as a
# careless exception might.
BUG = f"""
import sys
from loket.service.counter import CounterService

def broken(self, number, months_ahead=0):
    raise RuntimeError("bug while holding {KEY}")

CounterService.inquire = broken
from loket.cli.main import run
run()  # as the `loket` command does: the log must be on disk although teardown is skipped
"""


def test_a_bug_is_one_line_on_screen_and_a_traceback_in_the_log_without_the_key(tmp_path, sim):
    config = config_for(tmp_path, tmp_path / "loket.db", sim.url, AGENT, KEY)
    logs = tmp_path / "log"
    run = subprocess.run(
        [sys.executable, "-c", BUG, "--config", str(config), "inquiry", "0001000000011"],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "LOKET_LOG_DIR": str(logs)},
    )
    assert run.returncode == 70
    screen = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(screen) == 1 and "kesalahan tak terduga" in screen[0], run.stderr
    assert "Traceback" not in run.stderr + run.stdout and KEY not in run.stderr + run.stdout
    written = (logs / "loket.log").read_text()
    assert "Traceback (most recent call last)" in written and "RuntimeError" in written
    assert "in broken" in written  # the whole traceback, down to the line that failed
    assert KEY not in written and "[disembunyikan]" in written
    assert oct((logs / "loket.log").stat().st_mode & 0o777) == "0o600"


def test_a_reader_that_goes_away_is_no_error(tmp_path, sim):
    """``loket … | head``: the pipe closes before everything is written. Nothing to report, no
    bug line, no traceback; the exit code is a shell's for SIGPIPE."""
    config = config_for(tmp_path, tmp_path / "loket.db", sim.url, AGENT, KEY)
    read, write = os.pipe()
    os.close(read)
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "loket",
                "--config",
                str(config),
                "inquiry",
                "0001000000011",
                "--json",
            ],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=90,
            env={**os.environ, "LOKET_LOG_DIR": str(tmp_path / "log")},
        )
    finally:
        os.close(write)
    assert run.returncode == 141, run.stderr
    assert run.stderr == ""
