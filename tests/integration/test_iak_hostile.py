"""An IAK that lies or garbles, through ``httpx.MockTransport``: every odd body is an unknown
outcome (never a success), requests are signed as aggregators.md §2.1 says, and the codes that
need a second look get a checkstatus before anything is decided."""

import hashlib
import json

import httpx
import pytest

from loket.domain.outcomes import HOST_MISMATCH, Outcome
from loket.host.base import PaymentRequest, Ticket
from loket.host.iak.client import IakHost

USER, KEY = "081234567890", "iak-test-key"
URL = "https://testpostpaid.mobilepulsa.net"
TR_ID, REF, HP = 9_732_787, "LK0001ABC", "8801234560001"
INQ = {
    "tr_id": TR_ID,
    "code": "BPJS",
    "hp": HP,
    "tr_name": "VERGIE",
    "period": "02",
    "nominal": 50000,
    "admin": 2500,
    "ref_id": REF,
    "response_code": "00",
    "message": "INQUIRY SUCCESS",
    "price": 52500,
    "selling_price": 52300,
    "desc": {
        "kode_cabang": "0901",
        "nama_cabang": "JAKARTA PUSAT",
        "sisa_pembayaran": "0",
        "jumlah_peserta": "2",
    },
}
PAID = INQ | {
    "message": "PAYMENT SUCCESS",
    "datetime": "20180803170750",
    "balance": 999490800,
    "noref": "148732328035714773",
}
PAY = PaymentRequest("PAY-1", HP, 0, 50_000, "T01", "kasir", "2026-11-21T10:00:00+07:00")
TICKET = Ticket(REF, str(TR_ID), "PAY-1")


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class Fake:
    """Answers each request with the next reply: ``(status, data)``, ``(status, bytes)``."""

    def __init__(self, *replies) -> None:
        self.replies = list(replies)
        self.sent: list[dict] = []
        self.host = IakHost(URL, USER, KEY, transport=httpx.MockTransport(self.answer))

    def answer(self, request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("POST", "/api/v1/bill/check")
        self.sent.append(json.loads(request.content))
        status, body = self.replies.pop(0)
        if isinstance(body, bytes):
            return httpx.Response(status, content=body, headers={"content-type": "text/html"})
        return httpx.Response(status, json={"data": body, "meta": []})

    @property
    def commands(self) -> list[str]:
        return [s["commands"] for s in self.sent]


def test_each_command_is_signed_with_its_own_x():
    fake = Fake((200, INQ), (200, PAID), (200, PAID | {"status": 1}))
    host = fake.host
    assert host.inquiry(REF, HP, months_ahead=1).outcome is Outcome.SUCCESS
    assert host.pay(TICKET, PAY).outcome is Outcome.SUCCESS
    assert host.status(TICKET).outcome is Outcome.SUCCESS
    inq, pay, status = fake.sent
    assert inq == {
        "commands": "inq-pasca",
        "username": USER,
        "code": "BPJS",
        "hp": HP,
        "ref_id": REF,
        "month": 2,
        "sign": md5(USER + KEY + REF),
    }
    assert pay == {
        "commands": "pay-pasca",
        "username": USER,
        "tr_id": TR_ID,
        "sign": md5(USER + KEY + str(TR_ID)),
    }
    assert status == {
        "commands": "checkstatus",
        "username": USER,
        "ref_id": REF,
        "sign": md5(USER + KEY + "cs"),
    }


def test_the_documented_example_reads_as_a_count_only_bill_and_integral_doubles_pass():
    doubles = INQ | {k: float(INQ[k]) for k in ("nominal", "admin", "price", "selling_price")}
    bill = Fake((200, doubles)).host.inquiry(REF, HP).bill
    assert (bill.premium, bill.host_admin, bill.agent_price) == (50_000, 2_500, 52_300)
    assert all(type(v) is int for v in (bill.premium, bill.host_admin, bill.agent_price))
    assert (bill.member_count, bill.month_count, bill.quote_ref, bill.quote_tx) == (
        2,
        2,
        REF,
        str(TR_ID),
    )


ODD_INQUIRIES = {
    "wrong ref echoed": INQ | {"ref_id": "SOMEONEELSE"},
    "wrong number echoed": INQ | {"hp": "8801234569999"},
    "another product": INQ | {"code": "PLN"},
    "negative nominal": INQ | {"nominal": -50000, "price": -47500},
    "fractional amount": INQ | {"nominal": 50000.5, "price": 52500.5},
    "amount as text": INQ | {"nominal": "50000"},
    "amount as bool": INQ | {"admin": True},
    "tr_id as text": INQ | {"tr_id": "9732787"},
    "tr_id missing": {k: v for k, v in INQ.items() if k != "tr_id"},
    "price is not nominal plus admin": INQ | {"price": 60000},
    "deduction above the price": INQ | {"selling_price": 60000},
    "desc as a string": INQ | {"desc": ""},
    "no member count": INQ | {"desc": {"nama_cabang": "X"}},
    "member count not digits": INQ | {"desc": INQ["desc"] | {"jumlah_peserta": "dua"}},
    "member count a bool": INQ | {"desc": INQ["desc"] | {"jumlah_peserta": True}},
    "member count empty": INQ | {"desc": INQ["desc"] | {"jumlah_peserta": ""}},
    "number empty": INQ | {"hp": ""},
    "nominal empty": INQ | {"nominal": ""},
    "ref_id empty": INQ | {"ref_id": ""},
    "period not digits": INQ | {"period": "2 bln"},
    "no months": INQ | {"period": "00"},
    "pending to an inquiry": INQ | {"response_code": "39"},
    "a status outside checkstatus": INQ | {"status": 1},
    "an unknown code": INQ | {"response_code": "77"},
    "rc not a code": INQ | {"response_code": 0},
}


@pytest.mark.parametrize("body", ODD_INQUIRIES.values(), ids=ODD_INQUIRIES.keys())
def test_an_odd_inquiry_gives_no_bill(body):
    reply = Fake((200, body)).host.inquiry(REF, HP)
    assert reply.outcome is not Outcome.SUCCESS and reply.bill is None
    assert reply.cashier_text and reply.answered


ODD_PAYMENTS = {
    "premium differs from what was collected": PAID | {"nominal": 45000, "price": 47500},
    "another tr_id": PAID | {"tr_id": TR_ID + 1},
    "another ref_id": PAID | {"ref_id": "OTHER"},
    "no datetime": {k: v for k, v in PAID.items() if k != "datetime"},
    "datetime not YmdHis": PAID | {"datetime": "2018-08-03 17:07:50"},
    "fractional balance": PAID | {"balance": 10.5},
    "an unknown code": PAID | {"response_code": "999"},
    "pending without tr_id": {"response_code": "39", "message": "PENDING"},
    "not received to a payment": PAID | {"response_code": "42"},
    "tr_id empty": PAID | {"tr_id": ""},
    "number empty": PAID | {"hp": ""},
    "datetime empty": PAID | {"datetime": ""},
    "selling_price empty": PAID | {"selling_price": ""},
}


@pytest.mark.parametrize("body", ODD_PAYMENTS.values(), ids=ODD_PAYMENTS.keys())
def test_an_odd_payment_reply_is_unknown(body):
    reply = Fake((200, body)).host.pay(TICKET, PAY)
    assert reply.outcome is Outcome.UNKNOWN and reply.cashier_text


STATUSES = [  # (status, rc, outcome): a status and its code must agree
    (1, "00", Outcome.SUCCESS),
    (3, "39", Outcome.PENDING),
    (2, "37", Outcome.FINAL_FAILURE),
    (2, "38", Outcome.NOT_POSTED),
    (0, "42", Outcome.UNKNOWN),
    (0, "02", Outcome.UNKNOWN),
    (1, "37", Outcome.UNKNOWN),
    (1, "39", Outcome.UNKNOWN),
    (2, "00", Outcome.UNKNOWN),
    (3, "00", Outcome.UNKNOWN),
    (0, "00", Outcome.UNKNOWN),
    (2, "42", Outcome.UNKNOWN),
    (4, "00", Outcome.UNKNOWN),
    ("1", "00", Outcome.UNKNOWN),
    (True, "00", Outcome.UNKNOWN),
]


@pytest.mark.parametrize(("status", "rc", "outcome"), STATUSES)
def test_checkstatus_is_believed_only_when_status_and_code_agree(status, rc, outcome):
    reply = Fake((200, PAID | {"status": status, "response_code": rc})).host.status(TICKET)
    assert reply.outcome is outcome
    assert reply.quote_only is (status == 0 and rc in ("42", "02"))


def test_status_1_with_rc_37_is_never_a_success_anywhere():
    fake = Fake(
        (200, PAID | {"status": 1, "response_code": "37"}),
        (200, PAID | {"response_code": "34", "noref": ""}),
        (200, PAID | {"status": 1, "response_code": "37"}),
    )
    assert fake.host.status(TICKET).outcome is Outcome.UNKNOWN
    assert fake.host.pay(TICKET, PAY).outcome is Outcome.UNKNOWN


@pytest.mark.parametrize("rc", ["00", "39"])
def test_success_or_pending_with_an_http_error_is_not_believed(rc):
    assert Fake((400, PAID | {"response_code": rc})).host.pay(TICKET, PAY).outcome is (
        Outcome.UNKNOWN
    )


@pytest.mark.parametrize(
    ("rc", "outcome"),
    [
        ("17", Outcome.REJECTED),
        ("100", Outcome.REJECTED),
        ("04", Outcome.NOT_POSTED),
        ("06", Outcome.NOT_POSTED),
    ],
)
def test_a_4xx_is_classified_by_its_body(rc, outcome):
    reply = Fake((400, {"tr_id": TR_ID, "response_code": rc, "message": "X"})).host.pay(TICKET, PAY)
    assert (reply.outcome, reply.rc, reply.answered) == (outcome, rc, True)


@pytest.mark.parametrize(
    ("status", "body", "answered"),
    [
        (500, {"response_code": "00"}, False),
        (502, b"<html>Bad Gateway</html>", False),
        (404, b"<html>Not Found</html>", False),
        (200, b"<html>\x00\xff</html>", True),
        (200, b'{"data": {"response_code": "00", "response_code": "00"}}', True),
    ],
)
def test_no_answer_or_garbage_is_unknown(status, body, answered):
    reply = Fake((status, body)).host.pay(TICKET, PAY)
    assert (reply.outcome, reply.answered) == (Outcome.UNKNOWN, answered) and reply.cashier_text


def test_a_failure_with_desc_as_a_string_is_read():
    body = {
        "code": "BPJS",
        "hp": HP,
        "ref_id": REF,
        "response_code": "14",
        "message": "INCORRECT DESTINATION NUMBER",
        "desc": "",
    }
    reply = Fake((200, body)).host.inquiry(REF, HP)
    assert (reply.outcome, reply.rc) == (Outcome.FINAL_FAILURE, "14")
    assert reply.cashier_text == "Nomor peserta tidak ditemukan"


def test_a_payment_success_without_noref_is_referenced_by_tr_id_and_desc_may_be_empty():
    reply = Fake((200, PAID | {"noref": "", "desc": ""})).host.pay(TICKET, PAY)
    assert (reply.outcome, reply.sn, reply.paid_at) == (
        Outcome.SUCCESS,
        str(TR_ID),
        "2018-08-03T17:07:50+07:00",
    )


def test_control_characters_in_a_name_are_cleaned():
    bill = Fake((200, INQ | {"tr_name": "VER\x1b[2JGIE\u202e"})).host.inquiry(REF, HP).bill
    assert bill.head_name == "VER[2JGIE"


def test_rc_11_to_an_inquiry_asks_checkstatus_first():
    fake = Fake(
        (400, {"ref_id": REF, "response_code": "11", "message": "DUPLICATE REF ID"}),
        (200, PAID | {"status": 1}),
    )
    reply = fake.host.inquiry(REF, HP)
    assert fake.commands == ["inq-pasca", "checkstatus"]
    assert (reply.outcome, reply.rc, reply.bill) == (Outcome.UNKNOWN, "11", None)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ({"status": 1, "response_code": "00"}, Outcome.SUCCESS),
        ({"status": 3, "response_code": "39"}, Outcome.PENDING),
        ({"status": 0, "response_code": "42"}, Outcome.FINAL_FAILURE),  # paid, not by this tr_id
        ({"status": 2, "response_code": "37"}, Outcome.FINAL_FAILURE),
        ({"status": 1, "response_code": "37"}, Outcome.UNKNOWN),
    ],
)
@pytest.mark.parametrize("rc", ["01", "34", "40"])
def test_paid_already_to_a_payment_asks_checkstatus_first(rc, status, outcome):
    fake = Fake(
        (200, {"tr_id": TR_ID, "response_code": rc, "message": "PAID"}), (200, PAID | status)
    )
    reply = fake.host.pay(TICKET, PAY)
    assert fake.commands == ["pay-pasca", "checkstatus"] and reply.outcome is outcome
    if outcome is Outcome.FINAL_FAILURE:
        assert reply.rc == rc


