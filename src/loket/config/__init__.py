"""Configuration: a TOML file validated strictly, or the built-in training set-up.

A mistake in the file exits with one line naming the file, the key and what is wrong, in
Indonesian. Nothing in the file is believed before it is checked: types, ranges, the host's
address, the key's source, the database path.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs
from pydantic import SecretStr, ValidationError
from pydantic_core import ErrorDetails

from loket.config.base import APP, ENV_NAME, MAX_CONFIG_BYTES, ConfigError, Strict, check_url
from loket.config.host import AGGREGATORS, READ_TIMEOUT_S, STATUS_INTERVAL_S, HostConfig
from loket.config.sections import (
    CounterConfig,
    DatabaseConfig,
    FeesConfig,
    HubConfig,
    OfflineConfig,
    PrinterConfig,
    ShopConfig,
    check_hub_url,
    check_terminal,
)
from loket.config.serve import ServeConfig
from loket.host import registry

__all__ = [
    "AGGREGATORS",
    "APP",
    "ENV_NAME",
    "MAX_CONFIG_BYTES",
    "READ_TIMEOUT_S",
    "STATUS_INTERVAL_S",
    "Config",
    "ConfigError",
    "CounterConfig",
    "DatabaseConfig",
    "FeesConfig",
    "HostConfig",
    "HubConfig",
    "OfflineConfig",
    "PrinterConfig",
    "ServeConfig",
    "ShopConfig",
    "check_hub_url",
    "check_url",
    "data_dir",
    "default_config_path",
    "find_config",
    "load_config",
    "training_config",
]


class Config(Strict):
    shop: ShopConfig
    host: HostConfig
    database: DatabaseConfig
    printer: PrinterConfig = PrinterConfig(backend="none")
    fees: FeesConfig = FeesConfig()
    counter: CounterConfig = CounterConfig()
    offline: OfflineConfig = OfflineConfig()
    training: bool = False
    source: str = ""  # the file it came from
    serve: ServeConfig = ServeConfig()
    hub: HubConfig | None = None

    def hub_terminal(self) -> str:
        """The terminal this counter is in the hub: ``[hub] terminal_id`` or the shop's."""
        return self.hub.terminal_id if self.hub and self.hub.terminal_id else self.shop.terminal_id


def _where(loc: tuple) -> str:
    """``("printer", "columns")`` -> ``[printer] columns``; a whole section -> ``[printer]``."""
    parts = [str(p) for p in loc]
    if not parts:
        return "(tingkat atas)"
    if len(parts) == 1:
        return f"[{parts[0]}]" if parts[0] in Config.model_fields else parts[0]
    return f"[{parts[0]}] {'.'.join(parts[1:])}"


def _words(err: ErrorDetails) -> str:
    """pydantic's error as one Indonesian phrase."""
    kind, ctx = err["type"], err.get("ctx") or {}
    simple = {
        "extra_forbidden": "kunci tidak dikenal",
        "missing": "kunci wajib belum diisi",
        "int_type": "harus bilangan bulat",
        "int_parsing": "harus bilangan bulat",
        "int_from_float": "harus bilangan bulat",
        "float_type": "harus angka",
        "float_parsing": "harus angka",
        "finite_number": "harus angka biasa (bukan inf/nan)",
        "bool_type": "harus true atau false",
        "bool_parsing": "harus true atau false",
        "string_type": "harus teks dalam tanda kutip",
        "dict_type": "harus sebuah bagian [..]",
        "model_type": "harus sebuah bagian [..]",
        "list_type": 'harus daftar dalam [ ], contoh ["a", "b"]',
    }
    if kind in simple:
        return simple[kind]
    if kind == "greater_than":
        return f"harus lebih dari {ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"paling kecil {ctx.get('ge')}"
    if kind == "less_than":
        return f"harus kurang dari {ctx.get('lt')}"
    if kind == "less_than_equal":
        return f"paling besar {ctx.get('le')}"
    if kind == "string_too_short":
        return (
            "tidak boleh kosong"
            if ctx.get("min_length") == 1
            else (f"paling sedikit {ctx.get('min_length')} karakter")
        )
    if kind == "too_short":
        return f"paling sedikit {ctx.get('min_length')} karakter"
    if kind == "string_too_long":
        return f"paling panjang {ctx.get('max_length')} karakter"
    if kind == "literal_error":
        return f"harus salah satu dari {str(ctx.get('expected')).replace(' or ', ' atau ')}"
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    return err["msg"]


