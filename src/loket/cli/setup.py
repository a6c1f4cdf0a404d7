"""``loket init``: asks a few questions, checks every answer, writes the configuration, then
creates the owner's account and the POS account. Nothing is written before all answers are good.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

import tomli_w

from loket.config import ConfigError, check_url, data_dir, default_config_path, load_config
from loket.domain.money import AmountError, parse_rupiah
from loket.errors import LoketError
from loket.service.accounts import check_new_id, check_new_pin, create_first_accounts

PRINTER_KEY = {"file": "path", "serial": "device", "network": "host", "cups": "name",
               "win32raw": "name"}
BACKENDS = ("file", "serial", "network", "usb", "cups", "win32raw", "none")


class Stopped(LoketError):
    """The questions ended (end of input) before the answers were complete: nothing written."""


def _ask(prompt: str, default: str = "", check: Callable[[str], object] | None = None,
         secret: bool = False) -> str:
    """Ask until the answer passes ``check``; the check's message is shown and asked again."""
    while True:
        label = f"{prompt}{f' [{default}]' if default and not secret else ''}: "
        try:
            answer = (getpass.getpass(label) if secret else input(label)).strip()
        except EOFError:
            raise Stopped("Input habis sebelum semua pertanyaan dijawab; "
                          "tidak ada yang ditulis") from None
        answer = answer or default
        if check is None:
            return answer
        try:
            check(answer)
            return answer
        except (LoketError, ValueError) as exc:
            print(f"  {exc}", file=sys.stderr)


def _one_of(*choices: str) -> Callable[[str], None]:
    def check(answer: str) -> None:
        if answer not in choices:
            raise ValueError(f"pilih salah satu: {', '.join(choices)}")
    return check


def _not_empty(answer: str) -> None:
    if not answer:
        raise ValueError("tidak boleh kosong")


def _env_name(answer: str) -> None:
    from loket.config import ENV_NAME

    if not ENV_NAME.match(answer):
        raise ValueError("harus nama variabel lingkungan, contoh LOKET_HOST_KEY")


def _admin(answer: str) -> None:
    try:
        parse_rupiah(answer, limit=1_000_000)
    except AmountError as exc:
        raise ValueError(str(exc)) from None


def write_config(args) -> int:
    path = Path(getattr(args, "config", None) or os.environ.get("LOKET_CONFIG")
                or default_config_path())
    if path.exists():
        raise ConfigError(f"{path}: sudah ada; ubah file itu atau hapus dulu")
    print(f"Menulis konfigurasi ke {path}")
    agent_id = _ask("ID agen dari host", "AGT001", _not_empty)
    shop = {"name": _ask("Nama toko", "WARUNG", _not_empty), "address": _ask("Alamat", ""),
            "agent_id": agent_id, "terminal_id": _ask("ID terminal", "T01", _not_empty)}
    host = {"adapter": "loket", "url": _ask("URL host", "http://127.0.0.1:8765", check_url),
            "agent_id": agent_id,
            "key_env": _ask("Nama variabel lingkungan berisi kunci host", "LOKET_HOST_KEY",
                            _env_name),
            "connect_timeout_s": 5.0, "read_timeout_s": 15.0}
    database = {"path": _ask("File database", str(data_dir() / "loket.db"), _not_empty)}
    backend = _ask("Printer (" + "/".join(BACKENDS) + ")", "file", _one_of(*BACKENDS))
    printer: dict[str, object] = {"backend": backend, "columns": int(_ask(
        "Kolom kertas (32 untuk 58mm, 48 untuk 80mm)", "32", _one_of("32", "48"))),
        "qr": "native", "cut": True}
    if backend in PRINTER_KEY:
        key = PRINTER_KEY[backend]
        default = str(data_dir() / "printer.bin") if key == "path" else ""
        printer[key] = _ask(f"Printer {key}", default, _not_empty)
    if backend == "usb":
        for key in ("vendor_id", "product_id"):
            printer[key] = int(_ask(f"Printer {key} (heksadesimal, contoh 0416)", "",
                                    lambda a: int(a, 16)), 16)
    fees = {"admin": parse_rupiah(_ask("Biaya admin per transaksi (Rp)", "2500", _admin))}
    document = {"shop": shop, "host": host, "database": database, "printer": printer,
                "fees": fees, "counter": {"pos_account": "pos"}}

    print("Akun pertama adalah PEMILIK (menambah kasir, laporan, persetujuan pengembalian):")
    owner_id = _ask("ID pemilik", "pemilik", check_new_id)
    name = _ask("Nama", owner_id)
    while True:
        pin = _ask("PIN (minimal 6 angka)", check=check_new_pin, secret=True)
        if _ask("Ulangi PIN", secret=True) == pin:
            break
        print("  PIN tidak sama.", file=sys.stderr)

    text = "# loket configuration, written by `loket init`; config.example.toml documents it.\n"
    text += tomli_w.dumps(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.environ.setdefault(str(host["key_env"]), "-" * 8)  # only so the file can be checked now
    try:
        load_config(tmp)  # the very file, checked by the same rules every command uses
    except ConfigError:
        tmp.unlink()
        raise
    os.replace(tmp, path)
    create_first_accounts(database["path"], owner_id, name, pin, "pos")
    print(f"Selesai. Isi variabel {host['key_env']} dengan kunci host, lalu jalankan: loket")
    return 0
