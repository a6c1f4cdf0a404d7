"""Configuration: a TOML file validated strictly, or the built-in training set-up.

A mistake in the file exits with one line naming the file, the key and what is wrong, in
Indonesian. Nothing in the file is believed before it is checked: types, ranges, the host's
address, the key's source, the database path.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from loket.errors import LoketError

APP = "loket"
MAX_CONFIG_BYTES = 256_000  # a configuration is a few kilobytes; /dev/zero is not one
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


class ConfigError(LoketError):
    """A mistake in the configuration: file, key, what is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def check_url(url: str) -> str:
    """An http(s) address with a host and a valid port, or ``ValueError`` in Indonesian."""
    example = "contoh https://host.contoh.id atau http://127.0.0.1:8765"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"port tidak sah ({example})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"bukan alamat http:// atau https:// ({example})")
    if port == 0:
        raise ValueError(f"port tidak sah ({example})")
    return url.strip()


class ShopConfig(_Strict):
    name: str = Field(min_length=1, max_length=64)
    address: str = Field("", max_length=120)
    agent_id: str = Field("", max_length=32)
    terminal_id: str = Field("T01", max_length=32)


Adapter = Literal["loket", "digiflazz", "iak"]
AGGREGATORS = ("digiflazz", "iak")
# a status query per transaction no more often than this, when [host] does not say
STATUS_INTERVAL_S = {"loket": 0.0, "digiflazz": 60.0, "iak": 0.0}
READ_TIMEOUT_S = {"loket": 15.0, "digiflazz": 15.0, "iak": 30.0}  # IAK suggests 30 s
SKU = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class HostConfig(_Strict):
    adapter: Adapter = "loket"  # native protocol | Digiflazz buyer API | IAK postpaid API
    url: str
    agent_id: str = Field("", max_length=64)  # the native host's agent id
    username: str = Field("", max_length=64)  # Digiflazz / IAK account username
    key: SecretStr | None = Field(None, min_length=8, max_length=512)
    key_env: str | None = None
    sku: str = "bpjs"  # Digiflazz: the buyer's own SKU (buyer_sku_code) for BPJS Kesehatan
    testing: bool = False  # Digiflazz development mode ("testing": true, test numbers)
    min_status_interval_s: float | None = Field(None, ge=0, le=3600, allow_inf_nan=False)
    connect_timeout_s: float = Field(5.0, gt=0, le=120, allow_inf_nan=False)
    read_timeout_s: float | None = Field(None, gt=0, le=120, allow_inf_nan=False)
    total_timeout_s: float | None = Field(None, gt=0, le=300, allow_inf_nan=False)
    # how the agent pays the host what the payments cost: a prepaid deposit the host deducts
    # from (the common case), or post-paid, settled by T+1 (PPOB partner obligations, seed 000)
    settlement: Literal["deposit", "postpaid"] = "deposit"

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not ENV_NAME.match(value):
            raise ValueError("harus nama variabel lingkungan, contoh LOKET_HOST_KEY")
        return value

    @field_validator("sku")
    @classmethod
    def _sku(cls, value: str) -> str:
        if not SKU.match(value):
            raise ValueError("harus kode produk dari daftar harga Digiflazz, contoh bpjs")
        return value

    @model_validator(mode="after")
    def _one_key(self) -> HostConfig:
        if (self.key is None) == (self.key_env is None):
            raise ValueError("isi salah satu saja: key atau key_env")
        given = self.model_fields_set
        if self.adapter == "loket":
            if not self.agent_id:
                raise ValueError('agent_id wajib diisi untuk adapter "loket"')
            for name in ("username", "sku", "testing"):
                if name in given:
                    raise ValueError(f'{name} tidak berlaku untuk adapter "loket"')
        else:
            if not self.username:
                raise ValueError(f'username wajib diisi untuk adapter "{self.adapter}"')
            if "agent_id" in given:
                raise ValueError(f'agent_id hanya untuk adapter "loket"; untuk '
                                 f'"{self.adapter}" isi username')
        if self.adapter == "iak" and ({"sku", "testing"} & given):
            raise ValueError('sku dan testing hanya untuk adapter "digiflazz" '
                             "(IAK memakai kode BPJS dan URL sandbox)")
        return self

    @property
    def account(self) -> str:
        """Who this counter is at its host: the agent id, or the aggregator username."""
        return self.agent_id if self.adapter == "loket" else self.username

    @property
    def status_interval_s(self) -> float:
        if self.min_status_interval_s is not None:
            return self.min_status_interval_s
        return STATUS_INTERVAL_S[self.adapter]

    @property
    def read_timeout(self) -> float:
        return self.read_timeout_s or READ_TIMEOUT_S[self.adapter]

    def secret(self) -> str:
        if self.key is not None:
            return self.key.get_secret_value()
        value = os.environ.get(self.key_env or "", "")
        if not value:
            raise ConfigError(f"[host] key_env: variabel lingkungan {self.key_env} belum diisi")
        return value


class DatabaseConfig(_Strict):
    path: str  # checked, as a file, by the store before SQLite opens it (store/dbfile.py)


class PrinterConfig(_Strict):
    backend: Literal["file", "serial", "network", "usb", "cups", "win32raw", "dummy",
                     "none"] = "file"
    columns: Literal[32, 48] = 32
    qr: Literal["native", "image", "none"] = "native"
    cut: bool = True
    path: str = ""
    device: str = ""
    baudrate: int = Field(9600, gt=0, le=1_000_000)
    host: str = ""
    port: int = Field(9100, gt=0, lt=65536)
    vendor_id: int = Field(0, ge=0, le=0xFFFF)
    product_id: int = Field(0, ge=0, le=0xFFFF)
    name: str = ""

    @model_validator(mode="after")
    def _backend_needs(self) -> PrinterConfig:
        needs = {
            "file": ("path",),
            "serial": ("device",),
            "network": ("host",),
            "usb": ("vendor_id", "product_id"),
            "cups": ("name",),
            "win32raw": ("name",),
        }
        for key in needs.get(self.backend, ()):
            if not getattr(self, key):
                raise ValueError(f"printer {self.backend!r} perlu {key}")
        return self


