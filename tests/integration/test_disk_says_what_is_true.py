"""A full or read-only disk is said as it is (issue 19, item 9): `loket serve` starting on a full
disk while it recovers a payment a killed process left behind names that payment (nobody is
paying: there is no "this payment"); a disk mounted read-only is not a matter of chmod."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from loket.store import payments
from loket.store.failures import failure
from loket.store.opening import open_database
from tests.durability import NOW, S, config_for, in_mount_namespace, ledger, one_line
from tests.factories import payment as make_payment

ENV = {"LOKET_SERVE_TOKEN": "token-yang-cukup-panjang"}

# `loket` in a child whose database cannot grow by more than SPARE pages from the moment each
# connection opens: SQLite's own SQLITE_FULL, where a real full disk would give it.
FULL_AFTER = """
import sys
from sqlalchemy import event
from loket.store import db as store_db
spare = int(sys.argv.pop(1))
made = store_db.make_engine
def make_engine(path, key=None):
    engine = made(path, key)
    @event.listens_for(engine, "connect")
    def _full(dbapi_connection, _record):
        used = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={used + spare}")
    return engine
store_db.make_engine = make_engine
from loket.cli.main import run
run()
"""


def left_sending(db: Path, ref: str) -> Path:
    """A ledger with ``ref`` left SENDING by a counter that was killed mid-call."""
    ledger(db, paid=2)
    engine = open_database(db)
    payments.record(engine, make_payment("RECORDED", ref_id=ref), actor="kasir1", state=S.RECORDED)
    payments.transition(engine, ref, S.SENDING, actor="kasir1", now=NOW)
    engine.dispose()
    return db


def test_serve_starting_on_a_full_disk_names_the_payment_it_was_recovering(tmp_path):
    db = left_sending(tmp_path / "loket.db", "PAY-DITINGGAL")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            FULL_AFTER,
            "0",
            "--config",
            str(config_for(tmp_path, db)),
            "serve",
            "--port",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, **ENV, "LOKET_LOG_DIR": str(tmp_path / "log")},
    )
    line = one_line(run)
    assert run.returncode == 1 and "disk penuh" in line, line
    assert "pembayaran ini" not in line  # no payment was being made
    assert "pembayaran PAY-DITINGGAL sudah tercatat; perubahan statusnya belum tersimpan" in line
    engine = open_database(db)  # and it is so
    try:
        assert payments.get(engine, "PAY-DITINGGAL").state == S.SENDING
    finally:
        engine.dispose()


def on_read_only(folder: Path, *command: str, env: dict | None = None):
    """``command`` with ``folder`` bind-mounted read-only over itself."""
    return in_mount_namespace(
        f'mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}" "{folder}"',
        *command,
        env={**ENV, **(env or {})},
    )


@pytest.mark.parametrize(
    "args", [("serve", "--port", "0"), ("inquiry", "0001000000011"), ("sync", "--once")]
)
def test_a_database_on_a_read_only_disk_is_not_a_matter_of_chmod(tmp_path, args):
    data = tmp_path / "data"
    db = ledger(data / "loket.db", paid=1)
    config = config_for(tmp_path, db)
    run = on_read_only(
        data,
        sys.executable,
        "-m",
        "loket",
        "--config",
        str(config),
        *args,
        env={"LOKET_LOG_DIR": str(tmp_path / "log")},
    )
    line = one_line(run)
    assert run.returncode == 1, (run.returncode, line)
    assert "chmod 600" not in line and "hanya-baca (read-only)" in line and "disk" in line, line
    assert "belum ada pembayaran yang diproses" in line


def test_a_new_database_on_a_read_only_disk(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    run = on_read_only(
        data,
        sys.executable,
        "-m",
        "loket",
        "--config",
        str(config_for(tmp_path, data / "loket.db")),
        "inquiry",
        "0001000000011",
        env={"LOKET_LOG_DIR": str(tmp_path / "log")},
    )
    line = one_line(run)
    assert run.returncode == 1 and "hanya-baca (read-only)" in line and "disk" in line, line
    assert list(data.iterdir()) == []


WRITE_ON_READ_ONLY = """
import sqlite3, sys
from loket.store.failures import failure
conn = sqlite3.connect(sys.argv[1])  # SQLite opens it read-only: the disk is
try:
    conn.execute("UPDATE payment SET updated_at = updated_at")
except sqlite3.Error as exc:
    print(failure(exc, sys.argv[1], "update"))
"""


def test_a_write_refused_by_a_read_only_disk_says_so(tmp_path):
    """The disk turned read-only under a running loket (a failing flash disk does): SQLite's
    own error, on a real read-only mount."""
    data = tmp_path / "data"
    db = ledger(data / "loket.db", paid=1)
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    run = on_read_only(data, sys.executable, "-c", WRITE_ON_READ_ONLY, str(db))
    said = run.stdout.strip()
    assert said.startswith(f"{db}: disk tempat database hanya-baca (read-only)"), run
    assert "izin file" not in said and "chmod tidak menolong" in said
    # the same refusal on a writable disk: the file's or the folder's permissions, as before
    err = sqlite3.OperationalError("attempt to write a readonly database")
    err.sqlite_errorcode = 8
    assert "Periksa izin file dan folder database" in str(failure(err, str(db), "update"))