def test_a_quote_without_a_tr_id_is_never_sent():
    fake = Fake()
    reply = fake.host.pay(Ticket(REF, "", "PAY-1"), PAY)
    assert reply.outcome is Outcome.NOT_POSTED and fake.sent == []


NOT_FOUND = {"ref_id": "LOKETCEK", "response_code": "06", "message": "INQUIRY ID NOT FOUND"}


def test_balance_is_the_last_one_a_payment_carried_and_before_it_the_credentials_are_probed():
    fake = Fake((200, NOT_FOUND), (400, NOT_FOUND | {"response_code": "100"}), (200, PAID))
    accepted = fake.host.balance()  # no balance yet: checkstatus of a ref never used
    assert (accepted.outcome, accepted.balance, accepted.rc) == (Outcome.SUCCESS, None, "06")
    assert "belum diketahui" in accepted.message
    refused = fake.host.balance()
    assert (refused.outcome, refused.rc) == (Outcome.REJECTED, "100")
    assert [s["ref_id"] for s in fake.sent] == ["LOKETCEK", "LOKETCEK"]
    fake.host.pay(TICKET, PAY)
    assert (fake.host.balance().outcome, fake.host.balance().balance) == (
        Outcome.SUCCESS,
        999_490_800,
    )
    assert fake.commands == ["checkstatus", "checkstatus", "pay-pasca"]  # then no more calls


