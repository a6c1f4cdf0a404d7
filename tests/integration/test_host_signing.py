"""The signature covers the query string, a replayed signature is refused, and loket's own client
never sends the same signature twice."""

import json
import time

import httpx

from loket.domain.outcomes import Outcome
from loket.host.signing import MAX_AHEAD_S, MAX_SKEW_S, SeenSignatures, Stamps, signed_headers
from tests.conftest import AGENT, KEY
from tests.integration.test_simulator import pay_request


def send(sim, method, target, raw=b"", stamp=None, signed_target=None):
    headers = signed_headers(
        AGENT, KEY, method, signed_target or target, raw, stamp or int(time.time())
    )
    return httpx.request(method, sim.url + target, content=raw, headers=headers, timeout=10)


def test_the_query_string_is_signed_and_cannot_be_altered(sim):
    target = "/_sim/customers?situation=arrears&limit=2"
    ok = send(sim, "GET", target)
    assert ok.status_code == 200 and len(ok.json()["data"]["customers"]) == 2
    stamp = int(time.time()) - 1
    tampered = send(
        sim, "GET", "/_sim/customers?situation=arrears&limit=900", stamp=stamp, signed_target=target
    )
    assert tampered.status_code == 401 and tampered.json()["data"]["rc"] == "41"
    path_only = send(sim, "GET", target, stamp=stamp - 1, signed_target="/_sim/customers")
    assert path_only.status_code == 401  # the old way of signing no longer passes


def test_a_replayed_request_is_refused_and_changes_nothing(sim):
    raw = json.dumps({"balance": 500}).encode()
    headers = signed_headers(AGENT, KEY, "POST", "/_sim/deposit", raw, int(time.time()))
    first = httpx.post(sim.url + "/_sim/deposit", content=raw, headers=headers)
    assert first.status_code == 200
    sim.deposit(700)
    replay = httpx.post(sim.url + "/_sim/deposit", content=raw, headers=headers)
    assert replay.status_code == 401 and replay.json()["data"]["rc"] == "41"
    assert sim.host().balance().balance == 700  # the replay was not applied


def test_a_replayed_payment_is_refused_as_a_rejection_not_a_second_post(sim):
    host = sim.host()
    raw = json.dumps(pay_request("PAY-R").__dict__, separators=(",", ":")).encode()
    headers = signed_headers(AGENT, KEY, "POST", "/v1/payment", raw, int(time.time()))
    assert httpx.post(sim.url + "/v1/payment", content=raw, headers=headers).status_code == 200
    again = httpx.post(sim.url + "/v1/payment", content=raw, headers=headers)
    assert again.status_code == 401
    assert [e["ref_id"] for e in sim.ledger()] == ["PAY-R"]
    assert host.status("PAY-R").outcome is Outcome.SUCCESS


def test_the_client_never_trips_the_replay_guard_with_identical_calls(sim):
    host, other = sim.host(), sim.host()
    statuses = [h.status("PAY-NEVER").outcome for h in (host, host, other, host)]
    balances = [h.balance() for h in (host, other, host, host, other)]
    assert statuses == [Outcome.NOT_POSTED] * 4  # never REJECTED (rc 41)
    assert all(b.outcome is Outcome.SUCCESS and b.balance is not None for b in balances)
    first, resent = host.payment(pay_request("PAY-2X")), other.payment(pay_request("PAY-2X"))
    assert first.outcome is resent.outcome is Outcome.SUCCESS and first.sn == resent.sn
    assert [e["ref_id"] for e in sim.ledger()] == ["PAY-2X"]


class FakeTime:
    def __init__(self, now: float) -> None:
        self.now, self.slept = now, []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_identical_requests_get_the_next_second_others_do_not_wait():
    t = FakeTime(1_000.25)
    stamps = Stamps(t.clock, t.sleep)
    same = [stamps.issue("A", "POST", "/v1/status", b'{"ref_id":"P"}') for _ in range(3)]
    assert same == [1000, 1001, 1002]
    assert stamps.issue("A", "POST", "/v1/status", b'{"ref_id":"Q"}') == 1000
    assert stamps.issue("A", "POST", "/v1/balance", b'{"ref_id":"P"}') == 1000
    assert stamps.issue("B", "POST", "/v1/status", b'{"ref_id":"P"}') == 1000
    t.now = 1_010.0  # later on, no catching up to do
    assert stamps.issue("A", "POST", "/v1/status", b'{"ref_id":"P"}') == 1010
    assert t.slept == []


def test_a_burst_of_identical_requests_waits_rather_than_run_far_ahead():
    t = FakeTime(2_000.0)
    stamps = Stamps(t.clock, t.sleep)
    issued = [stamps.issue("A", "POST", "/v1/balance", b"{}") for _ in range(MAX_AHEAD_S + 4)]
    assert issued == list(range(2000, 2000 + MAX_AHEAD_S + 4))  # all different
    assert all(stamp - int(t.now) <= MAX_AHEAD_S for stamp in issued)
    assert len(t.slept) == 3 and t.slept[0] > 0


def test_the_hosts_memory_of_signatures_is_bounded_by_the_window():
    seen = SeenSignatures()
    assert seen.first_time("aa", 1000, now=1000)
    assert not seen.first_time("aa", 1000, now=1000 + MAX_SKEW_S)  # a replay, still valid
    for i in range(100):
        assert seen.first_time(f"s{i}", 1000 + i, now=1000 + i)
    assert len(seen) == 101
    assert seen.first_time("new", 5000, now=5000)  # everything older has expired
    assert len(seen) == 1


def test_two_processes_sending_the_same_request_in_the_same_second_are_both_answered(sim):
    """Each process has its own stamps: the second identical status query is refused as a replay
    at first, and sent again a second later — never reported as refused."""
    from loket.host.native.client import NativeHost

    fixed = int(time.time())
    hosts = [NativeHost(sim.url, AGENT, KEY, stamps=Stamps(clock=lambda: fixed)) for _ in range(2)]
    try:
        assert [h.status("PAY-TWICE").outcome for h in hosts] == [Outcome.NOT_POSTED] * 2
    finally:
        for h in hosts:
            h.close()
