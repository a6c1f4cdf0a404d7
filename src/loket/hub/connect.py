"""Connecting to the hub: a SQLAlchemy engine on psycopg, and its failures as one line."""

from __future__ import annotations

import re

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from loket.domain.text import clean_text
from loket.errors import LoketError

CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 60_000
# undefined table, column, function: a hub not yet upgraded to this loket's schema
OLD_SCHEMA = {"42P01", "42703", "42883"}
WHERE_TRIED = re.compile(
    r'connection to server (on socket "[^"]*"|at "[^"]*"[^,]*, port \d+)'
    r" failed: "
)  # a push or a report never hangs on a stuck server


class HubError(LoketError):
    """The hub cannot do what was asked; nothing on the counter depends on it."""

    exit_code = 1


def hub_engine(url: str, password: str | None = None) -> Engine:
    """An engine on the hub; ``url`` is ``postgresql://user@host/db`` without a password."""
    try:
        sa_url = make_url(url).set(drivername="postgresql+psycopg")
    except ArgumentError:
        raise HubError("[hub] url: bukan alamat postgresql:// yang sah") from None
    args: dict = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "loket",
        "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
    }
    if password:
        args["password"] = password
    return create_engine(sa_url, connect_args=args, pool_pre_ping=True, pool_size=2, max_overflow=2)


def failure(exc: BaseException) -> HubError:
    """A database error as one Indonesian line (the driver's first line says what happened)."""
    original = getattr(exc, "orig", None) or exc
    first = (str(original).strip().splitlines() or [type(original).__name__])[0]
    # libpq names the socket or host it tried before what went wrong: keep what went wrong
    first = clean_text(WHERE_TRIED.sub("", first), 200)  # it may quote what a row holds
    if "password authentication failed" in first:
        return HubError(
            "Hub menolak masuk: peran atau kata sandinya salah (peran dari loket hub "
            "add-counter/add-owner; kata sandi di [hub] password_env)"
        )
    if isinstance(exc, OperationalError):
        return HubError(f"Hub tidak dapat dihubungi: {first}")
    if getattr(original, "sqlstate", None) == "42501":  # row-level security, a grant
        return HubError(
            f"Hub menolak: peran ini tidak boleh menulis baris itu ({first}); "
            "[hub] terminal_id harus sama dengan TERMINAL pada loket hub "
            "add-counter TERMINAL"
        )
    if getattr(original, "sqlstate", None) in OLD_SCHEMA:
        return HubError(
            f"Skema hub lebih lama dari loket ini ({first}): minta pemilik database "
            "menjalankan loket hub init"
        )
    if isinstance(exc, DBAPIError):
        return HubError(f"Hub menolak: {first}")
    return HubError(f"Hub: {first}")
