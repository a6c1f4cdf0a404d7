"""Configuration: a TOML file validated strictly, or the built-in training set-up.

A mistake in the file exits with one line naming the file, the key and what is wrong.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from loket.errors import LoketError

APP = "loket"


class ConfigError(LoketError):
    """A mistake in the configuration: file, key, what is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ShopConfig(_Strict):
    name: str
    address: str = ""
    agent_id: str = ""
    terminal_id: str = "T01"


class HostConfig(_Strict):
    adapter: Literal["loket"] = "loket"
    url: str
    agent_id: str
    key: SecretStr | None = None
    key_env: str | None = None
    connect_timeout_s: float = Field(5.0, gt=0)
    read_timeout_s: float = Field(15.0, gt=0)

    @model_validator(mode="after")
    def _one_key(self) -> HostConfig:
        if (self.key is None) == (self.key_env is None):
            raise ValueError("give exactly one of key or key_env")
        return self

    def secret(self) -> str:
        if self.key is not None:
            return self.key.get_secret_value()
        value = os.environ.get(self.key_env or "", "")
        if not value:
            raise ConfigError(f"[host] key_env: environment variable {self.key_env} is not set")
        return value


class DatabaseConfig(_Strict):
    path: str


class PrinterConfig(_Strict):
    backend: Literal["file", "serial", "network", "usb", "cups", "dummy", "none"] = "file"
    columns: Literal[32, 48] = 32
    qr: Literal["native", "image", "none"] = "native"
    cut: bool = True
    path: str = ""
    device: str = ""
    baudrate: int = 9600
    host: str = ""
    port: int = 9100
    vendor_id: int = 0
    product_id: int = 0
    name: str = ""

    @model_validator(mode="after")
    def _backend_needs(self) -> PrinterConfig:
        needs = {
            "file": ("path",),
            "serial": ("device",),
            "network": ("host",),
            "usb": ("vendor_id", "product_id"),
            "cups": ("name",),
        }
        for key in needs.get(self.backend, ()):
            if not getattr(self, key):
                raise ValueError(f"backend {self.backend!r} needs {key}")
        return self


class FeesConfig(_Strict):
    admin: int = Field(2500, ge=0)
    admin_per_month: bool = False


class CounterConfig(_Strict):
    max_months_ahead: int = Field(12, ge=0, le=12)


class OfflineConfig(_Strict):
    enabled: bool = True
    family_max_age_days: int = Field(35, ge=0)
    max_payment: int = Field(1_000_000, ge=0)
    max_total: int = Field(5_000_000, ge=0)
    max_count: int = Field(50, ge=0)
    max_age_hours: int = Field(24, ge=0)


class Config(_Strict):
    shop: ShopConfig
    host: HostConfig
    database: DatabaseConfig
    printer: PrinterConfig = PrinterConfig(backend="none")
    fees: FeesConfig = FeesConfig()
    counter: CounterConfig = CounterConfig()
    offline: OfflineConfig = OfflineConfig()
    training: bool = False
    source: str = ""  # the file it came from


def _where(loc: tuple) -> str:
    """``("printer", "columns")`` -> ``[printer] columns``; a whole section -> ``[printer]``."""
    parts = [str(p) for p in loc]
    if not parts:
        return "(top level)"
    if len(parts) == 1:
        return f"[{parts[0]}]" if parts[0] in Config.model_fields else parts[0]
    return f"[{parts[0]}] {'.'.join(parts[1:])}"


def load_config(path: str | Path) -> Config:
    path = Path(path).expanduser()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    data.pop("training", None)
    try:
        config = Config.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-after"))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key is missing"
        raise ConfigError(f"{path}: {_where(loc)}: {msg}") from None
    if config.host.key_env:
        try:
            config.host.secret()
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    config.database.path = _expand(config.database.path, "[database] path", path)
    if config.printer.path:
        config.printer.path = _expand(config.printer.path, "[printer] path", path)
    return config


def _expand(value: str, where: str, source: Path) -> str:
    """``~/x`` -> the home folder; an empty value stays empty (not ``.``) for the store to name."""
    if not value.strip():
        return value
    try:
        return str(Path(value).expanduser())
    except RuntimeError:  # pathlib cannot expand ~name of a user who does not exist
        user = value[1:].split("/", 1)[0]
        raise ConfigError(f"{source}: {where}: {value}: pengguna '{user}' tidak ada di komputer "
                          f"ini; tulis path lengkapnya") from None


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml"


def find_config(explicit: str | None) -> Path | None:
    """``--config``, then ``$LOKET_CONFIG``, then the user config file if it exists."""
    if explicit:
        return Path(explicit)
    if os.environ.get("LOKET_CONFIG"):
        return Path(os.environ["LOKET_CONFIG"])
    default = default_config_path()
    return default if default.exists() else None


def training_config(base: Path | None = None) -> Config:
    """MODE LATIHAN: the bundled simulator, a training database and a file printer."""
    root = (base or data_dir()) / "latihan"
    return Config(
        shop=ShopConfig(
            name="LOKET LATIHAN",
            address="Mode latihan - bukan transaksi nyata",
            agent_id="AGT-SIM",
            terminal_id="LATIHAN",
        ),
        host=HostConfig(url="sim://in-process", agent_id="AGT-SIM", key=SecretStr("-")),
        database=DatabaseConfig(path=str(root / "loket.db")),
        printer=PrinterConfig(backend="file", path=str(root / "printer.bin")),
        training=True,
    )
