"""Every file loket writes that holds names, numbers or money is the user's only, whatever the
umask: the reports and their folder (issue 19, item 6).
A report is written beside its place and renamed over it: a link planted where it goes is
replaced, never followed (item 7). Each case through the real command line, under umask 022."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from loket.store.db import open_database
from tests.durability import config_for, ledger, loket
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
    run = loket(config, "report", "daily", "--date", DAY, "--owner", "pemilik", *args,
                stdin=f"{OWNER_PIN}\n", umask=0o022)
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
        report(shop, "--out", str(out / "harian.pdf"), "--csv", str(out / "harian.csv"),
               "--xlsx", str(out / "harian.xlsx"))
        assert mode(out) == "0o755"
        assert [mode(out / f"harian.{ext}") for ext in ("pdf", "csv", "xlsx")] == ["0o600"] * 3


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
        assert load_workbook(folder / NAMES[2], read_only=True).sheetnames == \
            ["Ringkasan", "Transaksi"]

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
        run = loket(shop, "report", "daily", "--date", DAY, "--owner", "pemilik",
                    stdin=f"{OWNER_PIN}\n", limit_bytes=40 * 1024,
                    env={"LOKET_LOG_DIR": str(tmp_path / "log")})
        assert run.returncode == 1, run.stdout + run.stderr
        assert run.stderr.strip() == (f"loket: {last}: tidak bisa ditulis (file melebihi batas "
                                      f"ukuran); file itu tidak diubah. Kosongkan ruang disk "
                                      f"lalu coba lagi")
        assert last.read_bytes() == b"%PDF laporan yang dicetak kemarin"
        assert [p.name for p in folder.iterdir()] == [last.name]  # nothing half-written left
