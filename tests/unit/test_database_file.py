"""The disk is hostile: a path that cannot be a database, a damaged file, a full disk, files anyone
could read. Each ends in one Indonesian line that says what is wrong, what is safe and what to do;
nothing is started over silently."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import event

from loket.clock import SystemClock
from loket.errors import StorageError
from loket.store import audit, backup, cashiers, payments, verifying
from loket.store import db as store_db
from loket.store.db import write
from loket.store.dbfile import DatabasePathError, DatabaseRefused
from loket.store.failures import StorageFailure
from loket.store.opening import open_database
from tests.durability import DAMAGE, NOW, damage, ledger, pay
from tests.factories import payment as make_payment

ROOT = os.geteuid() == 0


def one_line(exc: BaseException, path: Path | str) -> str:
    text = str(exc)
    assert "\n" not in text and str(path) in text, text
    return text


class TestConfiguredPath:
    """A ``[database] path`` that cannot be a database is a configuration mistake: exit 2."""

    @pytest.mark.parametrize("raw", ["", "   "])
    def test_an_empty_path(self, raw):
        with pytest.raises(DatabasePathError, match=r"\[database\] path kosong") as err:
            open_database(raw)
        assert err.value.exit_code == 2

    def test_a_folder(self, tmp_path):
        with pytest.raises(DatabasePathError, match="itu folder") as err:
            open_database(tmp_path)
        assert err.value.exit_code == 2 and "[database] path" in one_line(err.value, tmp_path)

    def test_dev_null(self):
        with pytest.raises(DatabasePathError, match="bukan file biasa") as err:
            open_database("/dev/null")
        assert err.value.exit_code == 2

    def test_a_file_that_is_not_sqlite(self, tmp_path):
        notes = tmp_path / "catatan.txt"
        notes.write_text("daftar belanja\n" * 200)
        with pytest.raises(DatabasePathError, match="bukan database SQLite") as err:
            open_database(notes)
        assert err.value.exit_code == 2
        assert notes.read_text() == "daftar belanja\n" * 200  # untouched

    def test_an_unknown_users_home(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        with pytest.raises(DatabasePathError, match="pengguna 'nosuchuser' tidak ada") as err:
            open_database("~nosuchuser/loket/loket.db")
        assert err.value.exit_code == 2
        assert not (tmp_path / "~nosuchuser").exists()  # no folder named after the typo

    def test_a_file_inside_a_file(self, tmp_path):
        (tmp_path / "berkas").write_text("x")
        with pytest.raises(DatabasePathError) as err:
            open_database(tmp_path / "berkas" / "loket.db")
        assert err.value.exit_code == 2


PROBE = textwrap.dedent("""
    import os, sys
    from loket.store import anchor  # everything imported first: nobody cannot read root's Python
    from loket.store.opening import open_database
    if os.geteuid() == 0:
        os.setgid(65534); os.setuid(65534)  # nobody: root ignores file modes
    try:
        open_database(sys.argv[1]).dispose()
        print("OPENED")
    except Exception as exc:
        print(getattr(exc, "exit_code", "?"), exc)
""")


@pytest.fixture
def shared_dir():
    """A folder a dropped-privilege child can reach (pytest's tmp_path is root-only)."""
    folder = Path(tempfile.mkdtemp(prefix="loket-ro-"))
    os.chmod(folder, 0o755)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def probe(path: Path) -> str:
    """Open ``path`` as a user who is not its owner (as ``nobody`` when the tests run as root)."""
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LOKET_AUDIT_KEY": "/nonexistent/k"},
    )
    assert "Traceback" not in run.stderr, run.stderr
    return run.stdout.strip()


class TestReadOnly:
    def test_a_read_only_database_file(self, shared_dir):
        db = ledger(shared_dir / "data" / "loket.db", paid=1)
        os.chmod(db.parent, 0o777)  # the folder may be written; the file may not
        os.chmod(db, 0o444)
        out = probe(db)
        assert out.startswith("2 ") and "hanya-baca" in out and "[database] path" in out, out

    def test_a_read_only_folder(self, shared_dir):
        folder = shared_dir / "data"
        db = ledger(folder / "loket.db", paid=1)
        if ROOT:
            for p in folder.iterdir():
                os.chown(p, 65534, 65534)  # the file is nobody's; the folder is not
        os.chmod(folder, 0o755)
        out = probe(db)
        assert out.startswith("2 ") and f"folder {folder} hanya-baca" in out, out

    def test_no_database_yet_in_a_read_only_folder(self, shared_dir):
        folder = shared_dir / "data"
        folder.mkdir(mode=0o755)
        out = probe(folder / "loket.db")
        assert out.startswith("2 ") and "tidak bisa dibuat" in out, out
        assert list(folder.iterdir()) == []


