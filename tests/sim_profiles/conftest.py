"""The simulator's Digiflazz and IAK profiles over real loopback HTTP, signed as their documents say.

The ``/_sim/`` controls are spoken through the shared ``SimControl`` (native ``X-Loket-*``
signature; the agent id is the profile's username).
"""

from __future__ import annotations

import hashlib
import time

import httpx
import pytest

from loket.clock import FixedClock
from loket.sim.app import SimSettings
from loket.sim.server import SimThread
from tests.conftest import AGENT, KEY, NOW, SimControl

USERNAME = AGENT  # the profile's username is the simulator's agent id
PENDING_DELAY_S = 1.0  # long enough for a few calls on a loaded 2-core machine (0.3 s was flaky)


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def start_profile_sim(profile: str, **settings) -> SimControl:
    clock = FixedClock(NOW)
    options = {"pending_delay_s": PENDING_DELAY_S, "min_status_interval_s": 0.0} | settings
    thread = SimThread(
        SimSettings(
            agent_id=AGENT, key=KEY, families=60_000, profile=profile, clock=clock, **options
        )
    )
    return SimControl(thread.start(), clock)


class DigiflazzClient:
    """A Digiflazz buyer: ``commands`` on ``/v1/transaction``, sign = md5(username+key+ref_id)."""

    def __init__(self, sim: SimControl) -> None:
        self.sim = sim

    def send(
        self,
        commands: str,
        customer_no: str,
        ref_id: str,
        *,
        testing: bool | None = None,
        sku: str = "bpjs",
        sign: str | None = None,
        username: str = USERNAME,
        timeout: float = 10,
    ) -> httpx.Response:
        body = {
            "commands": commands,
            "username": username,
            "buyer_sku_code": sku,
            "customer_no": customer_no,
            "ref_id": ref_id,
            "sign": sign if sign is not None else md5(username + KEY + ref_id),
        }
        if testing is not None:
            body["testing"] = testing
        return httpx.post(self.sim.url + "/v1/transaction", json=body, timeout=timeout)

    def _data(self, *args, **kw) -> dict:
        return self.send(*args, **kw).json()["data"]

    def inq(self, customer_no: str, ref_id: str, **kw) -> dict:
        return self._data("inq-pasca", customer_no, ref_id, **kw)

    def pay(self, customer_no: str, ref_id: str, **kw) -> dict:
        return self._data("pay-pasca", customer_no, ref_id, **kw)

    def status(self, customer_no: str, ref_id: str, **kw) -> dict:
        return self._data("status-pasca", customer_no, ref_id, **kw)

    def saldo(self, sign: str | None = None, username: str = USERNAME) -> httpx.Response:
        body = {
            "cmd": "deposit",
            "username": username,
            "sign": sign if sign is not None else md5(username + KEY + "depo"),
        }
        return httpx.post(self.sim.url + "/v1/cek-saldo", json=body, timeout=10)


class IakClient:
    """An IAK client: every command on ``/api/v1/bill/check``; X = ref_id / tr_id / "cs"."""

    def __init__(self, sim: SimControl) -> None:
        self.sim = sim

    def post(self, body: dict, timeout: float = 10) -> httpx.Response:
        return httpx.post(self.sim.url + "/api/v1/bill/check", json=body, timeout=timeout)

    def inq_response(
        self,
        hp: str,
        ref_id: str,
        month: int | str = 1,
        code: str = "BPJS",
        sign: str | None = None,
    ) -> httpx.Response:
        return self.post(
            {
                "commands": "inq-pasca",
                "username": USERNAME,
                "code": code,
                "hp": hp,
                "ref_id": ref_id,
                "month": month,
                "sign": sign if sign is not None else md5(USERNAME + KEY + ref_id),
            }
        )

    def inq(self, hp: str, ref_id: str, **kw) -> dict:
        return self.inq_response(hp, ref_id, **kw).json()["data"]

    def pay_response(
        self, tr_id: int | str, sign: str | None = None, timeout: float = 10
    ) -> httpx.Response:
        return self.post(
            {
                "commands": "pay-pasca",
                "username": USERNAME,
                "tr_id": tr_id,
                "sign": sign if sign is not None else md5(USERNAME + KEY + str(tr_id)),
            },
            timeout=timeout,
        )

    def pay(self, tr_id: int | str, **kw) -> dict:
        return self.pay_response(tr_id, **kw).json()["data"]

    def status_response(self, ref_id: str, sign: str | None = None) -> httpx.Response:
        return self.post(
            {
                "commands": "checkstatus",
                "username": USERNAME,
                "ref_id": ref_id,
                "sign": sign if sign is not None else md5(USERNAME + KEY + "cs"),
            }
        )

    def status(self, ref_id: str, **kw) -> dict:
        return self.status_response(ref_id, **kw).json()["data"]


def wait_pending() -> None:
    time.sleep(PENDING_DELAY_S + 0.1)


@pytest.fixture
def dg():
    sim = start_profile_sim("digiflazz")
    yield DigiflazzClient(sim)
    sim.thread.stop()


@pytest.fixture
def iak():
    sim = start_profile_sim("iak")
    yield IakClient(sim)
    sim.thread.stop()