def test_a_mismatch_tells_the_cashier_it_will_be_checked():
    reply = Fake((200, PAID | {"tr_id": 1})).host.pay(TICKET, PAY)
    assert reply.cashier_text == HOST_MISMATCH


UNNAMED = {  # (context, reply): a refusal that names no request, or another one
    "pay rc 37, no tr_id": ("pay", {"response_code": "37", "message": "PAYMENT FAILED"}),
    "pay rc 04, no tr_id": ("pay", {"ref_id": REF, "response_code": "04", "message": "X"}),
    "pay rc 17, no tr_id": ("pay", {"hp": HP, "response_code": "17", "message": "X"}),
    "pay rc 40, no tr_id": ("pay", {"response_code": "40", "message": "PAID"}),
    "inquiry rc 14, no ref_id": ("inquiry", {"hp": HP, "response_code": "14", "message": "X"}),
    "inquiry rc 01, no ref_id": ("inquiry", {"response_code": "01", "message": "PAID"}),
}


@pytest.mark.parametrize(("context", "body"), UNNAMED.values(), ids=UNNAMED.keys())
def test_a_refusal_that_names_no_request_decides_nothing(context, body):
    """Finding 1: a failure is final only when it names this attempt (tr_id for a payment,
    ref_id for an inquiry); else the payment is unknown and a status query settles it."""
    fake = Fake((200, body), (200, PAID | {"status": 0, "response_code": "42"}))
    reply = fake.host.pay(TICKET, PAY) if context == "pay" else fake.host.inquiry(REF, HP)
    assert reply.outcome is Outcome.UNKNOWN and not reply.paid_up
    assert "tidak menyebut" in reply.cashier_text
    if context == "pay":  # "failed" beside "unknown" would invite a refund by hand
        assert "gagal" not in reply.cashier_text.lower()


