"""``loket init``: every answer from its flag, else asked; the owner's PIN from the terminal, or
(for scripts) two lines of standard input — never a flag. What the answers mean, and the order
in which things are written, is decided in ``service/setup.py``.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from loket.config import ENV_NAME, check_url, data_dir, default_config_path
from loket.config.sections import check_hub_url
from loket.domain.money import AmountError, parse_rupiah
from loket.errors import LoketError
from loket.host import registry
from loket.service import setup
from loket.service.accounts import check_new_id, check_new_pin


class Stopped(LoketError):
    """The questions ended (end of input) before the answers were complete: nothing written."""


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _read(label: str, secret: bool) -> str:
    try:
        if _interactive():
            return (getpass.getpass(label) if secret else input(label)).strip()
        print(label, end="", flush=True)
        line = sys.stdin.readline() if sys.stdin is not None else ""
        if not line:
            print()
            raise EOFError
        if not secret:
            print(line.strip())
        else:
            print()
        return line.strip()
    except EOFError:
        raise Stopped(
            "Input habis sebelum semua pertanyaan dijawab; tidak ada yang ditulis"
        ) from None


def _ask(
    args, name: str, prompt: str, default: str = "", check: Callable[[str], object] | None = None
) -> str:
    """The flag's value when given (checked, one line if wrong), else asked until it passes;
    from a script (no terminal) a wrong answer ends the set-up instead of asking again."""
    given = getattr(args, name, None)
    while True:
        if given is not None:
            answer = str(given).strip()
        else:
            answer = _read(f"{prompt}{f' [{default}]' if default else ''}: ", False) or default
        try:
            if check is not None:
                check(answer)
            return answer
        except (LoketError, ValueError) as exc:
            if given is not None:
                raise setup.SetupRefused(
                    f"--{name.replace('_', '-')}: {exc}; tidak ada yang ditulis"
                ) from None
            if not _interactive():
                raise setup.SetupRefused(f"{prompt}: {exc}; tidak ada yang ditulis") from None
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
    if not ENV_NAME.match(answer):
        raise ValueError("harus nama variabel lingkungan, contoh LOKET_HOST_KEY")


def _rupiah(answer: str) -> int:
    try:
        return parse_rupiah(answer, limit=1_000_000)
    except AmountError as exc:
        raise ValueError(str(exc)) from None


def _hex(answer: str) -> int:
    return int(answer, 16)


def _yes_no(answer: str) -> None:
    _one_of("y", "n")(answer)


def _host(args, adapter: str) -> dict[str, Any]:
    kind = registry.kind(adapter)
    found: dict[str, Any] = {
        "account": _ask(
            args, kind.account, kind.account_question, kind.account_example, _not_empty
        ),
        "url": _ask(args, "url", "URL host", setup.DEFAULT_URL[adapter], check_url),
        "key_env": _ask(
            args,
            "key_env",
            "Nama variabel lingkungan berisi kunci host",
            "LOKET_HOST_KEY",
            _env_name,
        ),
    }
    if "sku" in kind.options:
        found["sku"] = _ask(
            args, "sku", "Kode produk BPJS Kesehatan Anda (buyer_sku_code)", "bpjs", _not_empty
        )
    if "testing" in kind.options:
        testing = args.testing
        if testing is None:
            testing = (
                _ask(
                    args,
                    "testing_answer",
                    "Mode pengembangan (kunci development)? y/n",
                    "n",
                    _yes_no,
                )
                == "y"
            )
        found["testing"] = testing
    return found


def _printer(args) -> dict[str, Any]:
    backend = _ask(
        args,
        "printer",
        "Printer (" + "/".join(setup.BACKENDS) + ")",
        "file",
        _one_of(*setup.BACKENDS),
    )
    found: dict[str, Any] = {"printer": backend}
    if backend == "none":
        return found  # no paper: no width, no address
    found["columns"] = int(
        _ask(
            args,
            "columns",
            "Kolom kertas (32 untuk 58mm, 48 untuk 80mm)",
            "32",
            _one_of("32", "48"),
        )
    )
    if backend in setup.PRINTER_KEY:
        key = setup.PRINTER_KEY[backend]
        default = str(data_dir() / "printer.bin") if key == "path" else ""
        found["printer_target"] = _ask(
            args, "printer_target", f"Printer {key}", default, _not_empty
        )
    if backend == "usb":
        for name in ("vendor_id", "product_id"):
            found[name] = _hex(
                _ask(args, name, f"Printer {name} (heksadesimal, contoh 0416)", "", _hex)
            )
    return found


def _hub(args) -> dict[str, Any]:
    if args.no_hub:
        return {}
    wanted = (
        args.hub_url is not None
        or _ask(args, "hub_answer", "Kirim buku ke hub PostgreSQL pemilik? y/n", "n", _yes_no)
        == "y"
    )
    if not wanted:
        return {}
    return {
        "hub_url": _ask(args, "hub_url", "URL hub (postgresql://…)", "", check_hub_url),
        "hub_password_env": _ask(
            args,
            "hub_password_env",
            "Nama variabel lingkungan berisi kata sandi hub",
            "LOKET_HUB_PASSWORD",
            _env_name,
        ),
    }


def _pin() -> str:
    while True:
        pin = _read("PIN pemilik (6-12 angka): ", True)
        try:
            check_new_pin(pin)
        except LoketError as exc:
            if not _interactive():
                raise setup.SetupRefused(f"PIN pemilik: {exc}; tidak ada yang ditulis") from None
            print(f"  {exc}", file=sys.stderr)
            continue
        if _read("Ulangi PIN: ", True) == pin:
            return pin
        if not _interactive():
            raise setup.SetupRefused("PIN tidak sama; tidak ada yang ditulis")
        print("  PIN tidak sama.", file=sys.stderr)


def _hosts_without(field: str) -> tuple[str, ...]:
    """The hosts whose [host] section has no such field."""
    return tuple(k.name for k in registry.KINDS if field != k.account and field not in k.options)


NOT_FOR = {  # flags that have no meaning with an answer given earlier: refused, not ignored
    **{
        name: ("adapter", _hosts_without(name))
        for name in ("agent_id", "username", "sku", "testing")
    },
    "columns": ("printer", ("none",)),
    "printer_target": ("printer", ("none", "usb")),
}


def _check_flags(args) -> None:
    """Every flag given is checked before the first question: a typo in a script is one line,
    not a half-answered set-up."""
    checks: dict[str, Callable[[str], object]] = {
        "adapter": _one_of(*setup.ADAPTERS),
        "printer": _one_of(*setup.BACKENDS),
        "columns": _one_of("32", "48"),
        "url": check_url,
        "key_env": _env_name,
        "hub_url": check_hub_url,
        "hub_password_env": _env_name,
        "admin_fee": _rupiah,
        "owner_id": check_new_id,
        "pos_account": check_new_id,
        "vendor_id": _hex,
        "product_id": _hex,
        "database": _not_empty,
        "shop_name": _not_empty,
        "terminal": _not_empty,
    }
    for name, check in checks.items():
        if getattr(args, name, None) is not None:
            _ask(args, name, name, check=check)
    _refuse_unused(args, {"adapter": args.adapter, "printer": args.printer})


def _refuse_unused(args, answers: dict[str, str]) -> None:
    for name, (after, values) in NOT_FOR.items():
        if getattr(args, name, None) is not None and answers.get(after) in values:
            raise setup.SetupRefused(
                f"--{name.replace('_', '-')} tidak berlaku untuk {after} "
                f"{answers[after]}; tidak ada yang ditulis"
            )


def write_config(args) -> int:
    path = Path(
        getattr(args, "config", None) or os.environ.get("LOKET_CONFIG") or default_config_path()
    )
    setup.refuse_existing_config(path)
    _check_flags(args)
    print(f"Menyiapkan loket; konfigurasi ditulis ke {path} setelah semuanya berhasil")
    database = _ask(args, "database", "File database", str(data_dir() / "loket.db"), _not_empty)
    setup.refuse_used_database(database)  # before anything else is asked
    shop: dict[str, Any] = {
        "shop_name": _ask(args, "shop_name", "Nama toko", "WARUNG", _not_empty),
        "address": _ask(args, "address", "Alamat"),
        "terminal": _ask(args, "terminal", "ID terminal", "T01", _not_empty),
    }
    adapter = _ask(
        args,
        "adapter",
        "Host (" + "/".join(setup.ADAPTERS) + ")",
        "loket",
        _one_of(*setup.ADAPTERS),
    )
    _refuse_unused(args, {"adapter": adapter})
    host = _host(args, adapter)
    printer = _printer(args)
    _refuse_unused(args, {"printer": printer["printer"]})
    fee = _rupiah(_ask(args, "admin_fee", "Biaya admin per transaksi (Rp)", "2500", _rupiah))
    hub = _hub(args)
    pos = _ask(args, "pos_account", "Akun POS untuk loket pay / loket serve", "pos", check_new_id)
    answers = setup.Answers(
        database=database,
        adapter=adapter,
        admin_fee=fee,
        pos_account=pos,
        **shop,
        **host,
        **printer,
        **hub,
    )
    text = setup.check(answers, path)

    print("Akun pertama adalah PEMILIK (menambah kasir, laporan, persetujuan pengembalian):")
    owner_id = _ask(args, "owner_id", "ID pemilik", "pemilik", check_new_id)
    name = _ask(args, "owner_name", "Nama", owner_id)
    setup.carry_out(path, text, database, owner_id, name or owner_id, _pin(), pos)
    print(
        f"Selesai: {path}.\nIsi variabel {host['key_env']} dengan kunci host, periksa "
        f"dengan `loket host check`, lalu jalankan: loket"
    )
    return 0
