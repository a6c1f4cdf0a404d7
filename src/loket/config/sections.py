"""The smaller sections: shop, database, printer, fees, counter, offline, hub."""

from __future__ import annotations

import os
import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from loket.config.base import ENV_NAME, ConfigError, Strict


class ShopConfig(Strict):
    name: str = Field(min_length=1, max_length=64)
    address: str = Field("", max_length=120)
    agent_id: str = Field("", max_length=32)
    terminal_id: str = Field("T01", max_length=32)


class DatabaseConfig(Strict):
    path: str  # checked, as a file, by the store before SQLite opens it (store/dbfile.py)


class PrinterConfig(Strict):
    backend: Literal["file", "serial", "network", "usb", "cups", "win32raw", "dummy", "none"] = (
        "file"
    )
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


class FeesConfig(Strict):
    admin: int = Field(2500, ge=0, le=1_000_000)
    admin_per_month: bool = False


class CounterConfig(Strict):
    max_months_ahead: int = Field(12, ge=0, le=12)
    pos_account: str = Field("pos", min_length=1, max_length=32)  # who `loket pay` acts as


class OfflineConfig(Strict):
    enabled: bool = True
    family_max_age_days: int = Field(35, ge=0, le=366)
    max_payment: int = Field(1_000_000, ge=0, le=100_000_000)
    max_total: int = Field(5_000_000, ge=0, le=1_000_000_000)
    max_count: int = Field(50, ge=0, le=10_000)
    max_age_hours: int = Field(24, ge=0, le=24 * 30)


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
        raise ValueError(
            "kata sandi jangan di URL: isi password_env dengan nama variabel lingkungannya"
        )
    return url.strip()


def check_terminal(value: str) -> str:
    """A terminal id the hub can take: its counter's role is named after it (hub/schema.py)."""
    if not TERMINAL.match(value):
        raise ValueError("huruf, angka, - atau _ saja (paling panjang 32)")
    return value


class HubConfig(Strict):
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
        return None if value is None else check_terminal(value)

    def password(self) -> str | None:
        if self.password_env is None:
            return None
        value = os.environ.get(self.password_env, "")
        if not value:
            raise ConfigError(
                f"[hub] password_env: variabel lingkungan {self.password_env} belum diisi"
            )
        return value
