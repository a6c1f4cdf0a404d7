"""The simulator over real loopback HTTP, spoken to by loket's own client."""

import json
import time

import httpx
import pytest

from loket.domain.outcomes import Outcome
from loket.host.base import PaymentRequest
from loket.host.signing import signed_headers
from loket.sim.population import Population
from tests.conftest import AGENT, KEY


def pay_request(ref_id, customer_no="0001000000011", amount=105_000, months_ahead=0):
    return PaymentRequest(
        ref_id=ref_id,
        customer_no=customer_no,
        months_ahead=months_ahead,
        amount=amount,
        terminal_id="T01",
        cashier_id="kasir1",
        collected_at="2026-11-21T10:00:00+07:00",
    )


@pytest.mark.parametrize(
    ("number", "outcome", "rc", "members", "periods", "premium"),
    [
        ("0001000000011", Outcome.SUCCESS, "00", 3, ["2026-11"], 105_000),
        ("0001000000102", Outcome.SUCCESS, "00", 3, ["2026-11"], 105_000),  # any member
        ("8888801000000011", Outcome.SUCCESS, "00", 3, ["2026-11"], 105_000),  # the VA
        ("0001000000029", Outcome.SUCCESS, "00", 2, ["2026-09", "2026-10", "2026-11"], 750_000),
        ("0001000000037", Outcome.SUCCESS, "00", 1, None, 875_000),
        ("0001000000045", Outcome.FINAL_FAILURE, "60", None, None, None),
        ("0001000000053", Outcome.FINAL_FAILURE, "60", None, None, None),
        ("0001000000061", Outcome.FINAL_FAILURE, "34", None, None, None),
        ("0001000000078", Outcome.SUCCESS, "00", 2, ["2026-11"], 70_000),
        ("0001000000086", Outcome.SUCCESS, "00", 2, ["2026-11"], 70_000),
        ("0001999999999", Outcome.FINAL_FAILURE, "54", None, None, None),
    ],
)
def test_every_fixed_test_number(sim, number, outcome, rc, members, periods, premium):
    reply = sim.host().inquiry("INQ-1", number)
    assert (reply.outcome, reply.rc) == (outcome, rc)
    if members:
        assert reply.bill.member_count == members
        assert reply.bill.premium == premium
        assert reply.bill.agent_price == premium + 1000
        if periods:
            assert [str(p) for p in reply.bill.periods] == periods


def test_pbi_and_ppu_say_which(sim):
    assert "PBI" in sim.host().inquiry("I1", "0001000000045").message
    assert "PPU" in sim.host().inquiry("I2", "0001000000053").message


def test_a_paid_family_can_still_pay_ahead(sim):
    reply = sim.host().inquiry("I1", "0001000000061", months_ahead=2)
    assert [str(p) for p in reply.bill.periods] == ["2026-12", "2027-01"]
    assert reply.bill.premium == 2 * 4 * 100_000


def test_payment_is_idempotent_and_posts_once(sim):
    host = sim.host()
    first = host.payment(pay_request("PAY-A"))
    again = host.payment(pay_request("PAY-A"))
    assert first.outcome is Outcome.SUCCESS and first.sn
    assert (again.outcome, again.sn) == (Outcome.SUCCESS, first.sn)
    assert [e["ref_id"] for e in sim.ledger()] == ["PAY-A"]
    assert host.status("PAY-A").sn == first.sn
    # paid now: a new payment for the same month is "already paid"
    assert host.payment(pay_request("PAY-B")).rc == "34"


def test_ref_reuse_with_a_different_body_is_409_and_changes_nothing(sim):
    host = sim.host()
    host.payment(pay_request("PAY-A"))
    reply = host.payment(pay_request("PAY-A", customer_no="0001000000029", amount=750_000))
    assert (reply.outcome, reply.rc) == (Outcome.REJECTED, "49")
    assert len(sim.ledger()) == 1
    assert sim.host().inquiry("I", "0001000000029").bill.premium == 750_000


def test_bad_signature_unknown_agent_and_stale_clock_are_401(sim):
    raw = json.dumps({"ref_id": "X"}).encode()
    cases = [
        signed_headers(AGENT, "wrong-key", "POST", "/v1/status", raw, int(time.time())),
        signed_headers("AGT-OTHER", KEY, "POST", "/v1/status", raw, int(time.time())),
        signed_headers(AGENT, KEY, "POST", "/v1/status", raw, int(time.time()) - 301),
        signed_headers(AGENT, KEY, "POST", "/v1/status", b"{}", int(time.time())),  # body changed
    ]
    for headers in cases:
        r = httpx.post(sim.url + "/v1/status", content=raw, headers=headers)
        assert r.status_code == 401 and r.json()["data"]["rc"] == "41"
    assert httpx.get(sim.url + "/v1/health").json()["data"]["status"] == "ok"


