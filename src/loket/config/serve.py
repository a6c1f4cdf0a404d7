"""``[serve]``: the local API's door. Its bearer token lives in the environment, like the host key,
and is refused unless nobody could guess it."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from loket.config.base import ENV_NAME, ConfigError, Strict

MIN_TOKEN = 16
MAX_TOKEN = 256  # a token of kilobytes would push every request's headers past the server's limit
# zxcvbn's estimate of the guesses a token takes, as a power of ten: a random 16-character token
# scores 16; a repeat, a sequence, a keyboard row or a doubled word far less. 10^12 guesses at a
# thousand requests a second is thirty years.
MIN_GUESSES_LOG10 = 12.0


def token_problem(value: str) -> str | None:
    """What makes ``value`` a poor bearer token, in Indonesian, or None."""
    if any(ch.isspace() for ch in value):
        return "berisi spasi, tab atau baris baru"
    if not value.isascii() or not value.isprintable():
        return "hanya boleh huruf, angka dan tanda baca ASCII"
    if len(value) < MIN_TOKEN:
        return f"kurang dari {MIN_TOKEN} karakter"
    if len(value) > MAX_TOKEN:
        return f"paling panjang {MAX_TOKEN} karakter"
    from zxcvbn import zxcvbn  # late: 50 ms to load its word lists, for `loket serve` only

    if zxcvbn(value)["guesses_log10"] < MIN_GUESSES_LOG10:
        return "terlalu mudah ditebak (berulang, berurutan, baris papan ketik atau kata umum)"
    return None


def origin_of(value: str) -> str:
    """A web page's origin as a browser sends it (``http://kasir.toko.local:3000``), or
    ``ValueError`` in Indonesian: scheme, name and port, nothing else, no wildcard."""
    example = "contoh http://kasir.toko.local:3000"
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"{value}: port tidak sah ({example})") from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise ValueError(f"{value}: bukan asal halaman web, hanya skema, nama dan port ({example})")
    name = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{name}" + (f":{port}" if port is not None and port != default else "")


class ServeConfig(Strict):
    """``loket serve``: the local API for the shop's own POS."""

    token_env: str = "LOKET_SERVE_TOKEN"
    # web pages (origins) whose browser may call the API; a POS program or curl sends no Origin
    allowed_origins: list[str] = []
    # a request (its headers and its body) must have arrived this many seconds after the
    # connection opened or the previous answer went out; a half-open connection is then closed
    read_timeout_s: float = Field(10.0, gt=0, le=300, allow_inf_nan=False)
    # connections held at once (each a file descriptor; the usual limit is 1024 a process): past
    # it the one waiting longest for its request is closed
    max_connections: int = Field(64, ge=2, le=1000)

    @field_validator("token_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not ENV_NAME.match(value):
            raise ValueError("harus nama variabel lingkungan, contoh LOKET_SERVE_TOKEN")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        return [origin_of(value) for value in values]

    def token(self) -> str:
        """The bearer token, checked before anything starts: one line naming the key if not."""
        value = os.environ.get(self.token_env, "")
        problem = "belum diisi" if not value else token_problem(value)
        if problem:
            raise ConfigError(
                f"[serve] token_env: variabel lingkungan {self.token_env} {problem}; "
                "loket serve tidak dijalankan tanpa token yang kuat: buat dengan "
                "loket serve --new-token"
            )
        return value
