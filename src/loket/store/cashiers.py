"""Cashier and owner accounts. PINs are kept only as salted scrypt hashes; five wrong PINs in a
row lock the account for five minutes; logins, failures and lockouts go to the audit log.

Who may change an account is decided in ``service/accounts.py``; this module only keeps them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import select

from loket.clock import WIB, iso, parse_iso
from loket.domain.accounts import Account, Role
from loket.errors import LoketError
from loket.store import audit
from loket.store.db import session, write_session
from loket.store.models import CashierRow

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PIN = 6
MAX_PIN = 12
MAX_FAILED = 5
LOCKOUT = timedelta(minutes=5)
MAX_ID = 32


def login_failed(asked_for: str = "kasir") -> str:
    """One answer for every failed login, so a wrong id and a wrong PIN cannot be told apart;
    ``asked_for`` names whose id was asked (the owner's, in an approval)."""
    return (
        f"ID {asked_for} atau PIN salah (setelah {MAX_FAILED} kali salah, akun dikunci "
        f"{int(LOCKOUT.total_seconds() // 60)} menit)"
    )


def locked_text(until: str) -> str:
    """A locked account says so, whatever PIN was typed (never whether it was right): a right
    PIN refused as "salah" sent cashiers hunting for a typo until the lock ran out."""
    at = parse_iso(until).astimezone(WIB).strftime("%H:%M")
    return (
        f"Akun terkunci sampai {at} WIB ({MAX_FAILED} kali PIN salah): tunggu, atau minta "
        f"pemilik me-reset PIN-nya"
    )


_DUMMY_HASH = None  # computed once: an unknown id costs the same scrypt as a known one


class CashierError(LoketError):
    """For the person at the keyboard, in Indonesian."""


class PinRefused(CashierError):
    """A login or an approval refused: unknown id, wrong PIN, or a locked account. A command
    refused it ends as any refused permission does (exit 4), not as a mistyped option (2)."""

    exit_code = 4


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        given = hashlib.scrypt(
            pin.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(given.hex(), digest)


def validate_pin(pin: str) -> None:
    if not pin.isascii() or not pin.isdigit() or not MIN_PIN <= len(pin) <= MAX_PIN:
        raise CashierError(f"PIN harus angka, {MIN_PIN} sampai {MAX_PIN} digit")


def validate_id(cashier_id: str) -> None:
    plain = cashier_id.replace("-", "").replace("_", "")
    if not cashier_id or not plain.isascii() or not plain.isalnum() or len(cashier_id) > MAX_ID:
        raise CashierError(f"ID kasir hanya huruf, angka, - dan _ (paling panjang {MAX_ID})")


def _account(row: CashierRow) -> Account:
    return Account(row.id, row.name, Role(row.role), row.active, row.locked_until)


def _clean_name(name: str) -> str:
    return " ".join("".join(c for c in name if c.isprintable()).split())[:60]


def add(
    engine: Engine, cashier_id: str, name: str, pin: str, now: str, role: Role, by: str
) -> Account:
    """A new account; an id that exists already (active or not) is refused, never overwritten."""
    validate_id(cashier_id)
    validate_pin(pin)
    with write_session(engine) as db:
        existing = db.get(CashierRow, cashier_id)
        if existing is not None:
            state = "aktif" if existing.active else "nonaktif: aktifkan kembali"
            raise CashierError(f"ID {cashier_id} sudah ada ({state})")
        row = CashierRow(
            id=cashier_id,
            name=_clean_name(name) or cashier_id,
            role=str(role),
            pin_hash=hash_pin(pin),
            created_at=now,
        )
        db.add(row)
        audit.append(
            db.connection(), now, by, "cashier_add", {"cashier": cashier_id, "role": str(role)}
        )
        db.commit()
        return _account(row)


def reset_pin(engine: Engine, cashier_id: str, pin: str, now: str, by: str) -> Account:
    validate_pin(pin)
    with write_session(engine) as db:
        row = db.get(CashierRow, cashier_id)
        if row is None:
            raise CashierError(f"Kasir {cashier_id} tidak ada")
        row.pin_hash, row.failed_pins, row.locked_until = hash_pin(pin), 0, ""
        db.add(row)
        audit.append(db.connection(), now, by, "cashier_reset_pin", {"cashier": cashier_id})
        db.commit()
        return _account(row)


def set_active(engine: Engine, cashier_id: str, active: bool, by: str, now: str) -> Account:
    with write_session(engine) as db:
        row = db.get(CashierRow, cashier_id)
        if row is None:
            raise CashierError(f"Kasir {cashier_id} tidak ada")
        if cashier_id == by and not active:
            raise CashierError("Tidak bisa menonaktifkan akun sendiri")
        row.active = active
        db.add(row)
        action = "cashier_reactivate" if active else "cashier_deactivate"
        audit.append(db.connection(), now, by, action, {"cashier": cashier_id})
        db.commit()
        return _account(row)


def ensure_pos_account(engine: Engine, cashier_id: str, now: str) -> Account:
    """The headless POS account (``loket pay``): created once as a cashier with an unusable PIN."""
    validate_id(cashier_id)
    with write_session(engine) as db:
        row = db.get(CashierRow, cashier_id)
        if row is None:
            row = CashierRow(
                id=cashier_id,
                name=f"POS {cashier_id}",
                role=str(Role.CASHIER),
                pin_hash=hash_pin(secrets.token_hex(16)),
                created_at=now,
            )
            db.add(row)
            audit.append(
                db.connection(),
                now,
                "system",
                "cashier_add",
                {"cashier": cashier_id, "role": "cashier", "headless": True},
            )
            db.commit()
        return _account(row)


def authenticate(
    engine: Engine, cashier_id: str, pin: str, now: datetime, asked_for: str = "kasir"
) -> Account:
    global _DUMMY_HASH
    at = iso(now)
    cashier_id = cashier_id.strip()
    with write_session(engine) as db:
        row = db.get(CashierRow, cashier_id) if cashier_id else None
        conn = db.connection()
        if row is None or not row.active:
            _DUMMY_HASH = _DUMMY_HASH or hash_pin("000000")
            check_pin(pin, _DUMMY_HASH)  # the same time as a real check
            audit.append(
                conn,
                at,
                cashier_id[:MAX_ID] or "?",
                "pin_failed",
                {"reason": "unknown or inactive"},
            )
            db.commit()
            raise PinRefused(login_failed(asked_for))
        if row.locked_until and parse_iso(row.locked_until) > now:
            audit.append(conn, at, cashier_id, "pin_refused_locked", {"until": row.locked_until})
            db.commit()
            raise PinRefused(locked_text(row.locked_until))
        if not check_pin(pin, row.pin_hash):
            row.failed_pins += 1
            audit.append(conn, at, cashier_id, "pin_failed", {"in_a_row": row.failed_pins})
            answer = login_failed(asked_for)
            if row.failed_pins >= MAX_FAILED:
                row.locked_until = iso(now + LOCKOUT)
                row.failed_pins = 0
                audit.append(conn, at, cashier_id, "lockout", {"until": row.locked_until})
                answer = locked_text(row.locked_until)
            db.add(row)
            db.commit()
            raise PinRefused(answer)
        row.failed_pins, row.locked_until = 0, ""
        db.add(row)
        audit.append(conn, at, cashier_id, "login", {"role": row.role})
        db.commit()
        return _account(row)


def get(engine: Engine, cashier_id: str) -> Account | None:
    with session(engine) as db:
        row = db.get(CashierRow, cashier_id)
        return _account(row) if row else None


def has_owner(engine: Engine) -> bool:
    with session(engine) as db:
        active = CashierRow.active == True  # noqa: E712  (SQL, not a truth test)
        query = select(CashierRow).where(CashierRow.role == str(Role.OWNER), active)
        return db.exec(query).first() is not None


def list_all(engine: Engine) -> list[Account]:
    with session(engine) as db:
        return [_account(r) for r in db.exec(select(CashierRow).order_by(CashierRow.id))]
