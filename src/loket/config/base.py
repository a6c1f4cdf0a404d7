"""What every part of the configuration shares: the strict model, its error, checked URLs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
)

from loket.errors import LoketError

APP = "loket"
MAX_CONFIG_BYTES = 256_000  # a configuration is a few kilobytes; /dev/zero is not one
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


class ConfigError(LoketError):
    """A mistake in the configuration: file, key, what is wrong."""


class Strict(BaseModel):
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
    if parts.username is not None or parts.password is not None:  # sent to the host, logged
        raise ValueError(
            "nama pengguna dan kata sandi jangan di URL: isi agent_id atau username, dan key_env"
        )
    return url.strip()
