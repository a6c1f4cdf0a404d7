"""Hostile and odd Digiflazz replies, served by ``httpx.MockTransport``: nothing odd is ever a
success, every refusal is classed by its rc in the context it answered, and the request is
signed and shaped as aggregators.md §1 says."""

import hashlib
import json

import httpx
import pytest

from loket.clock import FixedClock
from loket.domain.outcomes import Outcome
from loket.host.base import PaymentRequest, Ticket
from loket.host.digiflazz import codes
from loket.host.digiflazz.client import DigiflazzHost
from tests.conftest import NOW

Out = Outcome
NUMBER = "8801234560001"
BILL = {
    "ref_id": "R1",
    "customer_no": NUMBER,
    "customer_name": "Nama Pelanggan",
    "buyer_sku_code": "bpjs",
    "admin": 2500,
    "message": "Transaksi Sukses",
    "status": "Sukses",
    "rc": "00",
    "periode": "01",
    "buyer_last_saldo": 100000,
    "price": 24700,
    "selling_price": 25000,
    "desc": {
        "jumlah_peserta": "2",
        "lembar_tagihan": 1,
        "alamat": "JAKARTA PUSAT",
        "detail": [{"periode": "01"}],
    },
}
PAID = BILL | {"sn": "BP1234554321JS"}


def failure(rc: str, status: str = "Gagal") -> dict:
    return {
        "ref_id": "R1",
        "customer_no": NUMBER,
        "buyer_sku_code": "bpjs",
        "message": "x",
        "status": status,
        "rc": rc,
    }


