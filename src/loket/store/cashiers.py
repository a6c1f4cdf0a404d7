"""Cashier and owner accounts. PINs are kept only as salted scrypt hashes; five wrong PINs in a
row lock the account for five minutes; logins, failures and lockouts go to the audit log."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from loket.clock import iso, parse_iso
from loket.errors import LoketError
from loket.store import audit
from loket.store.db import session, write_session
from loket.store.models import Cashier

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PIN = 6
MAX_FAILED = 5
LOCKOUT = timedelta(minutes=5)
ROLES = ("cashier", "owner")


class CashierError(LoketError):
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
    given = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                           dklen=len(digest) // 2)
    return hmac.compare_digest(given.hex(), digest)


def validate_pin(pin: str) -> None:
    if not pin.isdigit() or len(pin) < MIN_PIN:
        raise CashierError(f"PIN harus angka, minimal {MIN_PIN} digit")


def save_cashier(engine: Engine, cashier_id: str, name: str, pin: str, now: str,
                 role: str = "cashier", by: str = "system") -> Cashier:
    """Create the cashier, or reset an existing one's PIN and reactivate it."""
    validate_pin(pin)
    if not cashier_id or not cashier_id.replace("-", "").replace("_", "").isalnum():
        raise CashierError("ID kasir hanya huruf, angka, - dan _")
    if role not in ROLES:
        raise CashierError("Peran harus cashier atau owner")
    with write_session(engine) as db:
        existing = db.get(Cashier, cashier_id)
        cashier = existing or Cashier(id=cashier_id, name=name, role=role, pin_hash="",
                                      created_at=now)
        cashier.name, cashier.role, cashier.active = name, role, True
        cashier.pin_hash = hash_pin(pin)
        cashier.failed_pins, cashier.locked_until = 0, ""
        db.add(cashier)
        action = "cashier_reset_pin" if existing else "cashier_add"
        audit.append(db.connection(), now, by, action, {"cashier": cashier_id, "role": role})
        db.commit()
        return cashier


def ensure_cashier(engine: Engine, cashier_id: str, name: str, now: str) -> Cashier:
    """A cashier row for headless callers (``loket pay --cashier``) that have no PIN to give."""
    with write_session(engine) as db:
        found = db.get(Cashier, cashier_id)
        if found:
            return found
        cashier = Cashier(id=cashier_id, name=name, pin_hash=hash_pin(secrets.token_hex(16)),
                          created_at=now)
        db.add(cashier)
        audit.append(db.connection(), now, "system", "cashier_add",
                     {"cashier": cashier_id, "role": "cashier", "headless": True})
        db.commit()
        return cashier


def authenticate(engine: Engine, cashier_id: str, pin: str, now: datetime) -> Cashier:
    at = iso(now)
    cashier_id = cashier_id.strip()
    with write_session(engine) as db:
        cashier = db.get(Cashier, cashier_id)
        conn = db.connection()
        if cashier is None or not cashier.active:
            audit.append(conn, at, cashier_id or "?", "pin_failed", {"reason": "unknown or inactive"})
            db.commit()
            raise CashierError("ID kasir atau PIN salah")
        if cashier.locked_until and parse_iso(cashier.locked_until) > now:
            until = parse_iso(cashier.locked_until).strftime("%H:%M")
            audit.append(conn, at, cashier_id, "pin_refused_locked", {"until": cashier.locked_until})
            db.commit()
            raise CashierError(f"Akun terkunci sampai {until} karena PIN salah {MAX_FAILED} kali")
        if not check_pin(pin, cashier.pin_hash):
            cashier.failed_pins += 1
            audit.append(conn, at, cashier_id, "pin_failed", {"in_a_row": cashier.failed_pins})
            message = f"ID kasir atau PIN salah (sisa {MAX_FAILED - cashier.failed_pins} kali)"
            if cashier.failed_pins >= MAX_FAILED:
                cashier.locked_until = iso(now + LOCKOUT)
                cashier.failed_pins = 0
                audit.append(conn, at, cashier_id, "lockout", {"until": cashier.locked_until})
                message = (f"PIN salah {MAX_FAILED} kali: akun terkunci "
                           f"{int(LOCKOUT.total_seconds() // 60)} menit")
            db.add(cashier)
            db.commit()
            raise CashierError(message)
        cashier.failed_pins, cashier.locked_until = 0, ""
        db.add(cashier)
        audit.append(conn, at, cashier_id, "login", {"role": cashier.role})
        db.commit()
        return cashier


def get(engine: Engine, cashier_id: str) -> Cashier | None:
    with session(engine) as db:
        return db.get(Cashier, cashier_id)


def has_owner(engine: Engine) -> bool:
    with session(engine) as db:
        query = select(Cashier).where(Cashier.role == "owner", Cashier.active == True)  # noqa: E712
        return db.exec(query).first() is not None


def deactivate(engine: Engine, cashier_id: str, by: str, now: str) -> None:
    with write_session(engine) as db:
        cashier = db.get(Cashier, cashier_id)
        if cashier is None:
            raise CashierError(f"Kasir {cashier_id} tidak ada")
        if cashier_id == by:
            raise CashierError("Tidak bisa menonaktifkan akun sendiri")
        cashier.active = False
        db.add(cashier)
        audit.append(db.connection(), now, by, "cashier_deactivate", {"cashier": cashier_id})
        db.commit()


def list_cashiers(engine: Engine) -> list[Cashier]:
    with session(engine) as db:
        return list(db.exec(select(Cashier).order_by(Cashier.id)))
