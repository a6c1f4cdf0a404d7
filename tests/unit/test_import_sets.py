"""Each command pays only for what it uses (issue 11): the modules a `loket` command has loaded when
it exits, checked in a child process. A failure names the heavy package that crept back in and the
command that now imports it at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import AGENT, KEY
from tests.durability import config_for, ledger

# What each command must never have imported by the time it exits.
HEAVY = ("escpos", "reportlab", "openpyxl", "alembic", "textual", "starlette", "uvicorn")
NOT_FOR_VERSION = (*HEAVY, "sqlalchemy", "sqlmodel", "httpx", "pydantic")

# Runs `loket ARGS` as `python -m loket` would, then writes the loaded top-level packages.
WRAPPER = """
import atexit, json, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "loket"
runpy.run_module("loket", run_name="__main__", alter_sys=True)
"""


def loaded(tmp_path: Path, *args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    out = tmp_path / "modules.json"
    run = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(out), *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=dict(os.environ),
    )
    assert "Traceback" not in run.stderr, run.stderr
    names = json.loads(out.read_text())  # every module, and every top-level package
    return {*names, *(name.split(".")[0] for name in names)}, run


def test_version_loads_neither_the_database_nor_the_network(tmp_path):
    modules, run = loaded(tmp_path, "--version")
    assert run.returncode == 0 and run.stdout.startswith("loket ")
    assert modules.isdisjoint(NOT_FOR_VERSION), sorted(modules & set(NOT_FOR_VERSION))


@pytest.fixture
def config(tmp_path, sim) -> Path:
    db = ledger(tmp_path / "loket.db", paid=0)  # a current schema, and the POS account
    return config_for(tmp_path, db, sim.url, AGENT, KEY)


@pytest.mark.parametrize(
    "args, also_allowed",
    [
        (["inquiry", "0001000000011", "--json"], ()),
        (["inquiry", "0001000000011"], ()),
        (
            ["pay", "0001000000011", "--cash", "110000", "--json"],
            ("escpos",),
        ),  # the slip is printed
        (["sync", "--once"], ()),
    ],
)
def test_a_headless_command_on_a_current_schema_loads_nothing_it_does_not_use(
    tmp_path, config, args, also_allowed
):
    modules, run = loaded(tmp_path, "--config", str(config), *args)
    assert run.returncode == 0, run.stderr
    forbidden = set(HEAVY) - set(also_allowed)
    assert modules.isdisjoint(forbidden), sorted(modules & forbidden)
    assert {"sqlalchemy", "httpx"} <= modules  # the wrapper saw a real run, not an early exit
    # a counter on the native host pays for no other host's adapter
    assert "loket.host.native" in modules
    assert modules.isdisjoint({"loket.host.digiflazz", "loket.host.iak"})


def test_alembic_is_loaded_when_the_schema_is_behind_and_then_no_more(tmp_path, sim):
    config = config_for(tmp_path, tmp_path / "new.db", sim.url, AGENT, KEY)
    first, run = loaded(tmp_path, "--config", str(config), "inquiry", "0001000000011")
    assert run.returncode == 0, run.stderr
    assert "alembic" in first  # a new database is migrated
    again, run = loaded(tmp_path, "--config", str(config), "inquiry", "0001000000011")
    assert run.returncode == 0 and "alembic" not in again


def test_the_head_read_from_the_migration_files_is_alembics_head():
    from alembic.script import ScriptDirectory

    from loket.store.db import _alembic, code_head

    assert code_head() == ScriptDirectory.from_config(_alembic()).get_current_head() is not None


@pytest.mark.parametrize(
    "files, head",
    [
        (
            {
                "0001_a.py": "revision = '0001'\ndown_revision = None\n",
                "0002_b.py": 'revision: str = "0002"\ndown_revision: Union[str, None] = "0001"  # x\n',
            },
            "0002",
        ),
        (
            {
                "0001_a.py": "revision = '0001'\ndown_revision = None\n",
                "0002_b.py": "revision = '0002'\ndown_revision = ('0001', '0003')\n",
                "0003_c.py": "revision = '0003'\ndown_revision = '0001'\n",
            },
            None,
        ),  # a merge: ask Alembic
        (
            {
                "0001_a.py": "revision = '0001'\ndown_revision = None\n",
                "0002_b.py": "revision = REVISION\ndown_revision = '0001'\n",
            },
            None,
        ),  # not plain
        (
            {
                "0001_a.py": "revision = '0001'\ndown_revision = None\n",
                "0002_b.py": "revision = '0002'\ndown_revision = '0001'\n",
                "0003_c.py": "revision = '0003'\ndown_revision = '0001'\n",
            },
            None,
        ),  # two heads
    ],
)
def test_a_migration_the_fast_reading_cannot_be_sure_of_is_left_to_alembic(tmp_path, files, head):
    from loket.store.db import code_head

    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert code_head(tmp_path) == head