def host_answering(
    data,
    status: int = 200,
    content_type: str = "application/json",
    seen: list | None = None,
    raw: bytes | None = None,
) -> DigiflazzHost:
    def answer(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(json.loads(request.content))
        body = raw if raw is not None else json.dumps({"data": data}).encode()
        return httpx.Response(
            status,
            content=body,
            headers={"content-type": content_type, "date": "Sat, 21 Nov 2026 03:00:05 GMT"},
        )

    return DigiflazzHost(
        "https://api.example",
        "buyer",
        "secret-key",
        testing=True,
        transport=httpx.MockTransport(answer),
        clock=FixedClock(NOW),
    )


def pay(host, amount: int = 22_500):
    return host.pay(
        Ticket("R1", "", "PAY-1", NUMBER),
        PaymentRequest("PAY-1", NUMBER, 0, amount, "T01", "k", "x"),
    )


def status(host):
    return host.status(Ticket("R1", "", "PAY-1", NUMBER))


class TestTheRequest:
    def test_commands_are_signed_md5_of_username_key_ref(self):
        seen: list = []
        host = host_answering(PAID, seen=seen)
        host.inquiry("R1", NUMBER)
        pay(host)
        status(host)
        sign = hashlib.md5(b"buyersecret-keyR1").hexdigest()
        assert [s["commands"] for s in seen] == ["inq-pasca", "pay-pasca", "status-pasca"]
        for body in seen:
            assert body == {
                "commands": body["commands"],
                "username": "buyer",
                "buyer_sku_code": "bpjs",
                "customer_no": NUMBER,
                "ref_id": "R1",
                "sign": sign,
                "testing": True,
            }

    def test_the_balance_signs_depo_and_testing_is_left_out_in_production(self):
        seen: list = []
        host = host_answering({"deposit": 52300.0}, seen=seen)
        assert host.balance().balance == 52_300
        assert seen == [
            {
                "cmd": "deposit",
                "username": "buyer",
                "sign": hashlib.md5(b"buyersecret-keydepo").hexdigest(),
            }
        ]
        prod = DigiflazzHost(
            "https://api.example",
            "buyer",
            "secret-key",
            transport=httpx.MockTransport(
                lambda r: (
                    seen.append(json.loads(r.content)) or httpx.Response(200, json={"data": PAID})
                )
            ),
        )
        prod.inquiry("R1", NUMBER)
        assert "testing" not in seen[-1]

    def test_the_host_date_is_kept_for_the_clock_check(self):
        host = host_answering(BILL)
        host.inquiry("R1", NUMBER)
        assert host.last_date.isoformat() == "2026-11-21T03:00:05+00:00"

    def test_repr_hides_the_key(self):
        assert "secret-key" not in repr(host_answering(BILL))


class TestNeverASuccess:
    @pytest.mark.parametrize(
        "change",
        [
            {"ref_id": "R2"},  # another reference echoed
            {"customer_no": "8801234560005"},  # another customer
            {"buyer_sku_code": "pln"},
            {"status": "Sukses", "rc": "02"},  # Sukses with a failure code
            {"status": "Pending", "rc": "00"},
            {"status": "Gagal", "rc": "00"},
            {"status": "sukses"},
            {"selling_price": 2000},  # premium negative
            {"price": -1},
            {"price": 24_700.0},  # Int typed as a float
            {"admin": "2500"},
            {"admin": True},
            {"sn": ""},  # a payment without its serial number
            {"rc": "0"},
            {"desc": {"jumlah_peserta": "dua", "lembar_tagihan": 1}},
            {"desc": {"jumlah_peserta": "0", "lembar_tagihan": 1}},
            {"desc": {"jumlah_peserta": "2", "lembar_tagihan": 0}},
            {"buyer_last_saldo": 100000.5},
            {"customer_name": "\x00\x07"},
        ],
    )
    def test_a_payment_answer_that_is_odd_is_unknown(self, change):
        reply = pay(host_answering(PAID | change))
        assert reply.outcome is Out.UNKNOWN and reply.sn == "" and reply.bill is None

    @pytest.mark.parametrize(
        "missing",
        ["customer_name", "admin", "price", "selling_price", "desc", "status", "rc", "ref_id"],
    )
    def test_a_missing_field_is_unknown(self, missing):
        data = {k: v for k, v in PAID.items() if k != missing}
        assert pay(host_answering(data)).outcome is Out.UNKNOWN

    def test_a_premium_other_than_the_one_collected_is_unknown(self):
        assert pay(host_answering(PAID), amount=22_000).outcome is Out.UNKNOWN

    @pytest.mark.parametrize(
        ("raw", "content_type"),
        [
            (b"<html>502</html>", "text/html"),
            (b'{"data": {"rc": "00", "rc": "00"}}', "application/json"),
            (b"[1, 2]", "application/json"),
            (b'{"data": []}', "application/json"),
            (b"[" * 10_000, "application/json"),
            (b"\xff\xfe", "application/json"),
        ],
    )
    def test_bodies_that_are_not_our_json_are_unknown(self, raw, content_type):
        reply = pay(host_answering(None, raw=raw, content_type=content_type))
        assert reply.outcome is Out.UNKNOWN and reply.cashier_text

    def test_a_404_page_says_its_status(self):
        reply = host_answering(
            None, status=404, raw=b"<h1>Not Found</h1>", content_type="text/html"
        ).balance()
        assert reply.outcome is Out.UNKNOWN and "HTTP 404" in reply.message

    def test_a_5xx_is_no_answer(self):
        reply = pay(host_answering(PAID, status=502))
        assert (reply.outcome, reply.answered) == (Out.UNKNOWN, False)

    def test_status_sukses_without_sn_is_only_the_quote(self):
        reply = status(host_answering(BILL | {"sn": ""}))
        assert (reply.outcome, reply.quote_only, reply.sn) == (Out.UNKNOWN, True, "")

    def test_status_sukses_with_rc_02_is_never_success(self):
        reply = status(host_answering(PAID | {"rc": "02"}))
        assert reply.outcome is Out.UNKNOWN and not reply.quote_only


class TestClassesByContext:
    @pytest.mark.parametrize(
        ("rc", "inquiry", "paying", "asking"),
        [
            ("03", Out.UNKNOWN, Out.PENDING, Out.PENDING),
            ("01", Out.UNKNOWN, Out.UNKNOWN, Out.UNKNOWN),
            ("02", Out.FINAL_FAILURE, Out.FINAL_FAILURE, Out.FINAL_FAILURE),
            ("41", Out.REJECTED, Out.REJECTED, Out.REJECTED),
            ("44", Out.REJECTED, Out.REJECTED, Out.REJECTED),
            ("45", Out.REJECTED, Out.REJECTED, Out.REJECTED),
            ("49", Out.REJECTED, Out.UNKNOWN, Out.REJECTED),
            ("50", Out.REJECTED, Out.NOT_POSTED, Out.NOT_POSTED),
            ("55", Out.NOT_POSTED, Out.NOT_POSTED, Out.REJECTED),
            ("85", Out.NOT_POSTED, Out.NOT_POSTED, Out.REJECTED),
            ("60", Out.FINAL_FAILURE, Out.FINAL_FAILURE, Out.FINAL_FAILURE),
            ("70", Out.UNKNOWN, Out.UNKNOWN, Out.UNKNOWN),
            ("73", Out.UNKNOWN, Out.UNKNOWN, Out.UNKNOWN),  # n/a: not ours to guess
        ],
    )
    def test_each_rc_means_what_it_means_where_it_came(self, rc, inquiry, paying, asking):
        word = "Pending" if rc in codes.PENDING else "Gagal"
        for status_code in (200, 400):
            if word == "Pending" and status_code == 400:
                continue
            host = host_answering(failure(rc, word), status=status_code)
            assert host.inquiry("R1", NUMBER).outcome is inquiry
            assert pay(host).outcome is paying
            assert status(host).outcome is asking

    def test_rc_85_asks_for_a_minute_and_says_so(self):
        reply = status(host_answering(failure("85")))
        assert reply.retry_after_s == 60.0 and "1 menit" in reply.cashier_text

    def test_a_refusal_may_leave_identifiers_out_but_not_change_them(self):
        bare = {"message": "Signature tidak valid", "status": "Gagal", "rc": "41"}
        assert pay(host_answering(bare, status=400)).outcome is Out.REJECTED
        assert pay(host_answering(bare | {"ref_id": "R9"}, status=400)).outcome is Out.UNKNOWN

    @pytest.mark.parametrize(
        "bare",
        [
            {"status": "Gagal", "rc": "02"},  # as a proxy sent it after the host had booked
            {
                "ref_id": "",
                "customer_no": "",
                "buyer_sku_code": "",
                "status": "Gagal",
                "rc": "02",
                "message": "Transaksi Gagal",
            },  # empty strings: absent fields
            {"status": "Gagal", "rc": "53"},  # "nothing posted, the reference used up"
            {"status": "Pending", "rc": "03"},
        ],
    )
    def test_about_a_payment_only_an_answer_naming_it_is_news(self, bare):
        """Issue 18: a failure naming no transaction is an unknown outcome, never a refund or
        a new reference; for an inquiry (which posts nothing) it may stand."""
        assert pay(host_answering(bare)).outcome is Out.UNKNOWN
        assert status(host_answering(bare)).outcome in (Out.UNKNOWN, Out.REJECTED)  # no news
        named = bare | {"ref_id": "R1", "customer_no": "8801234560001", "buyer_sku_code": "bpjs"}
        assert pay(host_answering(named)).outcome is not Out.UNKNOWN

    def test_every_documented_rc_has_indonesian_words(self):
        documented = (
            codes.SUCCESS
            | codes.PENDING
            | codes.UNKNOWN
            | codes.REJECTED
            | codes.USED_UP
            | codes.FINAL
            | {codes.REF_TAKEN, codes.NOT_FOUND}
        )
        assert documented - {"00"} <= set(codes.CASHIER_TEXT)

    @pytest.mark.parametrize(
        ("data", "outcome", "balance"),
        [
            ({"deposit": 100000}, Out.SUCCESS, 100_000),
            ({"deposit": -5.0}, Out.UNKNOWN, None),
            ({"deposit": "100000"}, Out.UNKNOWN, None),
            ({"rc": "41", "message": "Signature tidak valid"}, Out.REJECTED, None),
            ({"rc": "00"}, Out.UNKNOWN, None),
        ],
    )
    def test_the_balance_is_strict_too(self, data, outcome, balance):
        reply = host_answering(data, status=200 if "deposit" in data else 400).balance()
        assert (reply.outcome, reply.balance) == (outcome, balance)
