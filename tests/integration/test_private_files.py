"""Every file loket writes that holds names, numbers or money is the user's only, whatever the
umask: reports, the file printer's slips, the log, the configuration's folder (issue 19, item 6).
A report is written beside its place and renamed over it: a link planted where it goes is
replaced, never followed (item 7). Each case through the real command line, under umask 022."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from loket.store.opening import open_database
from tests.durability import config_for, in_mount_namespace, ledger, loket
from tests.factories import set_account

OWNER_PIN = "246802"
DAY = "2026-11-21"  # the ledger's payments are made on it
NAMES = [f"laporan-harian-{DAY}.{ext}" for ext in ("pdf", "csv", "xlsx")]


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.lstat().st_mode))


@pytest.fixture
def shop(tmp_path) -> Path:
    """A counter with three payments on DAY, an owner, and a file printer in ``cetak/``."""
    db = ledger(tmp_path / "loket.db", paid=3)
    engine = open_database(db)
    set_account(engine, "pemilik", OWNER_PIN, role="owner")
    engine.dispose()
    config = config_for(tmp_path, db)
    with config.open("a") as f:
        f.write(f'[printer]\nbackend = "file"\npath = "{tmp_path / "cetak" / "printer.bin"}"\n')
    return config


def report(config: Path, *args: str) -> subprocess.CompletedProcess:
    run = loket(
        config,
        "report",
        "daily",
        "--date",
        DAY,
        "--owner",
        "pemilik",
        *args,
        stdin=f"{OWNER_PIN}\n",
        umask=0o022,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    return run


class TestTheUsersOnly:
    @pytest.mark.parametrize("old_folder", [False, True], ids=["new", "made-0755-before"])
    def test_reports_and_their_folder(self, tmp_path, shop, old_folder):
        folder = tmp_path / "laporan"
        if old_folder:  # an earlier loket made it open to everyone
            folder.mkdir()
            os.chmod(folder, 0o755)
        report(shop)
        assert mode(folder) == "0o700"
        assert sorted(p.name for p in folder.iterdir()) == sorted(NAMES)  # no temp files left
        assert [mode(folder / name) for name in NAMES] == ["0o600"] * 3

    def test_reports_named_elsewhere(self, tmp_path, shop):
        out = tmp_path / "kirim"
        out.mkdir(mode=0o755)  # the owner's own folder: left as it is
        report(
            shop,
            "--out",
            str(out / "harian.pdf"),
            "--csv",
            str(out / "harian.csv"),
            "--xlsx",
            str(out / "harian.xlsx"),
        )
        assert mode(out) == "0o755"
        assert [mode(out / f"harian.{ext}") for ext in ("pdf", "csv", "xlsx")] == ["0o600"] * 3

    def test_the_file_printers_slips(self, tmp_path, shop):
        slips = tmp_path / "cetak" / "printer.bin"
        for _ in range(2):
            run = loket(shop, "print-test", umask=0o022)
            assert run.returncode == 0, run.stderr
        assert mode(slips.parent) == "0o700" and mode(slips) == "0o600"
        os.chmod(slips, 0o644)  # written by an earlier loket
        assert loket(shop, "print-test", umask=0o022).returncode == 0
        assert mode(slips) == "0o600" and slips.read_bytes().count(b"\x1b@") >= 3  # appended

    def test_the_log_after_it_rotates(self, tmp_path):
        logs = tmp_path / "log"
        child = (
            "import logging, os; os.umask(0o022); from loket import logs; "
            "logs.MAX_BYTES = 2000; logs.setup(); "
            "[logging.getLogger('loket.test').warning('pembayaran %d', i) for i in range(400)]"
        )
        done = subprocess.run(
            [sys.executable, "-c", child],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "LOKET_LOG_DIR": str(logs)},
        )
        assert done.returncode == 0, done.stderr
        written = sorted(logs.iterdir())
        assert len(written) > 2  # it did rotate
        assert {p.name: mode(p) for p in written} == {p.name: "0o600" for p in written}

    def test_the_configuration_folder_loket_init_makes(self, tmp_path):
        env = {k: v for k, v in os.environ.items() if k != "LOKET_AUDIT_KEY"}
        config = tmp_path / "konfigurasi" / "loket" / "config.toml"
        child = "import os, sys; os.umask(0o022); from loket.cli.main import run; run()"
        run = subprocess.run(
            [
                sys.executable,
                "-c",
                child,
                "init",
                "--config",
                str(config),
                "--database",
                str(tmp_path / "data" / "loket.db"),
                "--terminal",
                "T01",
                "--shop-name",
                "Warung",
                "--address",
                "Jl. Mawar 1",
                "--adapter",
                "loket",
                "--agent-id",
                "AGT-1",
                "--url",
                "https://host.contoh.id",
                "--key-env",
                "LOKET_HOST_KEY",
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
            ],
            input="582914\n582914\n",
            capture_output=True,
            text=True,
            timeout=90,
            env={**env, "LOKET_HOST_KEY": "k" * 12},
        )
        assert run.returncode == 0, run.stderr
        assert [mode(p) for p in (config.parent.parent, config.parent, config)] == [
            "0o700",
            "0o700",
            "0o600",
        ]


class TestNeverThroughALink:
    def test_links_planted_in_the_report_folder_are_replaced(self, tmp_path, shop):
        folder = tmp_path / "laporan"
        folder.mkdir(mode=0o700)
        victims = []
        for i, name in enumerate(NAMES):
            victim = tmp_path / f"milik-orang-lain-{i}"
            if i < 2:  # an existing file; the last link dangles, to where a file would appear
                victim.write_bytes(b"jangan ditimpa\n")
            victims.append(victim)
            (folder / name).symlink_to(victim)
        report(shop)
        assert [v.read_bytes() for v in victims[:2]] == [b"jangan ditimpa\n"] * 2
        assert not victims[2].exists()
        for name in NAMES:
            assert not (folder / name).is_symlink() and mode(folder / name) == "0o600"
        assert (folder / NAMES[0]).read_bytes().startswith(b"%PDF")
        assert (folder / NAMES[1]).read_text(encoding="utf-8-sig").startswith("Ref loket;")
        assert load_workbook(folder / NAMES[2], read_only=True).sheetnames == [
            "Ringkasan",
            "Transaksi",
        ]

    def test_a_link_given_as_the_output(self, tmp_path, shop):
        victim = tmp_path / "catatan-penting.txt"
        victim.write_text("jangan ditimpa\n")
        out = tmp_path / "harian.csv"
        out.symlink_to(victim)
        report(shop, "--out", str(tmp_path / "harian.pdf"), "--csv", str(out))
        assert victim.read_text() == "jangan ditimpa\n"
        assert not out.is_symlink() and mode(out) == "0o600"


class TestAFailedWrite:
    def test_the_last_report_stays_whole_and_one_line_says_why(self, tmp_path, shop):
        """The disk fills up under the PDF (every file the child writes is capped at 40 kB,
        RLIMIT_FSIZE; the PDF is bigger, the database's own writes are not)."""
        folder = tmp_path / "laporan"
        folder.mkdir(mode=0o700)
        last = folder / NAMES[0]
        last.write_bytes(b"%PDF laporan yang dicetak kemarin")
        run = loket(
            shop,
            "report",
            "daily",
            "--date",
            DAY,
            "--owner",
            "pemilik",
            stdin=f"{OWNER_PIN}\n",
            limit_bytes=40 * 1024,
            env={"LOKET_LOG_DIR": str(tmp_path / "log")},
        )
        assert run.returncode == 1, run.stdout + run.stderr
        assert run.stderr.strip() == (
            f"loket: {last}: tidak bisa ditulis (file melebihi batas "
            f"ukuran); file itu tidak diubah. Kosongkan ruang disk "
            f"lalu coba lagi"
        )
        assert last.read_bytes() == b"%PDF laporan yang dicetak kemarin"
        assert [p.name for p in folder.iterdir()] == [last.name]  # nothing half-written left

    def test_a_workbook_on_a_disk_that_is_full(self, tmp_path, shop):
        """The XLSX onto a flash disk with no room (a 4 kB tmpfs): one line, no traceback (an
        openpyxl zip left half-written once printed one), nothing half-written left there."""
        flash = tmp_path / "flashdisk"
        flash.mkdir()
        run = in_mount_namespace(
            f'mount -t tmpfs -o size=4k none "{flash}"',
            sys.executable,
            "-c",
            "import os, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
            f"print(sorted(os.listdir({str(flash)!r}))); sys.exit(code)",
            sys.executable,
            "-m",
            "loket",
            "--config",
            str(shop),
            "report",
            "daily",
            "--date",
            DAY,
            "--owner",
            "pemilik",
            "--out",
            str(tmp_path / "harian.pdf"),
            "--xlsx",
            str(flash / "harian.xlsx"),
            stdin=f"{OWNER_PIN}\n",
            env={"LOKET_LOG_DIR": str(tmp_path / "log")},
        )
        assert run.returncode == 1, run.stdout + run.stderr
        assert run.stderr.strip() == (
            f"loket: {flash / 'harian.xlsx'}: tidak bisa ditulis (disk "
            f"penuh); file itu tidak diubah. Kosongkan ruang disk lalu "
            f"coba lagi"
        )
        assert run.stdout.strip().splitlines()[-1] == "[]"  # the full disk holds nothing of it

    def test_a_report_onto_a_read_only_disk(self, tmp_path, shop):
        usb = tmp_path / "usb"  # a flash disk with its lock switch on
        usb.mkdir()
        run = in_mount_namespace(
            f'mount --bind "{usb}" "{usb}" && mount -o remount,ro,bind "{usb}" "{usb}"',
            sys.executable,
            "-m",
            "loket",
            "--config",
            str(shop),
            "report",
            "daily",
            "--date",
            DAY,
            "--owner",
            "pemilik",
            "--out",
            str(usb / "harian.pdf"),
            stdin=f"{OWNER_PIN}\n",
            env={"LOKET_LOG_DIR": str(tmp_path / "log")},
        )
        assert run.returncode == 1, run.stdout + run.stderr
        assert run.stderr.strip() == (
            f"loket: {usb / 'harian.pdf'}: tidak bisa ditulis (disk "
            f"hanya-baca, read-only); file itu tidak diubah. Periksa "
            f"disknya lalu pasang ulang dengan izin tulis, atau pilih "
            f"folder lain"
        )
