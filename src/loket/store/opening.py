"""Opening a database: nothing about the file is believed before it is checked.

The path, the header, then the database against its anchor (store/anchor.py) and the audit key;
a missing file whose anchor says payments were acknowledged is refused rather than started over.
Built on the engine (store/db.py) and the anchor, which know nothing of this module.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, event

from loket.store import anchor, auditkey, dbfile, files
from loket.store.db import make_engine, migrate, migrate_if_behind


def _build_new(path: Path, key: bytes) -> None:
    """A new database is migrated under a temporary name and appears whole (store/dbfile.py)."""
    engine = make_engine(path, key)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    single = sqlite3.connect(path)  # one file, no -wal beside it, before it is linked
    try:
        single.execute("PRAGMA journal_mode=DELETE")
    finally:
        single.close()


def open_database(path: str | Path) -> Engine:
    """The database at ``path``, checked: refused in one line rather than started over.

    Raises ``dbfile.DatabasePathError`` (exit 2) for a path that cannot be a database, and a
    ``StorageError`` (exit 1) for a database that is damaged or has lost what was acknowledged.
    """
    path = dbfile.checked_path(path)
    found = dbfile.inspect(path, anchor.path_for(path))
    if found.missing:
        anchor.refuse_if_acknowledged(path, None)
    key, shared = auditkey.for_database(path, new=found.missing)
    if found.missing:
        dbfile.create(path, lambda temp: _build_new(temp, key))
    engine = make_engine(path, key)
    try:
        if found.suspect:
            dbfile.confirm_intact(engine, path)
        migrate_if_behind(engine)
        anchor.check_on_open(engine)  # the audit head verifies with this key
        if shared:
            auditkey.adopt(path, key)
    except BaseException:
        engine.dispose()
        raise
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        files.tighten(path.with_name(name))
    event.listen(engine, "engine_disposed", anchor.on_dispose)
    return engine
