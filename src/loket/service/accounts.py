"""Accounts: logging in, the owner's approval, and managing cashiers — each rule checked here.

Every owner-only action takes the acting account's id and checks it (``require_owner``), so no
screen, palette entry or command can reach it with a cashier's account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.domain.accounts import Account, Role
from loket.domain.pins import is_weak
from loket.service.access import require_owner
from loket.store import cashiers, shifts
from loket.store.cashiers import CashierError
from loket.store.files import write_atomic

TRAINING_CASHIER = "latihan"
TRAINING_OWNER = "pemilik"
TRAINING_POS = "pos"
NO_PIN = "PIN belum diisi"


@dataclass(frozen=True)
class Login:
    account: Account
    has_shift: bool  # an open shift to go straight to the counter with


@dataclass
class AccountDesk:
    engine: Engine
    clock: Clock

    def _now(self) -> str:
        return iso(self.clock.now())

    # -- anyone -----------------------------------------------------------------------------
    def has_owner(self) -> bool:
        return cashiers.has_owner(self.engine)

    def login(self, cashier_id: str, pin: str) -> Login:
        """No PIN is not a wrong PIN: it is refused without counting an attempt."""
        if not pin:
            raise CashierError(NO_PIN)
        account = cashiers.authenticate(self.engine, cashier_id, pin, self.clock.now())
        return Login(account, shifts.current(self.engine, account.id) is not None)

    def approve(self, owner_id: str, pin: str) -> str:
        """An owner's id and PIN, given for a cashier's action (a refund): the owner's id."""
        if not pin:
            raise CashierError(NO_PIN)
        cashiers.authenticate(self.engine, owner_id, pin, self.clock.now(), asked_for="pemilik")
        require_owner(self.engine, owner_id)
        return owner_id

    def create_first_owner(self, owner_id: str, name: str, pin: str, pos_id: str = "") -> Account:
        """The set-up wizard and ``loket init``: only while there is no owner at all. With
        ``pos_id`` (``[counter] pos_account``) the headless POS account ``loket pay`` and
        ``loket serve`` act as is made too, unless it exists."""
        if cashiers.has_owner(self.engine):
            raise CashierError("Akun pemilik sudah ada: masuk sebagai pemilik untuk menambah akun")
        check_new_pin(pin)
        if pos_id:
            cashiers.validate_id(pos_id)
        owner = cashiers.add(self.engine, owner_id, name, pin, self._now(), Role.OWNER, owner_id)
        if pos_id and cashiers.get(self.engine, pos_id) is None:
            self.add_pos(owner_id, pos_id)
        return owner

    def pos_account(self, cashier_id: str) -> Account:
        """The account a headless caller (``loket pay``, a shop's POS) acts as: it must exist,
        be active and be a cashier — never an owner's or another role's identity."""
        cashiers.validate_id(cashier_id)
        account = cashiers.get(self.engine, cashier_id)
        if account is None:
            raise CashierError(
                f"Akun POS {cashier_id!r} belum ada: pemilik membuatnya dengan "
                f"`loket cashier add {cashier_id} --pos`"
            )
        if not account.active or account.role is not Role.CASHIER:
            raise CashierError(
                f"Akun {cashier_id!r} bukan akun kasir aktif: tidak dapat "
                "dipakai untuk pembayaran tanpa layar"
            )
        return account

    # -- the owner only -----------------------------------------------------------------------
    def list(self, actor: str) -> list[Account]:
        require_owner(self.engine, actor)
        return cashiers.list_all(self.engine)

    def add(
        self, actor: str, cashier_id: str, name: str, pin: str, role: Role = Role.CASHIER
    ) -> Account:
        require_owner(self.engine, actor)
        check_new_pin(pin)
        return cashiers.add(
            self.engine, cashier_id, name or cashier_id, pin, self._now(), role, actor
        )

    def add_pos(self, actor: str, cashier_id: str) -> Account:
        """A headless POS account: a cashier nobody can log in as (its PIN is random)."""
        require_owner(self.engine, actor)
        return cashiers.add(
            self.engine,
            cashier_id,
            f"POS {cashier_id}",
            f"{secrets.randbelow(10**12):012d}",
            self._now(),
            Role.CASHIER,
            actor,
        )

    def reset_pin(self, actor: str, cashier_id: str, pin: str) -> Account:
        require_owner(self.engine, actor)
        check_new_pin(pin)
        return cashiers.reset_pin(self.engine, cashier_id, pin, self._now(), actor)

    def deactivate(self, actor: str, cashier_id: str) -> Account:
        require_owner(self.engine, actor)
        return cashiers.set_active(self.engine, cashier_id, False, actor, self._now())

    def reactivate(self, actor: str, cashier_id: str) -> Account:
        require_owner(self.engine, actor)
        return cashiers.set_active(self.engine, cashier_id, True, actor, self._now())

    # -- training mode ------------------------------------------------------------------------
    def training_pin(self, pin_file: Path) -> str:
        """The training accounts, created once with one PIN kept beside the training database,
        so every `loket` command (a cron `loket sync` too) sees the same PIN the screen shows.

        These three accounts are exempt from the weak-PIN rule: their PIN is printed on the
        login screen, so it guards nothing, and a test may fix it (``123456``). A drawn PIN is
        still never a weak one, and accounts an owner adds in training follow the rule."""
        pin = _read_pin(pin_file)
        known = {a.id for a in cashiers.list_all(self.engine)}
        wanted = {TRAINING_CASHIER, TRAINING_OWNER, TRAINING_POS}
        if pin and wanted <= known:
            return pin
        pin = pin or _training_draw()
        now = self._now()
        for cashier_id, name, role in (
            (TRAINING_OWNER, "Pemilik Latihan", Role.OWNER),
            (TRAINING_CASHIER, "Kasir Latihan", Role.CASHIER),
            (TRAINING_POS, "POS Latihan", Role.CASHIER),
        ):
            if cashier_id in known:
                cashiers.reset_pin(self.engine, cashier_id, pin, now, "system")
            else:
                cashiers.add(self.engine, cashier_id, name, pin, now, role, "system")
        _write_pin(pin_file, pin)
        return pin


def _training_draw() -> str:
    while True:
        pin = f"{secrets.randbelow(10**6):06d}"
        if not is_weak(pin):
            return pin


def _read_pin(path: Path) -> str:
    try:
        pin = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return pin if pin.isdigit() and len(pin) == 6 else ""


def _write_pin(path: Path, pin: str) -> None:
    write_atomic(path, pin.encode("ascii"))


WEAK_PIN = "PIN terlalu mudah ditebak (angka sama/berurutan/berulang): pilih PIN lain"


def check_new_pin(pin: str) -> None:
    """A PIN about to be set: its form (digits, length), then that it is not among the first
    guesses (``domain/pins.py``) — before anything is written."""
    cashiers.validate_pin(pin)
    if is_weak(pin):
        raise CashierError(WEAK_PIN)


def check_new_id(cashier_id: str) -> None:
    cashiers.validate_id(cashier_id)


def create_first_accounts(db_path: str, owner_id: str, name: str, pin: str, pos_id: str) -> None:
    """``loket init``: the owner's account and the headless POS account, in a new database."""
    from loket.clock import SystemClock
    from loket.store.opening import open_database

    engine = open_database(db_path)
    try:
        AccountDesk(engine, SystemClock()).create_first_owner(owner_id, name, pin, pos_id)
    finally:
        engine.dispose()
