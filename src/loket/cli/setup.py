"""``loket init``: asks a few questions, writes the configuration, creates the first cashier."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from loket.clock import SystemClock, iso
from loket.config import ConfigError, data_dir, default_config_path, load_config
from loket.store import cashiers
from loket.store.db import open_database

TEMPLATE = """\
# loket configuration — written by `loket init`. Every key is documented in config.example.toml.
[shop]
name = {shop_name}
address = {address}
agent_id = {agent_id}
terminal_id = {terminal_id}

[host]
adapter = "loket"
url = {url}
agent_id = {agent_id}
key_env = {key_env}   # the key itself stays in the environment, never in this file
connect_timeout_s = 5
read_timeout_s = 15

[database]
path = {db}

[printer]
backend = {backend}
columns = {columns}
qr = "native"
cut = true
{printer_line}

[fees]
admin = {admin}
"""


def _ask(prompt: str, default: str = "") -> str:
    answer = input(f"{prompt}{f' [{default}]' if default else ''}: ").strip()
    return answer or default


def write_config(args) -> int:
    path = Path(
        getattr(args, "config", None) or os.environ.get("LOKET_CONFIG") or default_config_path()
    )
    if path.exists():
        raise ConfigError(f"{path}: already exists; edit it or remove it first")
    print(f"Menulis konfigurasi ke {path}")
    values = {
        "shop_name": _ask("Nama toko", "WARUNG"),
        "address": _ask("Alamat", ""),
        "agent_id": _ask("ID agen dari host", "AGT001"),
        "terminal_id": _ask("ID terminal", "T01"),
        "url": _ask("URL host", "http://127.0.0.1:8765"),
        "key_env": _ask("Nama variabel lingkungan berisi kunci host", "LOKET_HOST_KEY"),
        "db": _ask("File database", str(data_dir() / "loket.db")),
        "backend": _ask("Printer (file/serial/network/usb/cups/none)", "file"),
        "columns": _ask("Kolom kertas (32 untuk 58mm, 48 untuk 80mm)", "32"),
        "admin": _ask("Biaya admin per transaksi (Rp)", "2500"),
    }
    printer_key = {"file": "path", "serial": "device", "network": "host", "cups": "name"}
    key = printer_key.get(values["backend"])
    values["printer_line"] = ""
    if key:
        default = str(data_dir() / "printer.bin") if key == "path" else ""
        values["printer_line"] = f"{key} = {json.dumps(_ask(f'Printer {key}', default))}"
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = {k: v if k in ("columns", "admin", "printer_line") else json.dumps(v)
              for k, v in values.items()}  # JSON string quoting is valid TOML
    path.write_text(TEMPLATE.format(**quoted), encoding="utf-8")
    os.environ.setdefault(values["key_env"], "-")  # only so the file can be checked now
    config = load_config(path)
    engine = open_database(config.database.path)
    print("Akun pertama adalah PEMILIK (menambah kasir, laporan, persetujuan pengembalian):")
    cashier_id = _ask("ID pemilik", "pemilik")
    name = _ask("Nama", cashier_id)
    while True:
        pin = getpass.getpass("PIN (minimal 6 angka): ")
        try:
            cashiers.validate_pin(pin)
        except cashiers.CashierError as exc:
            print(exc)
            continue
        if getpass.getpass("Ulangi PIN: ") == pin:
            break
        print("PIN tidak sama.")
    cashiers.save_cashier(engine, cashier_id, name, pin, iso(SystemClock().now()), role="owner",
                          by=cashier_id)
    engine.dispose()
    print(f"Selesai. Set {values['key_env']} berisi kunci host, lalu jalankan: loket")
    return 0