def test_a_number_refused_with_blank_identifiers_is_still_explained_at_the_counter():
    """No cash is at stake at an inquiry: the cashier hears what the host said, and that it did
    not name this inquiry (the counter would otherwise only say "try again")."""
    body = {"ref_id": "", "hp": "", "response_code": "14", "message": "INCORRECT DESTINATION"}
    reply = Fake((200, body)).host.inquiry(REF, HP)
    assert reply.outcome is Outcome.UNKNOWN and reply.cashier_text == (
        "Jawaban host tidak menyebut cek tagihan ini — coba cek tagihan lagi "
        "(kata host: Nomor peserta tidak ditemukan)"
    )


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ({"status": 1, "response_code": "00"}, Outcome.UNKNOWN),  # not our success
        ({"status": 0, "response_code": "42"}, Outcome.UNKNOWN),  # nor our "never received"
    ],
)
def test_paid_already_then_a_status_for_another_number_decides_nothing(status, outcome):
    """Finding 4: the checkstatus behind rc 34 is held to the number paid for."""
    fake = Fake(
        (200, {"tr_id": TR_ID, "response_code": "34", "message": "PAID"}),
        (200, PAID | status | {"hp": "8801234569999"}),
    )
    reply = fake.host.pay(TICKET, PAY)
    assert fake.commands == ["pay-pasca", "checkstatus"] and reply.outcome is outcome


