"""``[host]``: which host the counter pays through, and how it is reached."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Literal

from pydantic import (
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from loket.config.base import ENV_NAME, ConfigError, Strict, check_url
from loket.host import registry

if TYPE_CHECKING:
    Adapter = str
else:  # every host the registry knows, checked (and named in the error) as a Literal
    Adapter = Literal[registry.NAMES]
AGGREGATORS = tuple(k.name for k in registry.KINDS if k.account == "username")
# a status query per transaction no more often than this, when [host] does not say
STATUS_INTERVAL_S = {k.name: k.status_interval_s for k in registry.KINDS}
# how long after its deadline an unanswered payment request may still post (registry.HostKind)
LATE_REQUEST_S = {k.name: k.late_request_s for k in registry.KINDS}
READ_TIMEOUT_S = {k.name: k.read_timeout_s for k in registry.KINDS}
MIN_KEY, MAX_KEY = 8, 512  # a host key's length, in the file or in the environment
SKU = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class HostConfig(Strict):
    adapter: Adapter = "loket"  # native protocol | Digiflazz buyer API | IAK postpaid API
    url: str
    agent_id: str = Field("", max_length=64)  # the native host's agent id
    username: str = Field("", max_length=64)  # Digiflazz / IAK account username
    key: SecretStr | None = Field(None, min_length=MIN_KEY, max_length=MAX_KEY)
    key_env: str | None = None
    sku: str = "bpjs"  # Digiflazz: the buyer's own SKU (buyer_sku_code) for BPJS Kesehatan
    testing: bool = False  # Digiflazz development mode ("testing": true, test numbers)
    min_status_interval_s: float | None = Field(None, ge=0, le=3600, allow_inf_nan=False)
    connect_timeout_s: float = Field(5.0, gt=0, le=120, allow_inf_nan=False)
    read_timeout_s: float | None = Field(None, gt=0, le=120, allow_inf_nan=False)
    total_timeout_s: float | None = Field(None, gt=0, le=300, allow_inf_nan=False)
    late_request_s: float | None = Field(None, ge=0, le=86400, allow_inf_nan=False)
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
        host = registry.kind(self.adapter)
        other = "username" if host.account == "agent_id" else "agent_id"
        if not getattr(self, host.account):
            raise ValueError(f'{host.account} wajib diisi untuk adapter "{self.adapter}"')
        unused = [name for name in registry.OPTIONS if name in given and name not in host.options]
        if host.account == "agent_id":  # the native host takes none of the aggregators' fields
            for name in (other, *unused):
                if name in given:
                    raise ValueError(f'{name} tidak berlaku untuk adapter "{self.adapter}"')
        elif other in given:
            natives = " atau ".join(f'"{k.name}"' for k in registry.KINDS if k.account == other)
            raise ValueError(
                f'{other} hanya untuk adapter {natives}; untuk "{self.adapter}" isi {host.account}'
            )
        if unused:
            users = " atau ".join(
                f'"{k.name}"' for k in registry.KINDS if set(registry.OPTIONS) <= k.options
            )
            why = f" ({host.why_no_options})" if host.why_no_options else ""
            raise ValueError(f"{' dan '.join(registry.OPTIONS)} hanya untuk adapter {users}{why}")
        return self

    @property
    def account(self) -> str:
        """Who this counter is at its host: the agent id, or the aggregator username."""
        return (
            self.agent_id if registry.kind(self.adapter).account == "agent_id" else (self.username)
        )

    @property
    def status_interval_s(self) -> float:
        if self.min_status_interval_s is not None:
            return self.min_status_interval_s
        return STATUS_INTERVAL_S[self.adapter]

    @property
    def late_request(self) -> float:
        if self.late_request_s is not None:
            return self.late_request_s
        return LATE_REQUEST_S[self.adapter]

    @property
    def read_timeout(self) -> float:
        return self.read_timeout_s or READ_TIMEOUT_S[self.adapter]

    def secret(self) -> str:
        if self.key is not None:
            return self.key.get_secret_value()
        value = os.environ.get(self.key_env or "", "")
        if not value:
            raise ConfigError(f"[host] key_env: variabel lingkungan {self.key_env} belum diisi")
        if not MIN_KEY <= len(value) <= MAX_KEY:  # as strict as a key written in the file
            raise ConfigError(
                f"[host] key_env: kunci di {self.key_env} harus {MIN_KEY}–{MAX_KEY} karakter"
            )
        return value