def test_malformed_requests_are_400(sim):
    for body in (
        {"ref_id": "has space", "customer_no": "0001000000011"},
        {"ref_id": "P1", "customer_no": "0001000000011", "months_ahead": 13},
        {"ref_id": "P1", "customer_no": "0001000000011", "amount": "105000"},
    ):
        r = sim.call("POST", "/v1/payment", body)
        assert r.status_code == 400 and r.json()["data"]["rc"] == "40"


def test_amount_mismatch_posts_nothing_and_returns_the_bill(sim):
    reply = sim.host().payment(pay_request("PAY-M", amount=100_000))
    assert (reply.outcome, reply.rc) == (Outcome.FINAL_FAILURE, "84")
    assert reply.bill.premium == 105_000
    assert sim.ledger() == []


def test_insufficient_deposit_is_rejected_and_retry_later_works(sim):
    sim.deposit(1000)
    assert sim.host().payment(pay_request("PAY-D")).rc == "44"
    assert sim.host().status("PAY-D").rc == "50"  # nothing recorded
    sim.deposit(10_000_000)
    assert sim.host().payment(pay_request("PAY-D")).outcome is Outcome.SUCCESS
    assert sim.host().balance().balance == 10_000_000 - 106_000


def test_pending_numbers_resolve_by_status(sim):
    host = sim.host()
    ok = host.payment(pay_request("PAY-P1", "0001000000078", 70_000))
    bad = host.payment(pay_request("PAY-P2", "0001000000086", 70_000))
    assert ok.outcome is bad.outcome is Outcome.PENDING
    time.sleep(0.4)
    assert host.status("PAY-P1").outcome is Outcome.SUCCESS
    assert host.status("PAY-P2").outcome is Outcome.FINAL_FAILURE
    assert [e["ref_id"] for e in sim.ledger()] == ["PAY-P1"]


def test_cutoff_around_midnight(sim):
    from datetime import datetime

    from loket.clock import WIB

    sim.clock.set(datetime(2026, 11, 30, 23, 57, tzinfo=WIB))
    assert sim.host().payment(pay_request("PAY-C")).rc == "58"
    sim.clock.set(datetime(2026, 12, 1, 0, 6, tzinfo=WIB))
    reply = sim.host().inquiry("I", "0001000000011")
    assert [str(p) for p in reply.bill.periods] == ["2026-12"]  # a new month is due


@pytest.mark.parametrize("mode", ["drop_before", "drop_after", "error_500", "garbage"])
def test_faults_are_unknown_outcomes(sim, mode):
    sim.faults(mode)
    reply = sim.host().payment(pay_request("PAY-F"))
    assert reply.outcome is Outcome.UNKNOWN
    sim.faults("none")
    posted = [e["ref_id"] for e in sim.ledger()]
    assert posted == (["PAY-F"] if mode == "drop_after" else [])


def test_slow_host_times_out_as_unknown(sim):
    sim.faults("slow", latency_ms=1500)
    reply = sim.host(read_timeout_s=0.3).payment(pay_request("PAY-S"))
    assert reply.outcome is Outcome.UNKNOWN


def test_population_is_deterministic_large_and_has_every_situation(sim):
    a, b = Population(seed=7), Population(seed=7)
    assert a.family(123) == b.family(123)
    assert Population(seed=8).family(123) != a.family(123)
    assert a.size >= 50_000
    for situation in ("current", "arrears", "long_arrears", "paid", "pbi", "ppu"):
        r = sim.call("GET", f"/_sim/customers?situation={situation}&limit=3")
        found = r.json()["data"]["customers"]
        assert len(found) == 3 and all(c["situation"] == situation for c in found)
        assert sim.host().inquiry("I", found[0]["va_no"]).rc in {"00", "34", "60"}


def test_a_pending_payment_holds_its_months_and_the_ledger_settles_what_is_due(sim):
    """Two pending payments for one family-month used to both succeed: posted twice."""
    import time as _time

    host = sim.host()
    first = host.payment(pay_request("PAY-H1", "0001000000078", 70_000))
    second = host.payment(pay_request("PAY-H2", "0001000000078", 70_000))
    assert first.outcome is Outcome.PENDING
    assert second.rc == "34"  # the months are taken while the biller decides
    _time.sleep(0.4)  # past the simulator's pending delay in the tests
    entries = [e for e in sim.ledger() if e["ref_id"].startswith("PAY-H")]
    assert [e["ref_id"] for e in entries] == ["PAY-H1"]  # resolved when the ledger is listed


def test_a_pending_payment_that_fails_gives_its_months_back(sim):
    import time as _time

    host = sim.host()
    assert host.payment(pay_request("PAY-F1", "0001000000086", 70_000)).outcome is Outcome.PENDING
    _time.sleep(0.4)
    assert host.status("PAY-F1").outcome is Outcome.FINAL_FAILURE
    assert host.payment(pay_request("PAY-F2", "0001000000086", 70_000)).outcome is Outcome.PENDING
