"""The engine: SQLite in WAL mode with ``synchronous=FULL`` and foreign keys; migrations on start.

``synchronous=FULL`` because WAL with NORMAL may lose the last commits on power loss, and a
committed payment is a promise to the customer: once the cash is taken and the payment recorded,
it must survive a power cut before anything is sent, printed or told.

Nothing about the file is believed before it is checked (``store/opening.py``): the path, the
header, and then the database against its anchor (store/anchor.py). Every SQLite or disk failure
becomes one Indonesian line (store/failures.py).
"""

from __future__ import annotations

import hmac
import re
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlmodel import Session, create_engine

from loket.errors import StorageError
from loket.store import failures

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from alembic.config import Config

BUSY_TIMEOUT_MS = 10_000
STORE = "loket_store"


@dataclass(frozen=True)
class StoreInfo:
    """What every connection to one database knows: its file and the audit key."""

    path: Path
    key: bytes | None

    def sign(self, text: str) -> str:
        if self.key is None:
            raise StorageError("Kunci log audit tidak tersedia; tidak ada yang diubah")
        return hmac.new(self.key, text.encode(), "sha256").hexdigest()


def store_of(conn: Connection) -> StoreInfo:
    """The ``StoreInfo`` of a SQLAlchemy connection (set when the driver connection was made)."""
    info: StoreInfo = conn.connection.info[STORE]
    return info


def _pragmas_for(info: StoreInfo) -> Callable[[Any, Any], None]:
    def _pragmas(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()
        record.info[STORE] = info

    return _pragmas


def _begin(connection: Connection) -> None:
    # Reads are the default and begin DEFERRED: in WAL a reader never waits for a writer and never
    # blocks one. A write says so (``write(engine)`` / ``write_session(engine)``) and takes the
    # lock up front (IMMEDIATE), so two processes (counter, `loket sync`) never deadlock upgrading
    # a read to a write; busy_timeout makes the other writer wait instead. ``query_only`` makes a
    # write inside a read transaction fail at once instead of racing: a forgotten ``write`` is a
    # loud bug in the tests, never a lost update in a shop.
    # Straight to the driver: this runs once per transaction, on the counter's hot path.
    write = connection.get_execution_options().get("loket_write", False)
    driver = connection.connection.driver_connection
    assert driver is not None  # a connection checked out of the pool
    info = connection.connection.info
    if info.get("loket_write") is not write:  # the pragma only when the kind of use changes
        driver.execute(f"PRAGMA query_only={0 if write else 1}")
        info["loket_write"] = write
    info["loket_doing"] = "write" if write else "read"
    info.pop("loket_ref", None)
    try:
        driver.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    except sqlite3.Error as exc:  # straight to the driver, so not through handle_error
        raise failures.failure(exc, str(info[STORE].path), "read") or exc from None


def _track(conn: Connection, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
    # What a failed write transaction was doing decides what is safe to tell the cashier: a
    # payment not recorded at all, or recorded with its latest state not saved — and which one
    # (Writing.transition and .update look it up by ref_id first): at start-up nobody is
    # paying, and "this payment" would be no payment the person knows of.
    if statement.endswith("FROM payment WHERE ref_id = ?") and conn.connection.info.get(
        "loket_doing"
    ) in ("write", "update"):
        conn.connection.info["loket_ref"] = parameters[0]
    elif statement.startswith("INSERT INTO payment"):
        info = conn.connection.info
        if statement.startswith("INSERT INTO payment ("):
            info["loket_doing"] = "record"
        elif info.get("loket_doing") == "write":  # an event for a payment recorded before
            info["loket_doing"] = "update"
    elif (
        statement.startswith("UPDATE payment ")
        and conn.connection.info.get("loket_doing") == "write"
    ):
        conn.connection.info["loket_doing"] = "update"


def _on_error(context: ExceptionContext) -> BaseException | None:
    doing, ref = "write", ""
    if context.connection is None:
        doing = "open"
    else:
        try:
            info = context.connection.connection.info
            doing, ref = info.get("loket_doing", "read"), info.get("loket_ref", "")
        except Exception:  # an invalidated connection has no record left to ask
            pass
    database = context.engine.url.database if context.engine is not None else None
    return failures.failure(context.original_exception, database or "", doing, ref)


def writing(engine: Engine) -> Engine:
    """The same database, for a transaction that writes."""
    return engine.execution_options(loket_write=True)


def write(engine: Engine) -> AbstractContextManager[Connection]:
    """``with write(engine) as conn:`` — one write transaction, committed at the end."""
    return writing(engine).begin()


def make_engine(path: str | Path, key: bytes | None = None) -> Engine:
    """An engine on ``path`` without any check (``opening.open_database`` checks; ``loket doctor`` looks
    at files that would not pass)."""
    path = Path(path)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _pragmas_for(StoreInfo(path, key)))
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _track)
    event.listen(engine, "handle_error", _on_error)
    return engine


