"""A host reply is believed only when it is a well-formed answer to exactly what was sent.

Driven through ``NativeHost`` over ``httpx.MockTransport``: the whole client path (status, content
type, body cap, decoding, strict models, judging) without a network.
"""

import copy
import gzip
import json
import tracemalloc
from datetime import datetime

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.domain.outcomes import (
    HOST_GARBLED,
    HOST_HTTP_ERROR,
    HOST_INCONSISTENT,
    HOST_MISMATCH,
    HOST_TOO_LARGE,
    Outcome,
)
from loket.host.base import PaymentRequest
from loket.host.body import MAX_DEPTH, Refused, decode_json
from loket.host.native.client import NativeHost
from loket.host.signing import Stamps
from tests.hostile.server import PAID_AT, PREMIUM, bill_for

CUSTOMER = "0001000000011"
REQUEST = PaymentRequest(
    ref_id="PAY-1",
    customer_no=CUSTOMER,
    months_ahead=0,
    amount=PREMIUM,
    terminal_id="T01",
    cashier_id="kasir1",
    collected_at="2026-11-21T10:00:00+07:00",
)


def paid() -> dict:
    return {
        "ref_id": "PAY-1",
        "status": "success",
        "rc": "00",
        "message": "Pembayaran berhasil",
        "bill": bill_for(CUSTOMER),
        "sn": "19866A7A63902A3D",
        "paid_at": PAID_AT,
        "balance": 4_894_000,
    }


def found() -> dict:
    return {
        "ref_id": "INQ-1",
        "status": "success",
        "rc": "00",
        "message": "Tagihan ditemukan",
        "bill": bill_for(CUSTOMER),
        "inquired_at": "2026-11-21T10:00:00+07:00",
    }


def host(
    status: int = 200,
    body: bytes | dict = b"",
    content_type="application/json",
    headers: dict | None = None,
) -> NativeHost:
    raw = json.dumps({"data": body}).encode() if isinstance(body, dict) else body

    def answer(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            stream=httpx.ByteStream(raw),  # streamed, as on a wire
            headers={"content-type": content_type, **(headers or {})},
        )

    return NativeHost(
        "http://host.test", "AGT-TEST", "k", transport=httpx.MockTransport(answer), stamps=Stamps()
    )  # no pacing of identical requests: nothing is replayed


def pay(data: dict, status: int = 200):
    return host(status, data).payment(REQUEST)


def changed(base: dict, path: str, value=None, drop: bool = False) -> dict:
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if drop:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


def test_a_well_formed_payment_success_is_believed_and_normalised():
    reply = pay(paid())
    assert (reply.outcome, reply.rc, reply.sn) == (Outcome.SUCCESS, "00", "19866A7A63902A3D")
    assert reply.bill.premium == PREMIUM and reply.bill.agent_price == PREMIUM + 1000
    assert reply.paid_at == PAID_AT and reply.balance == 4_894_000
    assert [str(p) for p in reply.bill.periods] == ["2026-11"]


