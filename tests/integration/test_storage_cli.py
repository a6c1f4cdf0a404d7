"""The hostile disk through the real command line: a damaged database, a path that cannot be one,
a disk that fills up under `loket pay`, rows lost with a deleted WAL, a backup restored by hand.
Every case ends in an exit code and one line (or `loket doctor`'s one line per check), never a
traceback."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import escpos.capabilities
import pytest

from loket.store import anchor, verifying
from loket.store.opening import open_database
from tests.conftest import AGENT, KEY
from tests.durability import DAMAGE, NOW, config_for, damage, ledger, loket, one_line, pay
from tests.factories import set_account

# python-escpos writes a 300 kB pickle into a new temp folder on every import unless told where
# one is: point the children at ours, so a capped child fails on loket's files, not on that.
CHILD_ENV = {"ESCPOS_CAPABILITIES_PICKLE_DIR": os.path.dirname(escpos.capabilities.pickle_path)}


def numbers(sim, n: int = 10) -> list[str]:
    found = sim.call("GET", f"/_sim/customers?situation=current&limit={n}").json()
    return [c["card_no"] for c in found["data"]["customers"]]


def run_all(config: Path, commands: list[list[str]], **kw) -> list[subprocess.CompletedProcess]:
    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(lambda args: loket(config, *args, env=CHILD_ENV, **kw), commands))


class TestDamagedDatabase:
    @pytest.mark.parametrize("kind", DAMAGE)
    def test_every_command_says_so_in_one_line(self, tmp_path, sim, kind):
        db = ledger(tmp_path / "loket.db", paid=8)
        damage(db, kind)
        size = db.stat().st_size
        config = config_for(tmp_path, db, sim.url, AGENT, KEY)
        number = numbers(sim, 1)[0]
        commands = [["doctor"], ["pay", number, "--cash", "5000000"]]
        if kind in ("zero_length", "random_page"):  # one open path: two kinds are enough for these
            commands += [["inquiry", number], ["sync", "--once"]]
        doctor, *others = run_all(config, commands)
        for run in others:
            line = one_line(run)
            assert run.returncode == 1, (run.args, run.stderr)
            assert line.startswith(f"loket: {db}") and "loket doctor" in line, line
        assert doctor.returncode == 1 and "Traceback" not in doctor.stdout + doctor.stderr
        assert "[GAGAL]" in doctor.stdout and "Cadangan" in doctor.stdout
        assert db.stat().st_size == size  # nothing started over, nothing written
        assert sim.ledger() == []  # and nothing was sent

    @pytest.mark.parametrize(
        "path, says",
        [
            ("", "[database] path kosong"),
            ("{tmp}", "itu folder"),
            ("/dev/null", "bukan file biasa"),
            ("{tmp}/notes.txt", "bukan database SQLite"),
            ("~nosuchuser/loket.db", "pengguna 'nosuchuser' tidak ada"),
        ],
    )
    def test_a_path_that_cannot_be_a_database_is_a_configuration_mistake(
        self, tmp_path, sim, path, says
    ):
        (tmp_path / "notes.txt").write_text("bukan database\n" * 50)
        config = config_for(tmp_path, path.format(tmp=tmp_path), sim.url, AGENT, KEY)
        for run in run_all(config, [["inquiry", "0001000000011"], ["doctor"]]):
            line = one_line(run)
            assert run.returncode == 2 and "[database] path" in line and says in line, line


class TestDoctor:
    def test_a_healthy_database_passes_every_check_and_gets_a_backup(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=3)
        run = loket(config_for(tmp_path, db), "doctor", env=CHILD_ENV)
        assert run.returncode == 0, run.stdout + run.stderr
        lines = run.stdout.splitlines()
        assert [line.split(":")[0] for line in lines[1:]] == [
            "[OK]    File database",
            "[OK]    Integritas SQLite",
            "[OK]    Jangkar",
            "[OK]    Log audit",
            "[OK]    Ruang disk",
            "[OK]    Cadangan",
            "[OK]    Antrean",
        ]
        assert lines[-1] == "[OK]    Antrean: tidak ada pembayaran yang menunggu dikirim"
        [copy] = (tmp_path / "backups").iterdir()
        assert oct(copy.stat().st_mode & 0o777) == "0o600"
        assert sqlite3.connect(copy).execute("SELECT count(*) FROM payment").fetchone() == (3,)

    def test_acknowledged_rows_lost_with_a_deleted_wal_are_found(self, tmp_path):
        from tests.unit.test_anchor import wal_deleted_under_a_running_process

        db = tmp_path / "loket.db"
        wal_deleted_under_a_running_process(db)
        config = config_for(tmp_path, db)
        doctor, inquiry = run_all(config, [["doctor"], ["inquiry", "0001000000011"]])
        assert doctor.returncode == 1
        assert "[GAGAL] Jangkar: pembayaran sampai #6 (PAY-L3) sudah diakui" in doctor.stdout
        assert "Cadangan: dilewati" in doctor.stdout
        assert inquiry.returncode == 1 and "sudah diakui" in one_line(inquiry)

    def test_the_readme_restore_procedure(self, tmp_path, sim):
        db = ledger(tmp_path / "loket.db", paid=2)
        engine = open_database(db)
        set_account(engine, "pemilik", "246802", role="owner", now=NOW)
        engine.dispose()
        config = config_for(tmp_path, db, sim.url, AGENT, KEY)
        assert loket(config, "doctor", env=CHILD_ENV).returncode == 0  # the nightly backup
        [copy] = (tmp_path / "backups").iterdir()
        engine = open_database(db)
        for i in range(3):  # the day goes on after the backup
            pay(engine, f"PAY-AFTER{i}")
        engine.dispose()
        # the disk fails; the README: stop loket, keep the broken files, copy the backup over
        for name in ("loket.db", "loket.db-wal", "loket.db-shm"):
            if (tmp_path / name).exists():
                shutil.move(tmp_path / name, tmp_path / f"{name}.rusak")
        shutil.copy(copy, db)
        refused = loket(config, "inquiry", "0001000000011", env=CHILD_ENV)
        assert refused.returncode == 1 and "sudah diakui" in one_line(refused)
        check = loket(config, "doctor", env=CHILD_ENV)
        assert check.returncode == 1 and "[GAGAL] Jangkar" in check.stdout
        accepted = loket(
            config,
            "doctor",
            "--accept-restore",
            "--owner",
            "pemilik",
            stdin="246802\n",
            env=CHILD_ENV,
        )
        assert accepted.returncode == 0, accepted.stdout + accepted.stderr
        assert "Jangkar disetel ke database yang dipulihkan" in accepted.stderr
        assert loket(config, "inquiry", "0001000000011", env=CHILD_ENV).returncode == 0
        assert anchor.load(db).mark.payment_id == 2

    def test_a_cashier_cannot_accept_a_restore(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=1)
        engine = open_database(db)
        set_account(engine, "kasir2", "135790", now=NOW)
        engine.dispose()
        run = loket(
            config_for(tmp_path, db),
            "doctor",
            "--accept-restore",
            "--owner",
            "kasir2",
            stdin="135790\n",
            env=CHILD_ENV,
        )
        assert run.returncode == 1 and "Hanya pemilik" in one_line(run)


class TestAuditVerifyCommand:
    def test_a_dropped_audit_table_is_one_line(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=1)
        conn = sqlite3.connect(db)
        conn.execute("DROP TABLE auditentry")
        conn.commit()
        conn.close()
        run = loket(config_for(tmp_path, db), "audit", "verify", env=CHILD_ENV)
        assert run.returncode == 1 and "tabel database hilang" in one_line(run)

    def test_one_line_per_finding(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=3)
        engine = open_database(db)
        set_account(engine, "pemilik", "246802", role="owner", now=NOW)
        engine.dispose()
        conn = sqlite3.connect(db)
        conn.execute(
            "UPDATE payment SET state = 'REFUND_DUE' WHERE ref_id IN ('PAY-0000', 'PAY-0002')"
        )
        conn.commit()
        conn.close()
        run = loket(config_for(tmp_path, db), "audit", "verify", env=CHILD_ENV)
        lines = run.stderr.splitlines()
        assert run.returncode == 1 and len(lines) == 2 and "Traceback" not in run.stderr
        assert all(line.startswith("Log audit RUSAK: status pembayaran PAY-000") for line in lines)


def payments_in(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM payment").fetchone()[0]
    finally:
        conn.close()


def check_what_was_said(db: Path, line: str, before: int) -> None:
    """Space freed: the database is whole and what the line promised about the payment holds."""
    after = payments_in(db)
    if "BELUM tercatat" in line:
        assert after == before, line
    elif "sudah tercatat" in line:
        assert after == before + 1, line
    else:
        assert (
            "belum ada pembayaran yang diproses" in line
            or "perubahan terakhir tidak tersimpan" in line
        ), line
        assert after == before, line
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    engine = open_database(db)  # the anchor holds
    try:
        assert verifying.verify(engine).ok
    finally:
        engine.dispose()


class TestFullDisk:
    @pytest.mark.parametrize("limit_kb", [8, 32, 48, 96])  # open, a write, record, update
    def test_pay_on_a_disk_that_fills_up(self, tmp_path, sim, limit_kb):
        """Every file the child writes is capped (RLIMIT_FSIZE): from failing to open to
        failing after the host was paid, depending on where the cap falls."""
        db = ledger(tmp_path / "loket.db", paid=2)
        config = config_for(tmp_path, db, sim.url, AGENT, KEY)
        run = loket(
            config,
            "pay",
            numbers(sim, 1)[0],
            "--cash",
            "5000000",
            limit_bytes=limit_kb * 1024,
            env={**CHILD_ENV, "LOKET_LOG_DIR": str(tmp_path / "log")},
        )
        line = one_line(run)
        assert run.returncode == 1 and "disk" in line and f"loket: {db}" in line, line
        check_what_was_said(db, line, before=2)

    @pytest.mark.parametrize("left_kb", [12, 40, 120])
    def test_pay_on_a_really_full_file_system(self, sim, left_kb):
        """A small tmpfs filled to the brim, with a few pages left."""
        mount = Path(tempfile.mkdtemp(prefix="loket-full-"))
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            mount.rmdir()
            pytest.skip(
                f"cannot mount a tmpfs here ({done.stderr.strip()}); "
                f"the RLIMIT_FSIZE and max_page_count tests cover the full disk"
            )
        try:
            db = ledger(mount / "loket.db", paid=2)
            filler = mount / "filler"
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
            try:  # fill it, then leave a few pages
                while os.write(fd, b"\0" * 4096):
                    pass
            except OSError:
                pass
            finally:
                os.close(fd)
            os.truncate(filler, filler.stat().st_size - left_kb * 1024)
            config = config_for(mount, db, sim.url, AGENT, KEY)
            run = loket(
                config,
                "pay",
                numbers(sim, 1)[0],
                "--cash",
                "5000000",
                env={**CHILD_ENV, "LOKET_LOG_DIR": str(mount / "log")},
            )
            line = one_line(run)
            assert run.returncode == 1 and "disk penuh" in line, line
            filler.unlink()
            check_what_was_said(db, line, before=2)
        finally:
            subprocess.run(["umount", str(mount)], check=False)
            mount.rmdir()
