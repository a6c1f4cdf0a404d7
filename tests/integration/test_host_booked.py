"""``HostAdapter.booked(day)``: what the host booked that day, or None when it cannot say."""

import json
from datetime import date

import httpx

from loket.host.base import Booked
from loket.host.native.client import NativeHost
from loket.host.signing import Stamps
from tests.integration.test_simulator import pay_request

DAY = date(2026, 11, 21)


def test_the_simulators_ledger_for_a_day(sim):
    host = sim.host()
    host.payment(pay_request("PAY-B1"))
    host.payment(pay_request("PAY-B2", "0001000000029", 750_000))
    host.payment(pay_request("PAY-B3", amount=1))  # amount mismatch: not booked
    booked = host.booked(DAY)
    assert [b.ref_id for b in booked] == ["PAY-B1", "PAY-B2"]
    first = booked[0]
    assert first == Booked(
        ref_id="PAY-B1",
        premium=105_000,
        sn=sim.ledger()[0]["sn"],
        paid_at="2026-11-21T10:00:00+07:00",
        va_no="8888801000000011",
        periods=("2026-11",),
    )
    assert host.booked(date(2026, 11, 20)) == []


def ledger_host(status: int, entries: object, content_type: str = "application/json"):
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(
            (request.method, request.url.raw_path, request.headers.get("x-loket-signature", ""))
        )
        body = json.dumps({"data": {"entries": entries}}).encode()
        return httpx.Response(
            status, stream=httpx.ByteStream(body), headers={"content-type": content_type}
        )

    host = NativeHost(
        "http://host.test", "A", "k", transport=httpx.MockTransport(answer), stamps=Stamps()
    )
    return host, seen


def entry(**changes) -> dict:
    return {
        "ref_id": "PAY-1",
        "va_no": "8888801000000011",
        "periods": ["2026-11"],
        "premium": 105_000,
        "sn": "19866A7A63902A3D",
        "paid_at": "2026-11-21T10:00:00+07:00",
        **changes,
    }


def test_the_day_is_the_day_in_jakarta():
    host, seen = ledger_host(
        200,
        [
            entry(ref_id="A", paid_at="2026-11-20T18:30:00+00:00"),
            entry(ref_id="B", paid_at="2026-11-21T16:59:59+00:00"),
            entry(ref_id="C", paid_at="2026-11-21T17:00:00+00:00"),
        ],
    )
    assert [b.ref_id for b in host.booked(DAY)] == ["A", "B"]
    assert [b.paid_at for b in host.booked(DAY)] == [
        "2026-11-21T01:30:00+07:00",
        "2026-11-21T23:59:59+07:00",
    ]
    method, target, signature = seen[0]
    assert (method, target) == ("GET", b"/_sim/ledger") and len(signature) == 64  # signed


def test_a_host_without_a_ledger_or_with_an_odd_one_cannot_say():
    assert ledger_host(404, [])[0].booked(DAY) is None  # a real host
    assert ledger_host(500, [entry()])[0].booked(DAY) is None
    assert ledger_host(200, [entry()], "text/html")[0].booked(DAY) is None
    for odd in (
        entry(premium=-1),
        entry(premium="105000"),
        entry(sn=""),
        entry(periods=[]),
        entry(paid_at="kemarin"),
        entry(va_no="123"),
        entry(ref_id="bad ref"),
    ):
        assert ledger_host(200, [entry(ref_id="OK"), odd])[0].booked(DAY) is None
    assert ledger_host(200, "all of them")[0].booked(DAY) is None
