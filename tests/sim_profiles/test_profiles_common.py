"""What every profile shares: the `/_sim/` controls, the fault modes on its own paths, the CLI."""

import json
import time
from datetime import datetime

import httpx
import pytest

from loket.cli.main import _parser
from loket.clock import WIB
from loket.host.signing import signed_headers
from loket.sim.app import SimSettings, create_app
from tests.conftest import AGENT, KEY
from tests.sim_profiles.conftest import DigiflazzClient, IakClient, start_profile_sim, wait_pending

PROFILES = ("digiflazz", "iak")


class Payer:
    """One inquiry, then its payment, in either profile's words."""

    def __init__(self, profile: str) -> None:
        self.profile = profile
        self.sim = start_profile_sim(profile)
        self.client = DigiflazzClient(self.sim) if profile == "digiflazz" else IakClient(self.sim)

    def inquire(self, number: str = "0001000000011", ref: str = "R1") -> None:
        if self.profile == "digiflazz":
            self.ref = (number, ref)
            assert self.client.inq(number, ref)["rc"] == "00"
        else:
            self.tr_id = self.client.inq(number, ref)["tr_id"]

    def pay(self, timeout: float = 10) -> httpx.Response:
        if self.profile == "digiflazz":
            return self.client.send("pay-pasca", *self.ref, timeout=timeout)
        return self.client.pay_response(self.tr_id, timeout=timeout)

    def paid(self) -> bool:
        return any(e["ref_id"] == "R1" for e in self.sim.ledger())


@pytest.fixture(params=PROFILES)
def payer(request):
    p = Payer(request.param)
    yield p
    p.sim.thread.stop()


@pytest.mark.parametrize("mode", ["drop_before", "drop_after", "error_500", "garbage"])
def test_every_fault_mode_reaches_the_profiles_api(payer, mode):
    payer.inquire()
    payer.sim.faults(mode)
    if mode.startswith("drop"):
        with pytest.raises(httpx.TransportError):
            payer.pay()
    else:
        r = payer.pay()
        if mode == "error_500":
            assert r.status_code == 500
        else:
            assert r.status_code == 200
            with pytest.raises(ValueError):
                json.loads(r.content)
    assert len(payer.sim.ledger()) == (1 if mode == "drop_after" else 0)  # controls unaffected
    payer.sim.faults("none")
    assert payer.paid() is (mode == "drop_after")


def test_a_slow_host_times_the_client_out(payer):
    payer.inquire()
    payer.sim.faults("slow", latency_ms=600)
    with pytest.raises(httpx.ReadTimeout):
        payer.pay(timeout=0.2)
    payer.sim.faults("slow", latency_ms=50)
    assert payer.pay().status_code in (200, 400)  # answered late; never posted twice
    time.sleep(0.6)
    assert len(payer.sim.ledger()) == 1


def test_faults_hit_digiflazz_cek_saldo():
    p = Payer("digiflazz")
    try:
        p.sim.faults("error_500")
        assert p.client.saldo().status_code == 500
        p.sim.faults("none")
        assert p.client.saldo().status_code == 200
    finally:
        p.sim.thread.stop()


def test_controls_are_signed_with_the_profiles_username_and_key(payer):
    url = payer.sim.url + "/_sim/ledger"
    assert httpx.get(url).status_code == 401
    for agent, key in (("someone", KEY), (AGENT, "wrong-key")):
        headers = signed_headers(agent, key, "GET", "/_sim/ledger", b"", int(time.time()))
        r = httpx.get(url, headers=headers)
        assert r.status_code == 401 and r.json()["data"]["rc"] == "41"
    assert payer.sim.call("GET", "/_sim/ledger").json() == {"data": {"entries": []}}


def test_clock_deposit_and_customers_work_in_every_profile(payer):
    payer.sim.deposit(500_000)
    r = payer.sim.call("POST", "/_sim/clock", {"now": "2026-12-01T09:00:00+07:00"})
    assert r.status_code == 200
    assert payer.sim.clock.now() == datetime(2026, 12, 1, 9, tzinfo=WIB)
    found = payer.sim.call("GET", "/_sim/customers?situation=current&limit=2")
    customers = found.json()["data"]["customers"]
    assert len(customers) == 2 and all(c["situation"] == "current" for c in customers)
    payer.inquire(customers[0]["card_no"])
    payer.pay()
    [entry] = payer.sim.ledger()
    assert entry["paid_at"] == "2026-12-01T09:00:00+07:00"
    assert entry["periods"][-1] == "2026-12"  # the new month is due
    assert entry["deducted"] + _balance(payer) == 500_000


def _balance(payer: Payer) -> int:
    if payer.profile == "digiflazz":
        return int(payer.client.saldo().json()["data"]["deposit"])
    return int(payer.client.status("R1")["balance"])


def test_the_native_profile_serves_only_the_native_protocol():
    sim = start_profile_sim("loket")
    try:
        assert httpx.post(sim.url + "/v1/transaction", json={}).status_code == 404
        assert httpx.post(sim.url + "/api/v1/bill/check", json={}).status_code == 404
        assert sim.host().inquiry("I1", "0001000000011").rc == "00"
    finally:
        sim.thread.stop()


def test_each_profile_serves_only_its_own_api():
    for profile, foreign in (("digiflazz", "/api/v1/bill/check"), ("iak", "/v1/transaction")):
        sim = start_profile_sim(profile)
        try:
            assert httpx.post(sim.url + foreign, json={}).status_code == 404
            assert httpx.post(sim.url + "/v1/inquiry", json={}).status_code == 404
        finally:
            sim.thread.stop()


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="profile"):
        create_app(SimSettings(key="k", profile="bogus"))


def test_the_cli_takes_a_profile():
    args = _parser().parse_args(["sim", "--profile", "iak", "--min-status-interval", "1"])
    assert (args.profile, args.min_status_interval, args.inquiry_ttl) == ("iak", 1.0, 900.0)
    assert _parser().parse_args(["sim"]).profile == "loket"
    with pytest.raises(SystemExit):
        _parser().parse_args(["sim", "--profile", "bogus"])


@pytest.mark.parametrize("profile", PROFILES)
def test_the_ledger_resolves_pending_payments_that_are_due(profile):
    p = Payer(profile)
    try:
        p.inquire("0001000000078")
        p.pay()
        assert p.sim.ledger() == []
        wait_pending()
        [entry] = p.sim.ledger()  # posted by the biller, whether or not anyone asked
        assert entry["va_no"] == "8888801000000078" and entry["periods"] == ["2026-11"]
    finally:
        p.sim.thread.stop()