@pytest.mark.parametrize(
    ("case", "data", "status"),
    [
        ("negative premium", changed(paid(), "bill.premium", -PREMIUM), 200),
        ("zero premium", changed(paid(), "bill.premium", 0), 200),
        ("premium over the bound", changed(paid(), "bill.premium", 100_000_001), 200),
        ("no periods", changed(paid(), "bill.periods", []), 200),
        ("periods backwards", changed(paid(), "bill.periods", ["2026-11", "2026-10"]), 200),
        (
            "periods with a gap",
            changed(
                changed(paid(), "bill.periods", ["2026-09", "2026-11"]), "bill.arrears_months", 1
            ),
            200,
        ),
        ("period not YYYY-MM", changed(paid(), "bill.periods", ["2026-13"]), 200),
        ("period short", changed(paid(), "bill.periods", ["2026-1"]), 200),
        ("401 with a success body", paid(), 401),
        ("409 with a success body", paid(), 409),
        ("500 with a success body", paid(), 500),
        ("201 with a success body", paid(), 201),
        ("another ref_id", changed(paid(), "ref_id", "PAY-2"), 200),
        ("no ref_id", changed(paid(), "ref_id", drop=True), 200),
        ("failed with rc 00", changed(paid(), "status", "failed"), 200),
        ("success with rc 84", changed(paid(), "rc", "84"), 200),
        ("success with rc 03", changed(paid(), "rc", "03"), 200),
        ("pending with rc 00", changed(paid(), "status", "pending"), 200),
        ("status word in capitals", changed(paid(), "status", "SUCCESS"), 200),
        ("rc as a number", changed(paid(), "rc", 0), 200),
        ("rc of one digit", changed(paid(), "rc", "0"), 200),
        (
            "premium differs from what was sent",
            changed(changed(paid(), "bill.premium", 110_000), "bill.agent_price", 111_000),
            200,
        ),
        ("paid_at in words", changed(paid(), "paid_at", "kemarin sore"), 200),
        ("paid_at without offset", changed(paid(), "paid_at", "2026-11-21T10:00:05"), 200),
        ("no sn", changed(paid(), "sn", drop=True), 200),
        ("empty sn", changed(paid(), "sn", ""), 200),
        ("sn of control characters only", changed(paid(), "sn", "\x1b\x1d\x00"), 200),
        ("no paid_at", changed(paid(), "paid_at", drop=True), 200),
        ("no bill", changed(paid(), "bill", drop=True), 200),
        ("premium as a string", changed(paid(), "bill.premium", "105000"), 200),
        ("premium as a float", changed(paid(), "bill.premium", 105000.0), 200),
        ("class as a boolean", changed(paid(), "bill.members.0.class", True), 200),
        ("class 4", changed(paid(), "bill.members.0.class", 4), 200),
        ("arrears as a boolean", changed(paid(), "bill.arrears_months", False), 200),
        ("balance as a string", changed(paid(), "balance", "5000000"), 200),
        ("balance as a float", changed(paid(), "balance", 5e6), 200),
        ("balance as a boolean", changed(paid(), "balance", True), 200),
        ("negative balance", changed(paid(), "balance", -1), 200),
        ("no members", changed(paid(), "bill.members", []), 200),
        ("card of 12 digits", changed(paid(), "bill.members.0.card_no", "000100000001"), 200),
        ("card with a letter", changed(paid(), "bill.members.0.card_no", "000100000001X"), 200),
        ("VA with a wrong prefix", changed(paid(), "bill.va_no", "7777701000000011"), 200),
        ("empty head name", changed(paid(), "bill.head_name", " \x1b "), 200),
        ("agent price below the premium", changed(paid(), "bill.agent_price", 1000), 200),
        ("another family's bill", {**paid(), "bill": bill_for("0001999888777")}, 200),
        (
            "months ahead other than sent",
            changed(
                changed(paid(), "bill.months_ahead", 1), "bill.periods", ["2026-11", "2026-12"]
            ),
            200,
        ),
        ("a member twice", changed(paid(), "bill.members.1.card_no", "0001000000011"), 200),
        ("rc 50 to a payment", {**paid(), "status": "failed", "rc": "50"}, 200),
        ("rc 41 at HTTP 200", {**paid(), "status": "failed", "rc": "41"}, 200),
        ("rc 41 at HTTP 400", {"status": "failed", "rc": "41"}, 400),
        ("status word unknown", changed(paid(), "status", "ok"), 200),
    ],
)
def test_an_odd_payment_reply_is_unknown_never_success(case, data, status):
    reply = pay(data, status)
    assert reply.outcome is Outcome.UNKNOWN, case
    assert reply.rc == "" and reply.sn == "" and reply.bill is None
    assert reply.message in (
        HOST_GARBLED,
        HOST_INCONSISTENT,
        HOST_MISMATCH,
        HOST_HTTP_ERROR.format(status=status),
    )


@pytest.mark.parametrize(
    ("status", "data", "outcome", "rc"),
    [
        (
            200,
            {"ref_id": "PAY-1", "status": "pending", "rc": "03", "message": "Menunggu"},
            Outcome.PENDING,
            "03",
        ),
        (
            200,
            {
                "ref_id": "PAY-1",
                "status": "failed",
                "rc": "84",
                "message": "Jumlah berbeda",
                "bill": {**bill_for(CUSTOMER), "premium": 140_000, "agent_price": 141_000},
            },
            Outcome.FINAL_FAILURE,
            "84",
        ),
        (
            200,
            {"ref_id": "PAY-1", "status": "failed", "rc": "06", "message": "Ditolak biller"},
            Outcome.FINAL_FAILURE,
            "06",
        ),
        (
            200,
            {"ref_id": "PAY-1", "status": "failed", "rc": "44", "message": "Saldo kurang"},
            Outcome.REJECTED,
            "44",
        ),
        (
            200,
            {"ref_id": "PAY-1", "status": "failed", "rc": "99", "message": "Gangguan"},
            Outcome.UNKNOWN,
            "99",
        ),
        (
            400,
            {"status": "failed", "rc": "40", "message": "Body bukan JSON"},
            Outcome.REJECTED,
            "40",
        ),
        (
            401,
            {"status": "failed", "rc": "41", "message": "Autentikasi gagal"},
            Outcome.REJECTED,
            "41",
        ),
        (
            409,
            {"ref_id": "PAY-1", "status": "failed", "rc": "49", "message": "ref_id dipakai"},
            Outcome.REJECTED,
            "49",
        ),
    ],
)
def test_consistent_failures_keep_their_class(status, data, outcome, rc):
    reply = pay(data, status)
    assert (reply.outcome, reply.rc) == (outcome, rc)


