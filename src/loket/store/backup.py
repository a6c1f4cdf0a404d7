"""Backups: a consistent copy of a live database, owner-only, in ``backups/`` beside it.

SQLite's online backup copies a snapshot while the counter keeps working (a plain ``cp`` of a WAL
database can copy a torn picture). Each copy is checked with ``quick_check`` before it counts.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from loket.errors import StorageError
from loket.store import failures
from loket.store.files import PRIVATE_FILE, private_folder, sync_dir


def folder_for(db: Path) -> Path:
    return db.parent / "backups"


def read_only(db: Path) -> sqlite3.Connection:
    """A connection that cannot change the file (``loket doctor`` looks; it does not touch)."""
    return sqlite3.connect(
        f"file:{quote(str(db.resolve()))}?mode=ro", uri=True, isolation_level=None
    )


def newest(db: Path) -> Path | None:
    folder = folder_for(db)
    found = sorted(folder.glob(f"{db.stem}-*.db")) if folder.is_dir() else []
    return found[-1] if found else None


def make(db: Path, now: datetime) -> Path:
    folder = folder_for(db)
    private_folder(folder)
    stem = f"{db.stem}-{now:%Y%m%d-%H%M%S}"
    target, n = folder / f"{stem}.db", 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{n}.db"
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    try:
        source = read_only(db)
        copy = sqlite3.connect(target, isolation_level=None)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            result = copy.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if result != "ok":
            raise StorageError(f"Cadangan {target} gagal diperiksa ({result})")
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        sync_dir(folder)
        return target
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise failures.failure(exc, str(db), "read") or exc from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise
