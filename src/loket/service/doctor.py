"""``loket doctor`` (also ``loket db check``): is the database whole, and is there a safe copy?
And last, does its queue get through to the host (service/queue_health.py)?

One line per check, in Indonesian; exit 0 only when every check passes. The queue is checked
after the backup: a stuck queue is a reason to act, not to keep a whole database uncopied. It
looks at files that ``open_database`` would refuse, so it never migrates, never starts the
simulator and never writes to the database, except with ``--accept-restore`` (the owner's,
after restoring a backup on purpose: the anchor is set back to what the restored database
holds, and the audit log says so).
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import SystemClock, iso
from loket.errors import LoketError
from loket.service import queue_health
from loket.store import (
    anchor,
    auditkey,
    backup,
    cashiers,
    dbfile,
    failures,
    files,
    verifying,
)
from loket.store.db import make_engine, migrate, schema_behind

SHOWN = 10
MIN_FREE = 20 * 1024 * 1024


@dataclass
class Checks:
    out: Callable[[str], None] = print
    failed: int = field(default=0)

    def ok(self, name: str, text: str) -> None:
        self.out(f"[OK]    {name}: {text}")

    def fail(self, name: str, text: str, details: list[str] | tuple[str, ...] = ()) -> None:
        self.failed += 1
        self.out(f"[GAGAL] {name}: {text}")
        for line in details[:SHOWN]:
            self.out(f"        - {line}")
        if len(details) > SHOWN:
            self.out(f"        - … dan {len(details) - SHOWN} lagi")

    def skip(self, name: str, why: str) -> None:
        self.out(f"[-]     {name}: dilewati, {why}")


def database_path(configured: str) -> Path:
    """The configured database path, checked as ``open_database`` would check it."""
    return dbfile.checked_path(configured)


def run(path: Path, out: Callable[[str], None] = print) -> int:
    """Every check, one line each; 0 only when all pass (a backup is made when the database
    passed)."""
    checks = Checks(out)
    out(f"Memeriksa {path}")
    if not _file(checks, path):
        checks.skip("Cadangan", "database tidak bisa dipakai")
        return 1
    key = auditkey.existing_for(path)
    engine = make_engine(path, key)
    intact = False
    try:
        intact = _integrity(checks, path)
        if intact:
            _anchor(checks, engine)
            _audit(checks, engine, key, path)
        else:
            for name in ("Jangkar", "Log audit"):
                checks.skip(name, "database rusak")
    except LoketError as exc:  # a failure the checks themselves ran into
        checks.fail("Pemeriksaan", str(exc))
    finally:
        engine.dispose()
    _disk(checks, path)
    _backup(checks, path)
    if intact:
        _queue(checks, path)
    else:
        checks.skip("Antrean", "database rusak")
    return 1 if checks.failed else 0


def _file(checks: Checks, path: Path) -> bool:
    try:
        found = dbfile.inspect(path, anchor.path_for(path))
    except dbfile.DatabaseRefused as exc:
        checks.fail("File database", str(exc))
        return False
    if found.missing:
        checks.fail("File database", f"{path} tidak ada (loket membuatnya saat pertama berjalan)")
        return False
    size = path.stat().st_size
    loose = [p.name for p in _own_files(path) if p.stat().st_mode & 0o077]
    for p in _own_files(path):
        files.tighten(p)
    note = f"; izin {', '.join(loose)} diperketat ke 600" if loose else "; hanya pemilik"
    checks.ok("File database", f"{_mb(size)}{note}")
    return True


def _own_files(path: Path) -> list[Path]:
    names = (
        path.name,
        f"{path.name}-wal",
        f"{path.name}-shm",
        f"{path.name}.anchor",
        f"{path.name}.audit.key",
    )
    return [p for p in (path.with_name(n) for n in names) if p.exists()]


def _integrity(checks: Checks, path: Path) -> bool:
    try:
        conn = backup.read_only(path)
        try:
            rows = [
                line
                for (text,) in conn.execute("PRAGMA integrity_check(20)")
                for line in text.splitlines()
                if not line.startswith("***")
            ]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        kind = failures.kind_of(exc)
        wrong = failures.PROBLEMS[kind][0] if kind else "tidak bisa diperiksa"
        checks.fail("Integritas SQLite", f"{wrong} ({exc})")
        return False
    if rows == ["ok"]:
        checks.ok("Integritas SQLite", "baik (PRAGMA integrity_check)")
        return True
    checks.fail("Integritas SQLite", f"database rusak: {len(rows)} masalah", rows)
    return False


def _anchor(checks: Checks, engine: Engine) -> None:
    held, problems = anchor.findings(engine)
    if problems:
        checks.fail("Jangkar", problems[0], problems[1:])
    elif held is None:
        checks.ok("Jangkar", "belum ada (dibuat saat loket berjalan berikutnya)")
    else:
        m = held.mark
        checks.ok(
            "Jangkar",
            f"cocok: pembayaran sampai #{m.payment_id}, log audit sampai "
            f"#{m.audit_id} (diakui terakhir {held.at})",
        )


def _audit(checks: Checks, engine: Engine, key: bytes | None, path: Path) -> None:
    behind = schema_behind(engine)
    if behind:
        checks.fail(
            "Log audit",
            f"skema database masih versi {behind}: jalankan loket sekali "
            f"(memperbarui skema), lalu `loket doctor` lagi",
        )
        return
    if key is None:
        checks.fail(
            "Log audit",
            f"kunci audit tidak ada di {auditkey.where_for(path)}: salin "
            f"dari cadangan kunci, atau atur {auditkey.ENV}",
        )
    verdict = verifying.verify(engine, key=key)
    if verdict.ok:
        checks.ok(
            "Log audit",
            f"{verdict.rows} baris utuh (berkunci sejak #{verdict.keyed_from}); "
            f"{verdict.payments} pembayaran cocok dengan jejaknya",
        )
    else:
        texts = [f.text for f in verdict.findings]
        checks.fail("Log audit", f"{len(texts)} temuan: {texts[0]}", texts[1:])


def _disk(checks: Checks, path: Path) -> None:
    free = shutil.disk_usage(path.parent).free
    used = sum(p.stat().st_size for p in _own_files(path))
    if free < max(MIN_FREE, 2 * used):
        checks.fail(
            "Ruang disk",
            f"tinggal {_mb(free)} bebas: kosongkan disk sebelum disk penuh menghentikan pembayaran",
        )
    else:
        checks.ok("Ruang disk", f"{_mb(free)} bebas")


def _backup(checks: Checks, path: Path) -> None:
    if checks.failed:
        last = backup.newest(path)
        checks.skip(
            "Cadangan",
            "tidak dibuat karena ada masalah di atas; cadangan terakhir: "
            f"{last if last else 'belum ada'}",
        )
        return
    try:
        made = backup.make(path, SystemClock().now())
    except (LoketError, OSError) as exc:
        checks.fail("Cadangan", f"gagal dibuat: {exc}")
        return
    checks.ok("Cadangan", f"{made} ({_mb(made.stat().st_size)}, diperiksa, hanya pemilik)")


def _queue(checks: Checks, path: Path) -> None:
    """Stuck fails (after the backup); payments the host refused are said apart, not failed."""
    now = SystemClock().now()
    try:
        queue = queue_health.look_at(path, now)
    except queue_health.QueueUnseen as unseen:
        checks.skip("Antrean", str(unseen))
        return
    if queue is None:  # the file check passed: there is a database
        return
    owed = queue.owed()
    text = f"{queue.detail(now)}; {owed}" if owed else queue.detail(now)
    if queue.stuck:
        checks.fail(queue.title, text)
    else:
        checks.ok(queue.title, text)


def accept_restore(path: Path, owner_id: str, pin: str) -> str:
    """The owner restored a backup on purpose: anchor what it holds (owner's id and PIN).
    Returns what was done, for the owner to read."""
    key = auditkey.existing_for(path)
    if key is None:
        raise dbfile.DatabaseRefused(
            f"Kunci audit tidak ada di {auditkey.where_for(path)}; jangkar tidak diubah"
        )
    found = dbfile.inspect(path, anchor.path_for(path))
    if found.missing:
        raise dbfile.DatabaseRefused(f"{path} tidak ada; salin cadangan ke sana dulu")
    engine = make_engine(path, key)
    try:
        dbfile.confirm_intact(engine, path)
        migrate(engine)  # a backup from before the last upgrade
        now = SystemClock().now()
        try:
            who = cashiers.authenticate(engine, owner_id, pin, now)
        except cashiers.CashierError as exc:
            raise dbfile.DatabaseRefused(f"{exc}; jangkar tidak diubah") from None
        if not who.is_owner:
            raise dbfile.DatabaseRefused(
                "Hanya pemilik yang boleh menerima cadangan yang dipulihkan; jangkar tidak diubah"
            )
        before, after = anchor.reset(engine, owner_id, iso(now))
    finally:
        engine.dispose()
    was = f"#{before.payment_id}" if before else "tidak ada"
    return (
        f"Jangkar disetel ke database yang dipulihkan: pembayaran sampai #{after.payment_id} "
        f"(sebelumnya {was}). Jalankan `loket reconcile --date …` untuk setiap hari sejak "
        f"cadangan dibuat: pembayaran yang hilang ada di pembukuan host."
    )


def _mb(size: int) -> str:
    mb = size / 1024 / 1024
    return (f"{mb / 1024:.1f} GB" if mb >= 1024 else f"{mb:.1f} MB").replace(".", ",")
