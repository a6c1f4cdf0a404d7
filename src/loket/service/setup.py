"""``loket init``: what a new counter's set-up consists of, and the order that never leaves half
of one behind.

The command (``cli/setup.py``) gathers the answers — from flags, else by asking — and this module
decides: which keys each host and printer needs, that the configuration passes the rules every
command uses, that the database is not one already in use (said before any PIN is asked), and
then writes: the owner's and the POS accounts first, the configuration file last, whole or not
at all. A configuration file therefore only ever exists for a counter that can be logged into.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from loket.config import ConfigError, check_document
from loket.errors import LoketError
from loket.host import registry
from loket.service.accounts import check_new_id, check_new_pin, create_first_accounts
from loket.store.files import make_private_dirs

PRINTER_KEY = {
    "file": "path",
    "serial": "device",
    "network": "host",
    "cups": "name",
    "win32raw": "name",
}
BACKENDS = ("file", "serial", "network", "usb", "cups", "win32raw", "none")
ADAPTERS = registry.NAMES
DEFAULT_URL = {kind.name: kind.default_url for kind in registry.KINDS}
HEADER = "# loket configuration, written by `loket init`; config.example.toml documents it.\n"


class SetupRefused(LoketError):
    """The set-up cannot go on as asked; nothing has been written."""


@dataclass
class Answers:
    """Everything ``loket init`` needs, as the owner gave it (flags or answers)."""

    shop_name: str
    address: str
    terminal: str
    adapter: str
    account: str  # the native host's agent id, or the aggregator's username
    url: str
    key_env: str
    database: str
    printer: str
    admin_fee: int
    sku: str = "bpjs"
    testing: bool = False
    columns: int = 32
    printer_target: str = ""  # the path, device, host or name the printer backend needs
    vendor_id: int = 0
    product_id: int = 0
    hub_url: str = ""
    hub_password_env: str = ""
    pos_account: str = "pos"


def refuse_existing_config(path: Path) -> None:
    if path.exists():
        raise SetupRefused(
            f"{path}: sudah ada; ubah file itu atau hapus dulu. Tidak ada yang ditulis"
        )


def refuse_used_database(db_path: str) -> None:
    """Said as soon as the database is known, before any PIN is asked: one that already has an
    owner belongs to a counter that is set up."""
    path = Path(db_path).expanduser()
    if not path.exists():
        return
    from loket.clock import SystemClock
    from loket.service.accounts import AccountDesk
    from loket.store.opening import open_database

    engine = open_database(path)
    try:
        used = AccountDesk(engine, SystemClock()).has_owner()
    finally:
        engine.dispose()
    if used:
        raise SetupRefused(
            f"Database {path} sudah dipakai (sudah ada akun pemilik); tidak ada "
            f"yang ditulis. Pilih file database lain, atau pakai konfigurasinya "
            f"yang lama"
        )


def document(a: Answers) -> dict[str, object]:
    """The configuration file's content for these answers: only the keys that apply."""
    kind = registry.kind(a.adapter)
    host: dict[str, object] = {
        "adapter": a.adapter,
        "url": a.url,
        "key_env": a.key_env,
        kind.account: a.account,
    }
    if "sku" in kind.options:
        host["sku"] = a.sku
    if "testing" in kind.options and a.testing:
        host["testing"] = True
    shop = {"name": a.shop_name, "address": a.address, "terminal_id": a.terminal}
    if kind.account == "agent_id":
        shop["agent_id"] = a.account  # printed on the slips, as the host knows the agent
    printer: dict[str, object] = {"backend": a.printer}
    if a.printer != "none":
        printer.update({"columns": a.columns, "qr": "native", "cut": True})
    if a.printer in PRINTER_KEY:
        printer[PRINTER_KEY[a.printer]] = a.printer_target
    if a.printer == "usb":
        printer.update({"vendor_id": a.vendor_id, "product_id": a.product_id})
    doc: dict[str, object] = {
        "shop": shop,
        "host": host,
        "database": {"path": a.database},
        "printer": printer,
        "fees": {"admin": a.admin_fee},
        "counter": {"pos_account": a.pos_account},
    }
    if a.hub_url:
        hub: dict[str, object] = {"url": a.hub_url}
        if a.hub_password_env:
            hub["password_env"] = a.hub_password_env
        doc["hub"] = hub
    return doc


def check(a: Answers, path: Path) -> str:
    """The file's text, checked by the very rules every command reads it with."""
    doc = document(a)
    check_document(doc, path)
    check_new_id(a.pos_account)
    return HEADER + tomli_w.dumps(doc)


def carry_out(
    path: Path, text: str, database: str, owner_id: str, owner_name: str, pin: str, pos_account: str
) -> None:
    """The accounts, then the configuration: a failure before the end leaves no configuration,
    and the file appears whole (never over one that appeared meanwhile)."""
    check_new_id(owner_id)
    check_new_pin(pin)
    refuse_existing_config(path)
    create_first_accounts(str(Path(database).expanduser()), owner_id, owner_name, pin, pos_account)
    _place(path, text.encode("utf-8"))


def _place(path: Path, data: bytes) -> None:
    make_private_dirs(path.parent)  # it names the shop, its agent and its host
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temp, path)
    except FileExistsError:
        raise ConfigError(f"{path}: muncul selama persiapan; tidak ditimpa") from None
    finally:
        os.unlink(temp)