def _read(path: Path) -> dict:
    try:
        if not path.is_file():
            raise ConfigError(
                f"{path}: file konfigurasi tidak ada"
                if not path.exists()
                else f"{path}: bukan file biasa"
            )
        with path.open("rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: tidak dapat dibaca ({exc.strerror or exc})") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: terlalu besar untuk file konfigurasi")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: bukan teks UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: bukan TOML yang sah: {exc}") from None


def load_config(path: str | Path) -> Config:
    path = Path(path).expanduser()
    config = check_document(_read(path), path)
    if config.host.key_env:
        try:
            config.host.secret()
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return config


def check_document(data: dict, path: Path) -> Config:
    """A configuration's content, by the rules every command uses, as if read from ``path``;
    secrets kept in the environment are not looked at (``loket init`` checks before writing)."""
    data = dict(data)
    data.pop("training", None)
    try:
        config = Config.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        errors = exc.errors()
        err = errors[0]
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-after"))
        missing = [_where(e["loc"]) for e in errors if e["type"] == "missing"]
        if err["type"] == "missing":  # all of them at once, not one per try
            raise ConfigError(f"{path}: belum diisi (wajib): {', '.join(missing)}") from None
        raise ConfigError(f"{path}: {_where(loc)}: {_words(err)}") from None
    except RecursionError:
        raise ConfigError(f"{path}: terlalu dalam bersarang") from None
    config.database.path = _expand(config.database.path, "[database] path", path)
    if config.printer.path:
        config.printer.path = _expand(config.printer.path, "[printer] path", path)
    if config.hub is not None and config.hub.terminal_id is None:  # the shop's is the hub's
        try:
            check_terminal(config.shop.terminal_id)
        except ValueError as exc:
            raise ConfigError(
                f"{path}: [shop] terminal_id: {exc}, karena hub memakainya sebagai "
                f"id terminal; atau isi [hub] terminal_id"
            ) from None
    return config


def _expand(value: str, where: str, source: Path) -> str:
    """``~/x`` -> the home folder; an empty value stays empty (not ``.``) for the store to name."""
    if "\0" in value:  # no file can be named so: the operating system refuses it
        raise ConfigError(
            f"{source}: {where}: berisi karakter NUL (\\u0000); tulis path-nya tanpa karakter itu"
        )
    if not value.strip():
        return value
    try:
        return str(Path(value).expanduser())
    except RuntimeError:  # pathlib cannot expand ~name of a user who does not exist
        user = value[1:].split("/", 1)[0]
        raise ConfigError(
            f"{source}: {where}: {value}: pengguna '{user}' tidak ada di komputer "
            f"ini; tulis path lengkapnya"
        ) from None


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml"


def find_config(explicit: str | None) -> Path | None:
    """``--config``, then ``$LOKET_CONFIG``, then the user config file if it exists."""
    if explicit is not None:
        if not explicit.strip():
            raise ConfigError("--config: nama file kosong")
        return Path(explicit)
    if os.environ.get("LOKET_CONFIG"):
        return Path(os.environ["LOKET_CONFIG"])
    default = default_config_path()
    return default if default.exists() else None


def training_config(base: Path | None = None, profile: str = "loket") -> Config:
    """MODE LATIHAN: the bundled simulator, a training database and a file printer.

    ``profile``: which host the simulator plays (loket, digiflazz, iak); each keeps its own
    training folder, so payments made against one host are never forwarded to another."""
    if profile not in registry.HOSTS:
        raise ConfigError(f"--profile: harus salah satu dari {', '.join(registry.NAMES)}")
    kind = registry.kind(profile)
    root = (base or data_dir()) / kind.training_folder
    host = HostConfig.model_validate(
        {
            "adapter": profile,
            "url": "http://127.0.0.1",
            kind.account: "AGT-SIM",
            "key": SecretStr("training"),
            **kind.training,
        }
    )
    return Config(
        shop=ShopConfig(
            name="LOKET LATIHAN",
            address="Mode latihan - bukan transaksi nyata",
            agent_id="AGT-SIM",
            terminal_id="LATIHAN",
        ),
        host=host,  # the address is the simulator's, chosen when it starts (cli/boot.py)
        database=DatabaseConfig(path=str(root / "loket.db")),
        printer=PrinterConfig(backend="file", path=str(root / "printer.bin")),
        training=True,
    )