def test_a_status_is_held_to_the_ticket_s_number():
    ticket = Ticket(REF, str(TR_ID), "PAY-1", customer_no=HP)
    other = Fake((200, PAID | {"status": 1, "hp": "8801234569999"}))
    assert other.host.status(ticket).cashier_text == HOST_MISMATCH
    assert Fake((200, PAID | {"status": 1})).host.status(ticket).outcome is Outcome.SUCCESS


EMPTY = {
    "ref_id": "",
    "hp": "",
    "code": "BPJS",
    "tr_name": "",
    "period": "",
    "nominal": "",
    "admin": "",
    "price": "",
    "selling_price": "",
    "datetime": "",
    "balance": "",
    "noref": "",
    "desc": "",
}


def test_iak_s_empty_strings_are_absent_fields():
    """Finding 6: IAK's replies carry "" for what they do not have; a failure that names its
    payment by tr_id is read whatever else is empty."""
    failed = Fake(
        (200, EMPTY | {"tr_id": TR_ID, "response_code": "37", "message": "PAYMENT FAILED"})
    ).host.pay(TICKET, PAY)
    assert (failed.outcome, failed.rc) == (Outcome.FINAL_FAILURE, "37")
    status = Fake(
        (
            200,
            EMPTY
            | {
                "tr_id": TR_ID,
                "ref_id": REF,
                "status": 2,
                "response_code": "37",
                "message": "PAYMENT FAILED",
            },
        )
    )
    assert status.host.status(TICKET).outcome is Outcome.FINAL_FAILURE
    refused = Fake(
        (
            200,
            EMPTY
            | {
                "ref_id": REF,
                "hp": HP,
                "response_code": "14",
                "message": "INCORRECT DESTINATION NUMBER",
            },
        )
    )
    assert refused.host.inquiry(REF, HP).outcome is Outcome.FINAL_FAILURE


def test_the_member_count_may_be_a_number_and_is_not_needed_to_pay():
    counted = INQ | {"desc": INQ["desc"] | {"jumlah_peserta": 2}}
    assert Fake((200, counted)).host.inquiry(REF, HP).bill.member_count == 2
    uncounted = PAID | {"desc": PAID["desc"] | {"jumlah_peserta": ""}}
    assert Fake((200, uncounted)).host.pay(TICKET, PAY).outcome is Outcome.SUCCESS
