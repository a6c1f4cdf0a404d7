"""The engine: SQLite in WAL mode with ``synchronous=FULL`` and foreign keys; migrations on start.

``synchronous=FULL`` because WAL with NORMAL may lose the last commits on power loss, and a
committed payment is a promise to the customer (store-and-forward.md §1).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

BUSY_TIMEOUT_MS = 10_000


def _pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin(connection) -> None:
    # Reads are the default and begin DEFERRED: in WAL a reader never waits for a writer and never
    # blocks one. A write says so (``write(engine)`` / ``write_session(engine)``) and takes the
    # lock up front (IMMEDIATE), so two processes (counter, `loket sync`) never deadlock upgrading
    # a read to a write; busy_timeout makes the other writer wait instead. ``query_only`` makes a
    # write inside a read transaction fail at once instead of racing: a forgotten ``write`` is a
    # loud bug in the tests, never a lost update in a shop.
    # Straight to the driver: this runs once per transaction, on the counter's hot path.
    write = connection.get_execution_options().get("loket_write", False)
    driver = connection.connection.driver_connection
    info = connection.connection.info
    if info.get("loket_write") is not write:  # the pragma only when the kind of use changes
        driver.execute(f"PRAGMA query_only={0 if write else 1}")
        info["loket_write"] = write
    driver.execute("BEGIN IMMEDIATE" if write else "BEGIN")


def writing(engine: Engine) -> Engine:
    """The same database, for a transaction that writes."""
    return engine.execution_options(loket_write=True)


def write(engine: Engine):
    """``with write(engine) as conn:`` — one write transaction, committed at the end."""
    return writing(engine).begin()


def make_engine(path: str | Path) -> Engine:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (an empty file included)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("loket.store") / "migrations"))
    with write(engine) as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def open_database(path: str | Path) -> Engine:
    engine = make_engine(path)
    migrate(engine)
    return engine


def session(engine: Engine) -> Session:
    """An ORM session for reading."""
    return Session(engine, expire_on_commit=False)


def write_session(engine: Engine) -> Session:
    """An ORM session whose transaction writes (commit it)."""
    return Session(writing(engine), expire_on_commit=False)