def test_a_status_query_may_say_not_found_a_payment_may_not():
    data = {"ref_id": "PAY-1", "status": "failed", "rc": "50", "message": "Tidak ditemukan"}
    assert host(200, data).status("PAY-1").outcome is Outcome.NOT_POSTED
    assert host(200, data).payment(REQUEST).outcome is Outcome.UNKNOWN


def test_control_characters_from_the_host_are_cleaned_at_parse_time():
    data = paid()
    data["bill"]["head_name"] = "SITI\x1b[2J AMINAH\u202e"
    data["bill"]["branch"] = "JAKARTA\x9b31m PUSAT"
    data["bill"]["members"][1]["name"] = "BUDI\x1dV\x00 SANTOSO"
    data["sn"] = "19866A7A\x1dV\x0063902A3D"
    data["message"] = "Berhasil\x1b[2J\n"
    reply = pay(data)
    assert reply.outcome is Outcome.SUCCESS
    assert reply.bill.head_name == "SITI[2J AMINAH" and reply.bill.branch == "JAKARTA31m PUSAT"
    assert reply.bill.members[1].name == "BUDIV SANTOSO"
    assert reply.sn == "19866A7AV63902A3D" and reply.message == "Berhasil[2J"


@pytest.mark.parametrize(
    ("case", "body", "content_type", "message"),
    [
        ("not JSON", b"<html>502 Bad Gateway \x00\xff</html>", "application/json", HOST_GARBLED),
        (
            "JSON that is a list",
            json.dumps([{"data": paid()}]).encode(),
            "application/json",
            HOST_GARBLED,
        ),
        (
            "data that is a list",
            json.dumps({"data": [paid()]}).encode(),
            "application/json",
            HOST_GARBLED,
        ),
        ("wrong content type", json.dumps({"data": paid()}).encode(), "text/html", HOST_GARBLED),
        ("no content type", json.dumps({"data": paid()}).encode(), "", HOST_GARBLED),
        (
            "latin-1 charset",
            json.dumps({"data": paid()}).encode(),
            "application/json; charset=latin-1",
            HOST_GARBLED,
        ),
        (
            "truncated",
            json.dumps({"data": paid()}).encode()[:-20],
            "application/json",
            HOST_GARBLED,
        ),
        (
            "duplicated keys",
            json.dumps({"data": {**paid(), "status": "failed"}})
            .replace('"status": "failed"', '"status": "failed", "status": "success"')
            .encode(),
            "application/json",
            HOST_GARBLED,
        ),
        (
            "NaN for money",
            json.dumps({"data": paid()}).replace("105000", "NaN", 1).encode(),
            "application/json",
            HOST_GARBLED,
        ),
        (
            "nested 200,000 deep",
            b'{"data": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
            "application/json",
            HOST_TOO_LARGE,
        ),
        ("nested 100,000 deep", b'{"data": ' + b"[" * 100_000, "application/json", HOST_GARBLED),
        (
            "a huge body",
            json.dumps({"data": {**paid(), "message": "x" * 300_000}}).encode(),
            "application/json",
            HOST_TOO_LARGE,
        ),
        (
            "an integer of 5000 digits",
            json.dumps({"data": paid()})
            .replace('"balance": 4894000', '"balance": ' + "9" * 5000)
            .encode(),
            "application/json",
            HOST_GARBLED,
        ),
        (
            "invalid UTF-8",
            json.dumps({"data": paid()})
            .replace("SITI", "SI\udcffTI")
            .encode("utf-8", "surrogateescape"),
            "application/json",
            HOST_GARBLED,
        ),
    ],
)
def test_bodies_that_are_not_our_json_are_unknown(case, body, content_type, message):
    reply = host(200, body, content_type).payment(REQUEST)
    assert (reply.outcome, reply.message) == (Outcome.UNKNOWN, message), case