class TestDamagedFile:
    @pytest.mark.parametrize("kind", DAMAGE)
    def test_each_kind_of_damage_is_refused_in_one_line(self, tmp_path, kind):
        db = ledger(tmp_path / "loket.db", paid=8)
        damage(db, kind)
        size = db.stat().st_size
        with pytest.raises(StorageError) as err:
            open_database(db).dispose()
        assert err.value.exit_code == 1
        text = one_line(err.value, db)
        assert "loket doctor" in text
        assert db.stat().st_size == size  # never started over

    def test_a_zero_length_file_is_never_replaced_by_a_new_database(self, tmp_path):
        db = tmp_path / "loket.db"
        db.touch()
        with pytest.raises(DatabaseRefused, match="kosong .0 byte.*sengaja mulai baru"):
            open_database(db)
        assert db.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["loket.db"]

    def test_a_database_gone_after_payments_were_acknowledged_is_refused(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=2)
        for name in ("loket.db", "loket.db-wal", "loket.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        with pytest.raises(DatabaseRefused, match="file database tidak ada, padahal pembayaran"):
            open_database(db)
        assert not db.exists()

    def test_a_stray_wal_without_its_database_is_refused(self, tmp_path):
        (tmp_path / "loket.db-wal").write_bytes(b"x" * 100)
        with pytest.raises(DatabaseRefused, match="-wal masih ada"):
            open_database(tmp_path / "loket.db")


def limit_pages(engine, spare: int) -> None:
    """From now on the database cannot grow by more than ``spare`` pages: SQLITE_FULL."""
    with engine.connect() as conn:
        used = conn.exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(engine, "connect")
    def _full(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count={used + spare}")

    engine.pool.dispose()


class TestFullDisk:
    @pytest.mark.parametrize("spare", range(14))
    def test_every_fill_level_ends_in_one_line_that_says_whether_the_payment_is_recorded(
        self, tmp_path, spare
    ):
        db = ledger(tmp_path / "loket.db", paid=3)
        engine = open_database(db)
        limit_pages(engine, spare)
        said = None
        refs = [f"PAY-F{i:03d}" for i in range(40)]
        try:
            for ref in refs:  # the counter's writes, until the disk is full
                payments.record(
                    engine,
                    make_payment("RECORDED", ref_id=ref),
                    actor="kasir1",
                    state=payments.PaymentState.RECORDED,
                )
                payments.transition(
                    engine, ref, payments.PaymentState.SENDING, actor="kasir1", now=NOW
                )
                payments.transition(
                    engine, ref, payments.PaymentState.SUCCESS, actor="kasir1", now=NOW
                )
                audit.log(engine, NOW, "kasir1", "reprint", ref_id=ref)
        except StorageFailure as exc:
            said, failed_ref = exc, ref
        finally:
            engine.dispose()
        assert said is not None and said.kind == "full", "the disk never filled"
        text = one_line(said, db)
        assert "disk penuh" in text and "kosongkan ruang disk" in text.lower()
        reopened = open_database(db)  # space freed: everything that was said holds
        try:
            stored = payments.get(reopened, failed_ref)
            if "BELUM tercatat" in text:
                assert stored is None
            elif "sudah tercatat" in text:
                assert stored is not None and stored.state in ("RECORDED", "SENDING")
            else:
                assert "perubahan terakhir tidak tersimpan" in text
                assert stored is not None and stored.state == "SUCCESS"
            assert verifying.verify(reopened).ok
        finally:
            reopened.dispose()

    def test_a_commit_that_cannot_be_written_says_the_payment_was_not_recorded(self, tmp_path):
        from loket.store.failures import failure

        err = sqlite3.OperationalError("database or disk is full")
        err.sqlite_errorcode = 13
        text = str(failure(err, "loket.db", "record"))
        assert "BELUM tercatat" in text and "kembalikan uang" in text


class TestLockedTooLong:
    def test_a_writer_that_never_lets_go_is_one_line(self, tmp_path, monkeypatch):
        db = ledger(tmp_path / "loket.db", paid=1)
        monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
        engine = open_database(db)
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StorageFailure) as err, write(engine) as conn:
                audit.append(conn, NOW, "kasir1", "reprint", {})
            assert err.value.kind == "busy" and "dikunci proses lain" in str(err.value)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
            engine.dispose()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class TestFileModes:
    def test_everything_loket_creates_is_owner_only(self, tmp_path, monkeypatch):
        monkeypatch.setenv("LOKET_AUDIT_KEY", str(tmp_path / "config" / "loket" / "audit.key"))
        old = os.umask(0o022)
        try:
            db = tmp_path / "data" / "loket" / "loket.db"
            engine = open_database(db)
            cashiers.ensure_pos_account(engine, "kasir1", NOW)
            pay(engine, "PAY-1")
            for name in (
                "loket.db",
                "loket.db-wal",
                "loket.db-shm",
                "loket.db.anchor",
                "loket.db.anchor.lock",
            ):
                assert mode(db.with_name(name)) == 0o600, name
            for folder in (db.parent, db.parent.parent):
                assert mode(folder) == 0o700, folder
            assert mode(tmp_path / "config" / "loket" / "audit.key") == 0o600
            assert mode(tmp_path / "config" / "loket") == 0o700
            copy = backup.make(db, SystemClock().now())
            assert mode(copy) == 0o600 and mode(copy.parent) == 0o700
            engine.dispose()
        finally:
            os.umask(old)

    def test_a_world_readable_database_from_before_is_tightened(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=1)
        os.chmod(db, 0o644)
        open_database(db).dispose()
        assert mode(db) == 0o600