class FeesConfig(_Strict):
    admin: int = Field(2500, ge=0, le=1_000_000)
    admin_per_month: bool = False


class CounterConfig(_Strict):
    max_months_ahead: int = Field(12, ge=0, le=12)
    pos_account: str = Field("pos", min_length=1, max_length=32)  # who `loket pay` acts as


class OfflineConfig(_Strict):
    enabled: bool = True
    family_max_age_days: int = Field(35, ge=0, le=366)
    max_payment: int = Field(1_000_000, ge=0, le=100_000_000)
    max_total: int = Field(5_000_000, ge=0, le=1_000_000_000)
    max_count: int = Field(50, ge=0, le=10_000)
    max_age_hours: int = Field(24, ge=0, le=24 * 30)


MIN_TOKEN = 16


class ServeConfig(_Strict):
    """``loket serve``: the local API's bearer token lives in the environment, like the host key."""

    token_env: str = "LOKET_SERVE_TOKEN"

    @field_validator("token_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not ENV_NAME.match(value):
            raise ValueError("harus nama variabel lingkungan, contoh LOKET_SERVE_TOKEN")
        return value

    def token(self) -> str:
        value = os.environ.get(self.token_env, "")
        if len(value) < MIN_TOKEN:
            what = "belum diisi" if not value else f"kurang dari {MIN_TOKEN} karakter"
            raise ConfigError(f"[serve] token_env: variabel lingkungan {self.token_env} {what}; "
                              "loket serve tidak dijalankan tanpa token")
        return value


TERMINAL = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def check_hub_url(url: str) -> str:
    """A ``postgresql://`` URL without a password (that comes from ``password_env``)."""
    example = "contoh postgresql://loket_t01@hub.contoh.id/loket"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise ValueError(f"port tidak sah ({example})") from None
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise ValueError(f"bukan alamat postgresql://…/nama-database ({example})")
    if parts.password is not None:
        raise ValueError("kata sandi jangan di URL: isi password_env dengan nama variabel "
                         "lingkungannya")
    return url.strip()


class HubConfig(_Strict):
    """The owner's PostgreSQL hub every counter copies its ledger to (optional)."""

    url: str
    password_env: str | None = None
    terminal_id: str | None = None  # default: [shop] terminal_id

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_hub_url(value)

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not ENV_NAME.match(value):
            raise ValueError("harus nama variabel lingkungan, contoh LOKET_HUB_PASSWORD")
        return value

    @field_validator("terminal_id")
    @classmethod
    def _terminal(cls, value: str | None) -> str | None:
        if value is not None and not TERMINAL.match(value):
            raise ValueError("huruf, angka, - atau _ saja (paling panjang 32)")
        return value

    def password(self) -> str | None:
        if self.password_env is None:
            return None
        value = os.environ.get(self.password_env, "")
        if not value:
            raise ConfigError(f"[hub] password_env: variabel lingkungan {self.password_env} "
                              f"belum diisi")
        return value


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
    serve: ServeConfig = ServeConfig()
    hub: HubConfig | None = None

    def hub_terminal(self) -> str:
        """The terminal this counter is in the hub: ``[hub] terminal_id`` or the shop's."""
        return (self.hub.terminal_id if self.hub and self.hub.terminal_id
                else self.shop.terminal_id)


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
        "int_type": "harus bilangan bulat", "int_parsing": "harus bilangan bulat",
        "int_from_float": "harus bilangan bulat",
        "float_type": "harus angka", "float_parsing": "harus angka",
        "finite_number": "harus angka biasa (bukan inf/nan)",
        "bool_type": "harus true atau false", "bool_parsing": "harus true atau false",
        "string_type": "harus teks dalam tanda kutip",
        "dict_type": "harus sebuah bagian [..]", "model_type": "harus sebuah bagian [..]",
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
        return "tidak boleh kosong" if ctx.get("min_length") == 1 else (
            f"paling sedikit {ctx.get('min_length')} karakter")
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
            raise ConfigError(f"{path}: file konfigurasi tidak ada" if not path.exists()
                              else f"{path}: bukan file biasa")
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
    data = _read(path)
    data.pop("training", None)
    try:
        config = Config.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-after"))
        raise ConfigError(f"{path}: {_where(loc)}: {_words(err)}") from None
    except RecursionError:
        raise ConfigError(f"{path}: terlalu dalam bersarang") from None
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
    if profile not in STATUS_INTERVAL_S:
        raise ConfigError(f"--profile: harus salah satu dari {', '.join(STATUS_INTERVAL_S)}")
    root = (base or data_dir()) / ("latihan" if profile == "loket" else f"latihan-{profile}")
    if profile == "loket":
        host = HostConfig(url="http://127.0.0.1", agent_id="AGT-SIM", key=SecretStr("training"))
    elif profile == "digiflazz":  # its test numbers answer only in its development mode
        host = HostConfig(adapter="digiflazz", url="http://127.0.0.1", username="AGT-SIM",
                          key=SecretStr("training"), testing=True)
    else:
        host = HostConfig(adapter="iak", url="http://127.0.0.1", username="AGT-SIM",
                          key=SecretStr("training"))
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
