"""Who may do what. Enforced here, in the core, so no screen, palette entry or command can
reach an owner's action with a cashier's account."""

from __future__ import annotations

from sqlalchemy import Engine

from loket.errors import LoketError
from loket.store import cashiers

OWNER_ONLY = "Hanya pemilik yang boleh melakukan ini"


class AccessDenied(LoketError):
    """The message is for the person at the keyboard."""

    exit_code = 4


def is_owner(engine: Engine, cashier_id: str) -> bool:
    account = cashiers.get(engine, cashier_id) if cashier_id else None
    return bool(account and account.is_owner)


def require_owner(engine: Engine, cashier_id: str) -> None:
    if not is_owner(engine, cashier_id):
        raise AccessDenied(OWNER_ONLY)
