"""Cashier accounts. PINs are kept only as salted scrypt hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import Engine
from sqlmodel import select

from loket.store.db import session
from loket.store.models import Cashier

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PIN = 6


class CashierError(ValueError):
    """For the person at the keyboard, in Indonesian."""


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    given = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(digest) // 2
    )
    return hmac.compare_digest(given.hex(), digest)


def validate_pin(pin: str) -> None:
    if not pin.isdigit() or len(pin) < MIN_PIN:
        raise CashierError(f"PIN harus angka, minimal {MIN_PIN} digit")


def save_cashier(
    engine: Engine, cashier_id: str, name: str, pin: str, now: str, role: str = "cashier"
) -> Cashier:
    """Create the cashier, or reset an existing one's PIN and reactivate it."""
    validate_pin(pin)
    if not cashier_id or not cashier_id.replace("-", "").replace("_", "").isalnum():
        raise CashierError("ID kasir hanya huruf, angka, - dan _")
    with session(engine) as db:
        cashier = db.get(Cashier, cashier_id) or Cashier(
            id=cashier_id, name=name, role=role, pin_hash="", created_at=now
        )
        cashier.name, cashier.role, cashier.active = name, role, True
        cashier.pin_hash = hash_pin(pin)
        db.add(cashier)
        db.commit()
        return cashier


def ensure_cashier(engine: Engine, cashier_id: str, name: str, now: str) -> Cashier:
    """A cashier row for headless callers (``loket pay --cashier``) that have no PIN to give."""
    with session(engine) as db:
        found = db.get(Cashier, cashier_id)
        if found:
            return found
        cashier = Cashier(
            id=cashier_id, name=name, pin_hash=hash_pin(secrets.token_hex(16)), created_at=now
        )
        db.add(cashier)
        db.commit()
        return cashier


def authenticate(engine: Engine, cashier_id: str, pin: str) -> Cashier:
    with session(engine) as db:
        cashier = db.get(Cashier, cashier_id.strip())
    if cashier is None or not cashier.active or not check_pin(pin, cashier.pin_hash):
        raise CashierError("ID kasir atau PIN salah")
    return cashier


def list_cashiers(engine: Engine) -> list[Cashier]:
    with session(engine) as db:
        return list(db.exec(select(Cashier).order_by(Cashier.id)))
