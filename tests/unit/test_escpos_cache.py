"""python-escpos's parsed printer database is cached in loket's cache folder, written whole."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import os
from loket.printing.escpos_render import _escpos_cache
_escpos_cache()
import escpos.capabilities
print(os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR", ""))
"""


def test_the_first_start_writes_the_cache_whole_and_the_next_one_reads_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    folder = tmp_path / "loket" / "escpos"
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60
        )
        assert run.returncode == 0, run.stderr
        # children of the process read the shared folder, never a folder that is gone
        assert run.stdout.strip() == str(folder)
    entries = sorted(p.name for p in folder.iterdir())
    assert len(entries) == 1 and entries[0].endswith(".capabilities.pickle")  # no leftovers
    assert (folder / entries[0]).stat().st_size > 10_000


def test_first_starts_side_by_side_never_read_a_half_written_cache(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(6)
    ]
    for run in runs:
        _out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
