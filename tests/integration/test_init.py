"""`loket init` as an owner setting up counters runs it (issue 17.10): every answer as a flag,
the PIN from standard input, a used database refused before any PIN, nothing half written."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run

FLAGS = [
    "--shop-name",
    "Warung Bu Sri",
    "--address",
    "Jl. Mawar 1",
    "--adapter",
    "digiflazz",
    "--username",
    "bususri",
    "--url",
    "https://api.digiflazz.com",
    "--key-env",
    "LOKET_HOST_KEY",
    "--sku",
    "bpjs",
    "--testing",
    "--printer",
    "none",
    "--admin-fee",
    "2500",
    "--no-hub",
    "--owner-id",
    "pemilik",
    "--owner-name",
    "Bu Sri",
    "--pos-account",
    "pos",
]


def init(
    home: Path,
    terminal: str,
    *flags: str,
    stdin: str = "582914\n582914\n",
    database: Path | None = None,
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LOKET_AUDIT_KEY"}
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "LOKET_HOST_KEY": "k" * 12,
    }
    db = database or home / terminal / "loket.db"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "loket",
            "init",
            "--config",
            str(home / terminal / "config.toml"),
            "--database",
            str(db),
            "--terminal",
            terminal,
            *flags,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )


@pytest.fixture
def home(tmp_path):
    return tmp_path


def test_two_counters_set_up_by_script_ask_nothing_and_keep_their_own_keys(home):
    for terminal in ("T01", "T02"):
        run = init(home, terminal, *FLAGS)
        assert run.returncode == 0, run.stderr
        assert "[" not in run.stdout  # no question with a default was asked: the flags said it
        assert "582914" not in run.stdout + run.stderr
    config = tomllib.loads((home / "T01" / "config.toml").read_text())
    assert config["host"] == {
        "adapter": "digiflazz",
        "url": "https://api.digiflazz.com",
        "key_env": "LOKET_HOST_KEY",
        "username": "bususri",
        "sku": "bpjs",
        "testing": True,
    }
    assert config["printer"] == {"backend": "none"}  # no paper width for no printer
    assert "hub" not in config
    keys = [(home / t / "loket.db.audit.key").read_bytes() for t in ("T01", "T02")]
    assert keys[0] != keys[1] and not (home / "config" / "loket" / "audit.key").exists()


def test_the_new_counter_has_its_owner_and_its_pos_account(home, monkeypatch):
    assert init(home, "T01", *FLAGS).returncode == 0
    from loket.clock import SystemClock
    from loket.service.accounts import AccountDesk
    from loket.store.opening import open_database

    monkeypatch.delenv("LOKET_AUDIT_KEY")  # the key beside the database, as the counter reads it
    engine = open_database(home / "T01" / "loket.db")
    try:
        desk = AccountDesk(engine, SystemClock())
        assert desk.login("pemilik", "582914").account.is_owner
        assert desk.pos_account("pos").role == "cashier"
    finally:
        engine.dispose()


def test_a_database_in_use_is_refused_before_any_pin_and_nothing_is_written(home):
    assert init(home, "T01", *FLAGS).returncode == 0
    again = init(home, "T05", *FLAGS, stdin="", database=home / "T01" / "loket.db")
    assert again.returncode == 2 and "PIN" not in again.stdout
    assert again.stderr.strip().startswith(
        f"loket: Database {home / 'T01' / 'loket.db'} sudah dipakai"
    )
    assert not (home / "T05").exists()


@pytest.mark.parametrize(
    "stdin, said",
    [
        ("123456\n123456\n", "mudah ditebak"),
        ("582914\n582915\n", "PIN tidak sama"),
        ("", "Input habis"),
    ],
)
def test_a_set_up_that_fails_at_the_end_writes_no_configuration(home, stdin, said):
    run = init(home, "T03", *FLAGS, stdin=stdin)
    assert run.returncode == 2 and said in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert not (home / "T03" / "config.toml").exists()


@pytest.mark.parametrize(
    "flags, said",
    [
        (["--adapter", "paypal"], "--adapter: pilih salah satu: loket, digiflazz, iak"),
        (["--adapter", "loket", "--sku", "x"], "--sku tidak berlaku untuk adapter loket"),
        (["--printer", "none", "--columns", "48"], "--columns tidak berlaku untuk printer none"),
    ],
)
def test_a_wrong_flag_is_one_line_before_any_question(home, flags, said):
    run = init(home, "T04", *flags, stdin="")
    assert run.returncode == 2 and said in run.stderr and run.stdout == ""
    assert not (home / "T04").exists()