def _alembic() -> Config:
    from alembic.config import Config  # Alembic costs ~0.25 s to import: only to migrate

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("loket.store") / "migrations"))
    return cfg


_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\s*(?::[^=\n]*)?=\s*(?:['\"](\w+)['\"]|None)\s*(?:#.*)?$", re.M
)


def code_head(folder: Traversable | None = None) -> str | None:
    """The newest revision of the code's migrations, from each file's own ``revision`` and
    ``down_revision`` lines (the one no other file names as its parent). None — and Alembic is
    asked instead — unless every file says both plainly and they make one line of history."""
    revisions: set[str] = set()
    parents: set[str] = set()
    folder = folder or resources.files("loket.store") / "migrations" / "versions"
    for item in folder.iterdir():
        if not item.name.endswith(".py") or item.name.startswith("_"):
            continue
        found = dict(_REVISION_LINE.findall(item.read_text(encoding="utf-8")))
        if set(found) != {"revision", "down_revision"} or not found["revision"]:
            return None  # a form this reading does not know (a tuple of parents, say)
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def stored_revision(engine: Engine) -> str | None:
    """The revision the database says it is at (None for a database without one)."""
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if found is None:
            return None
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return rows[0][0] if len(rows) == 1 else None


def schema_behind(engine: Engine) -> str | None:
    """The revision the database is at when it is not the newest (``loket doctor`` does not
    migrate: it looks), else None."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic()).get_current_head()
    current = stored_revision(engine)
    return None if current == head else (current or "kosong")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (an empty file included), in one transaction.

    Foreign keys are off while it runs and checked before it commits, as SQLite's procedure for
    schema changes asks: Alembic's batch mode rebuilds a table by copying it and dropping the
    old one, and with the keys on, dropping a table that other rows point at fails — a database
    of revision 0001 or 0002 holding one payment and its event could not be upgraded (issue 18).
    """
    from alembic import command

    cfg = _alembic()
    with writing(engine).connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None  # a connection just checked out of the pool
        driver.execute("PRAGMA foreign_keys=OFF")  # only outside a transaction does it change
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:  # rolled back: the database stays as it was
                    raise StorageError(
                        f"Pembaruan skema database dibatalkan: baris di tabel {broken[0]} "
                        f"menunjuk ke {broken[2]} yang tidak ada; database tidak diubah. "
                        f"Jalankan `loket doctor`"
                    )
        finally:
            driver.execute("PRAGMA foreign_keys=ON")


def migrate_if_behind(engine: Engine) -> None:
    """Migrate only when the stored revision is not the code's head: a plain query on every start,
    Alembic only on the start after an upgrade."""
    head = code_head()
    if head is None or stored_revision(engine) != head:
        migrate(engine)


def session(engine: Engine) -> Session:
    """An ORM session for reading."""
    return Session(engine, expire_on_commit=False)


def write_session(engine: Engine) -> Session:
    """An ORM session whose transaction writes (commit it)."""
    return Session(writing(engine), expire_on_commit=False)