def test_brackets_inside_strings_do_not_count_as_nesting():
    data = {**paid(), "message": "[[[{{{" * 40 + '\\"]]' + "\\\\"}
    assert host(200, data).payment(REQUEST).outcome is Outcome.SUCCESS


def test_depth_is_checked_before_decoding():
    with pytest.raises(Refused, match="deep"):
        decode_json(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert decode_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    assert decode_json(b'["\\\\", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]') is not None


def test_a_gzip_reply_is_read_and_a_gzip_bomb_is_refused_without_inflating_it():
    good = gzip.compress(json.dumps({"data": paid()}).encode())
    assert (
        host(200, good, headers={"content-encoding": "gzip"}).payment(REQUEST).outcome
        is Outcome.SUCCESS
    )
    bomb = gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)
    bombed = host(200, bomb, headers={"content-encoding": "gzip"})
    tracemalloc.start()
    try:
        reply = bombed.payment(REQUEST)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (reply.outcome, reply.message) == (Outcome.UNKNOWN, HOST_TOO_LARGE)
    assert peak < 8 * 1024 * 1024  # never 64 MiB
    truncated = host(200, good[:-10], headers={"content-encoding": "gzip"})
    assert truncated.payment(REQUEST).outcome is Outcome.UNKNOWN
    other = host(200, good, headers={"content-encoding": "br"})
    assert other.payment(REQUEST).outcome is Outcome.UNKNOWN


def test_a_redirect_is_not_followed():
    hops = []

    def answer(request: httpx.Request) -> httpx.Response:
        hops.append(request.url.path)
        return httpx.Response(302, headers={"location": "http://host.test/v1/other"})

    reply = NativeHost("http://host.test", "A", "k", transport=httpx.MockTransport(answer)).payment(
        REQUEST
    )
    assert reply.outcome is Outcome.UNKNOWN and hops == ["/v1/payment"]


# -- inquiry, balance, health -----------------------------------------------------------------
def test_a_good_inquiry_gives_the_bill_an_odd_one_gives_none():
    good = host(200, found()).inquiry("INQ-1", CUSTOMER)
    assert good.outcome is Outcome.SUCCESS and good.bill.premium == PREMIUM
    assert (
        good.bill.customer_no == CUSTOMER and good.bill.inquired_at == "2026-11-21T10:00:00+07:00"
    )
    for data in (
        changed(found(), "bill.premium", -PREMIUM),
        changed(found(), "bill.periods", []),
        changed(found(), "ref_id", "INQ-2"),
        changed(found(), "status", "pending"),
        changed(found(), "bill", drop=True),
        changed(found(), "inquired_at", "tadi"),
        {**found(), "bill": bill_for("0001999888777")},
    ):
        reply = host(200, data).inquiry("INQ-1", CUSTOMER)
        assert reply.outcome is Outcome.UNKNOWN and reply.bill is None and reply.rc == ""


def test_balance_must_be_an_integer():
    ok = {"status": "success", "rc": "00", "balance": 1_500_000}
    assert host(200, ok).balance().balance == 1_500_000
    for odd in (True, 1.5e6, "1500000", None):
        assert host(200, {**ok, "balance": odd}).balance().outcome is Outcome.UNKNOWN


def test_health_needs_a_real_ok():
    assert host(200, {"status": "ok", "time": PAID_AT}).health() is True
    assert host(200, {"status": "down"}).health() is False
    assert host(503, {"status": "ok"}).health() is False
    assert host(200, b"ok", "text/plain").health() is False


# -- properties -------------------------------------------------------------------------------
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "text/html",
        "",
        "application/octet-stream",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    status=st.integers(100, 599),
    body=st.binary(max_size=4096),
    content_type=CONTENT_TYPES,
    endpoint=st.sampled_from(["inquiry", "payment", "status", "balance"]),
)
def test_any_bytes_and_any_status_give_a_reply_never_a_success(
    status, body, content_type, endpoint
):
    reply = call(host(status, body, content_type), endpoint)
    assert reply.outcome is not Outcome.SUCCESS
    assert reply.outcome in set(Outcome)


