"""``[host]``: which host the counter pays through, and how it is reached."""

from __future__ import annotations

import os
import re
from typing import Literal

from pydantic import (
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from loket.config.base import ENV_NAME, ConfigError, Strict, check_url

Adapter = Literal["loket", "digiflazz", "iak"]
AGGREGATORS = ("digiflazz", "iak")
# a status query per transaction no more often than this, when [host] does not say
STATUS_INTERVAL_S = {"loket": 0.0, "digiflazz": 60.0, "iak": 0.0}
# how long after its deadline a payment request left without an answer may still arrive at the
# host and post (issue 18): the native host books one ref_id once, however late; the aggregators
# pay a new reference per attempt, so a new one waits this long (no host documents a bound)
LATE_REQUEST_S = {"loket": 0.0, "digiflazz": 300.0, "iak": 300.0}
READ_TIMEOUT_S = {"loket": 15.0, "digiflazz": 15.0, "iak": 30.0}  # IAK suggests 30 s
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
            raise ConfigError(f"[host] key_env: kunci di {self.key_env} harus {MIN_KEY}–{MAX_KEY} "
                              "karakter")
        return value
