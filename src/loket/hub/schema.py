"""Creating the hub (Alembic, its own script location) and the roles that use it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from importlib import resources

from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from loket.hub.connect import HubError, failure

TERMINAL = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
SCRAM_ITERATIONS = 4096


def _alembic() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("loket.hub") / "migrations"))
    return cfg


def init(engine: Engine, revision: str = "head") -> int:
    """Create or upgrade the hub's schema (run as the database's owner, who may create roles);
    how many rows already stored the upgrade set aside as unreadable (migration h0004)."""
    cfg = _alembic()
    try:
        with engine.begin() as conn:
            before = _set_aside(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            return _set_aside(conn) - before
    except SQLAlchemyError as exc:
        raise failure(exc) from None


def _set_aside(conn) -> int:
    if conn.exec_driver_sql("SELECT to_regclass('set_aside')").scalar() is None:
        return 0
    return conn.exec_driver_sql("SELECT count(*) FROM set_aside").scalar_one()


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores, made here so the password itself is never
    sent in a statement a server log could keep (RFC 5802 / 7677)."""
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored = hashlib.sha256(client_key).digest()
    server = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored)}:{b64(server)}"


@dataclass(frozen=True)
class NewRole:
    name: str
    password: str  # shown once to the owner; stored nowhere by loket
    existed: bool = False  # the role was there already (loket's own): only its password is new


# Whether a role that already exists may be given a new password here: only one loket made for
# the same purpose. Anyone else (the administrator, another application's role, a counter's role
# asked to become an owner's) would be taken over: its password changed, its rights widened.
THEIRS = (
    "SELECT r.rolsuper OR r.rolcreaterole OR r.rolbypassrls, "
    "pg_has_role(r.oid, 'loket_counter', 'MEMBER'), "
    "pg_has_role(r.oid, 'loket_owner', 'MEMBER') FROM pg_roles r WHERE r.rolname = %s"
)


def _role(engine: Engine, name: str, group: str, password: str | None) -> NewRole:
    password = password or secrets.token_urlsafe(24)
    ident = sql.Identifier(name)
    verifier = sql.Literal(scram_verifier(password))
    try:
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None  # a live psycopg connection inside begin()
            found = raw.execute(THEIRS, (name,)).fetchone()
            if found is not None:
                powerful, counter, owner = found
                ours = counter if group == "loket_counter" else owner
                if powerful or not ours or (counter and owner):
                    raise HubError(
                        f"Peran {name} sudah ada dan bukan peran "
                        f"{'kasir' if group == 'loket_counter' else 'pemilik'} "
                        "buatan loket: pilih nama lain (perannya tidak diubah)"
                    )
            exists = found is not None
            verb = (
                "ALTER ROLE {} WITH LOGIN PASSWORD {}"
                if exists
                else "CREATE ROLE {} WITH LOGIN PASSWORD {}"
            )
            raw.execute(sql.SQL(verb).format(ident, verifier))
            raw.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), ident))
            if group == "loket_counter":
                terminal = name.removeprefix("loket_")
                twin = raw.execute(
                    "SELECT terminal FROM counter WHERE lower(terminal) = "
                    "lower(%s) AND terminal <> %s",
                    (terminal, terminal),
                ).fetchone()
                if twin is not None:  # `add-counter t01` beside T01: a second, silent outlet
                    raise HubError(
                        f"Terminal {twin[0]} sudah terdaftar; id terminal membedakan "
                        f"huruf besar dan kecil ({terminal} bukan {twin[0]})"
                    )
                raw.execute(
                    "INSERT INTO counter (terminal, role_name) VALUES (%s, %s) "
                    "ON CONFLICT (terminal) DO UPDATE SET role_name = EXCLUDED.role_name",
                    (terminal, name),
                )
    except SQLAlchemyError as exc:
        raise failure(exc) from None
    return NewRole(name, password, exists)


def add_counter(engine: Engine, terminal: str, password: str | None = None) -> NewRole:
    """A login role that can read and write only ``terminal``'s rows (a new password each time)."""
    if not TERMINAL.match(terminal):
        raise HubError(
            f"{terminal!r}: id terminal hanya huruf, angka, - atau _ (paling panjang 32)"
        )
    return _role(engine, f"loket_{terminal}", "loket_counter", password)


def add_owner(engine: Engine, name: str, password: str | None = None) -> NewRole:
    """A login role that reads every outlet's rows and writes none."""
    if not TERMINAL.match(name):
        raise HubError(f"{name!r}: nama peran hanya huruf, angka, - atau _ (paling panjang 32)")
    return _role(engine, name, "loket_owner", password)