def call(client: NativeHost, endpoint: str):
    return {
        "inquiry": lambda: client.inquiry("INQ-1", CUSTOMER),
        "payment": lambda: client.payment(REQUEST),
        "status": lambda: client.status("PAY-1"),
        "balance": client.balance,
    }[endpoint]()


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(
        ["00", "03", "84", "success", "failed", "PAY-1", "2026-11", PAID_AT, CUSTOMER, PREMIUM]
    ),
    # keys are path parts below (``bill.members.0``): never empty, never a dot
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.text(st.characters(exclude_characters="."), min_size=1, max_size=8),
            inner,
            max_size=3,
        )
    ),
    max_leaves=8,
)


def _paths(node, prefix=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{prefix}{key}"
            yield from _paths(value, f"{prefix}{key}.")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield f"{prefix}{i}"
            yield from _paths(value, f"{prefix}{i}.")


def _near(value):
    """Values a sloppy or hostile host might send instead of ``value``."""
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, int):
        return st.sampled_from([value + 1, value - 1, -value, 0, float(value), str(value)])
    if isinstance(value, str):
        return st.sampled_from(
            [
                value + "X",
                value[:-1],
                value.lower(),
                " " + value,
                value + "\x1b",
                value + "\u202e",
                value * 2,
            ]
        )
    if isinstance(value, list) and value:
        return st.sampled_from([value[:-1], value + value[-1:], value[::-1], []])
    return JSON_VALUES


def _at(data, path):
    node = data
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@st.composite
def mutated(draw, base):
    data = base()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(data))))
        how = draw(st.sampled_from(["near", "near", "any", "drop"]))
        if how == "drop" and not path.split(".")[-1].isdigit():
            data = changed(data, path, drop=True)
        elif how == "near":
            data = changed(data, path, draw(_near(_at(data, path))))
        else:
            data = changed(data, path, draw(JSON_VALUES))
    return data


def _int(value) -> bool:
    return type(value) is int


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(paid), status=st.sampled_from([200, 200, 200, 400, 401, 409, 500]))
def test_a_mangled_payment_success_is_believed_only_if_still_well_formed(data, status):
    reply = pay(data, status)
    if reply.outcome is not Outcome.SUCCESS:
        return
    # checked here on the raw JSON, independently of the parser
    bill = data["bill"]
    assert status == 200 and data["ref_id"] == "PAY-1"
    assert (data["status"], data["rc"]) == ("success", "00")
    assert _int(bill["premium"]) and bill["premium"] == PREMIUM == reply.bill.premium
    assert isinstance(data["sn"], str) and data["sn"].strip() and reply.sn
    assert isinstance(data["paid_at"], str)
    assert datetime.fromisoformat(data["paid_at"]).utcoffset() is not None
    assert bill["periods"] and all(isinstance(p, str) and len(p) == 7 for p in bill["periods"])
    assert all(_int(m["class"]) and m["class"] in (1, 2, 3) for m in bill["members"])
    assert _int(bill["agent_price"]) and _int(bill["admin"]) and _int(bill["arrears_months"])
    assert data.get("balance") is None or _int(data["balance"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated(found))
def test_a_mangled_inquiry_gives_a_bill_only_if_still_well_formed(data):
    reply = host(200, data).inquiry("INQ-1", CUSTOMER)
    if reply.bill is None:
        return
    bill = data["bill"]
    assert reply.outcome is Outcome.SUCCESS and data["ref_id"] == "INQ-1"
    assert _int(bill["premium"]) and 0 < bill["premium"] <= 100_000_000
    assert bill["periods"] and bill["members"]
    assert reply.bill.va_no[-11:] == CUSTOMER[-11:] or any(
        m.card_no[-11:] == CUSTOMER[-11:] for m in reply.bill.members
    )


def test_whatever_the_transport_raises_the_call_still_answers():
    def broken(_request):
        raise RuntimeError("a bug below us")

    host = NativeHost(
        "http://host.test", "A", "k", transport=httpx.MockTransport(broken), stamps=Stamps()
    )
    assert host.payment(REQUEST).outcome is Outcome.UNKNOWN
    assert host.health() is False and host.booked(datetime(2026, 11, 21).date()) is None


def test_a_reply_already_read_into_memory_is_judged_the_same():
    def read(_request):  # httpx reads a reply built from bytes at once
        return httpx.Response(200, json={"data": paid()})

    host = NativeHost(
        "http://host.test", "A", "k", transport=httpx.MockTransport(read), stamps=Stamps()
    )
    assert host.payment(REQUEST).outcome is Outcome.SUCCESS
