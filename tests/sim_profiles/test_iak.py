"""`loket sim --profile iak`: the IAK postpaid API of aggregators.md §2, to the letter."""

import time
from datetime import timedelta

import httpx
import pytest

from loket.sim.profiles.iak import NUMBER_0001_READING, OLDER_LIST
from tests.conftest import KEY, NOW
from tests.sim_profiles.conftest import USERNAME, IakClient, md5, start_profile_sim, wait_pending

INQ_KEYS = {
    "tr_id",
    "code",
    "hp",
    "tr_name",
    "period",
    "nominal",
    "admin",
    "ref_id",
    "response_code",
    "message",
    "price",
    "selling_price",
    "desc",
}
PAY_KEYS = INQ_KEYS | {"datetime", "balance", "noref"}
EXAMPLE = {
    "code": "BPJS",
    "tr_name": "VERGIE",
    "period": "02",
    "nominal": 50_000,
    "admin": 2_500,
    "price": 52_500,
    "selling_price": 52_300,
    "desc": {
        "kode_cabang": "0901",
        "nama_cabang": "JAKARTA PUSAT",
        "sisa_pembayaran": "0",
        "jumlah_peserta": "2",
    },
}
DEPOSIT = 1_000_000_000


def test_inquiry_answers_the_documented_example_with_its_exact_fields_and_types(iak):
    r = iak.inq_response("8801234560001", "09128374651", month="2")
    body = r.json()
    assert r.status_code == 200 and body["meta"] == [] and set(body) == {"data", "meta"}
    data = body["data"]
    assert set(data) == INQ_KEYS
    assert {k: data[k] for k in EXAMPLE} == EXAMPLE
    assert (data["response_code"], data["message"]) == ("00", "INQUIRY SUCCESS")
    assert isinstance(data["tr_id"], int) and data["tr_id"] == 9_732_787  # as documented
    for key in ("nominal", "admin", "price", "selling_price"):
        assert isinstance(data[key], float), key  # Double
    assert data["price"] == data["nominal"] + data["admin"]


def test_8801234560001_pays_and_checkstatus_tells_success(iak):
    assert NUMBER_0001_READING == "success" == OLDER_LIST["8801234560001"]
    tr_id = iak.inq("8801234560001", "A1")["tr_id"]
    paid = iak.pay(tr_id)
    assert set(paid) == PAY_KEYS
    assert (paid["response_code"], paid["message"]) == ("00", "PAYMENT SUCCESS")
    assert paid["noref"] == "148732328035714773" and paid["datetime"] == "20261121100000"
    assert isinstance(paid["balance"], float) and paid["balance"] == DEPOSIT - 52_300
    status = iak.status("A1")
    assert (status["status"], status["response_code"]) == (1, "00")
    assert status == paid | {"status": 1}
    [entry] = iak.sim.ledger()
    assert (entry["host_ref"], entry["tr_id"], entry["deducted"], entry["premium"]) == (
        str(tr_id),
        tr_id,
        52_300,
        50_000,
    )


@pytest.mark.parametrize(
    ("number", "rc"), [("8801234560003", "103"), ("8801234560004", "01"), ("8801234560005", "14")]
)
def test_older_list_inquiry_failures(iak, number, rc):
    data = iak.inq(number, "F1")
    assert data["response_code"] == rc and "tr_id" not in data and data["desc"] == ""
    assert iak.inq(number, "F1")["response_code"] == "11"  # the ref is used up all the same
    assert iak.status("F1")["response_code"] == "06"


@pytest.mark.parametrize(("number", "rc"), [("8801234560006", "37"), ("8801234560008", "105")])
def test_older_list_payment_failures(iak, number, rc):
    tr_id = iak.inq(number, "F1")["tr_id"]
    data = iak.pay(tr_id)
    assert set(data) == PAY_KEYS and data["response_code"] == rc and data["noref"] == ""
    assert data["balance"] == DEPOSIT  # nothing deducted
    status = iak.status("F1")
    assert (status["status"], status["response_code"], status["noref"]) == (2, "37", "")
    assert iak.pay(tr_id)["response_code"] == "38"  # a failed tr_id needs a new inquiry
    assert iak.sim.ledger() == []


@pytest.mark.parametrize("number", ["8801234560007", "8801234561039"])
def test_pending_numbers_resolve_to_success_after_the_delay(iak, number):
    tr_id = iak.inq(number, "P1")["tr_id"]
    data = iak.pay(tr_id)
    assert data["response_code"] == "39" and "noref" not in data and "datetime" not in data
    assert data["balance"] == DEPOSIT - 52_300
    assert (iak.status("P1")["status"], iak.pay(tr_id)["response_code"]) == (3, "39")
    wait_pending()
    assert iak.status("P1")["status"] == 1
    assert len(iak.sim.ledger()) == 1 and iak.pay(tr_id)["response_code"] == "34"


@pytest.mark.parametrize(
    ("number", "inquiry_rc", "pay_rc"),
    [
        ("8801234560000", "00", "00"),
        ("8801234560002", "02", None),  # only …0001 conflicts: the scheme serves …0002
        ("8801234560009", "09", None),
        ("8801234560014", "14", None),
        ("8801234561000", "00", "00"),
        ("8801234561037", "00", "37"),
        ("8801234561105", "00", "105"),
    ],
)
def test_the_newer_scheme_serves_the_other_numbers(iak, number, inquiry_rc, pay_rc):
    data = iak.inq(number, "S1")
    assert data["response_code"] == inquiry_rc
    if pay_rc:
        assert iak.pay(data["tr_id"])["response_code"] == pay_rc


def test_signatures_for_each_command(iak):
    cases = [
        iak.inq_response("0001000000011", "R1", sign=md5(USERNAME + KEY + "R2")),
        iak.pay_response(9_732_787, sign=md5(USERNAME + KEY + "cs")),
        iak.status_response("R1", sign=md5(USERNAME + KEY + "R1")),
        iak.post(
            {
                "commands": "checkstatus",
                "username": "other",
                "ref_id": "R1",
                "sign": md5("other" + KEY + "cs"),
            }
        ),
    ]
    for r in cases:
        assert r.status_code == 400 and r.json()["data"]["response_code"] == "100", r.text
    assert iak.inq("0001000000011", "R1")["response_code"] == "00"  # nothing was recorded


def test_request_format_rejections(iak):
    assert (
        iak.post({"commands": "topup", "username": USERNAME, "sign": "x"}).json()["data"][
            "response_code"
        ]
        == "101"
    )
    r = httpx.post(iak.sim.url + "/api/v1/bill/check", content=b"<mp></mp>", timeout=10)
    assert r.status_code == 400 and r.json()["data"]["response_code"] == "107"
    body = {
        "commands": "inq-pasca",
        "username": USERNAME,
        "code": "BPJS",
        "hp": "0001000000011",
        "ref_id": "R1",
        "sign": md5(USERNAME + KEY + "R1"),
    }
    assert iak.post(body).json()["data"]["response_code"] == "107"  # month is required
    assert iak.inq("0001000000011", "R-1")["response_code"] == "03"  # letters and digits only
    assert iak.inq("0001000000011", "R1", code="PLN")["response_code"] == "20"
    assert iak.inq("0001000000011", "R1", month=0)["response_code"] == "107"
    assert iak.inq("0001000000011", "R1", month=2)["response_code"] == "00"  # int or "2"
    assert iak.inq("0001000000011", "R2", month="2")["response_code"] == "00"


def test_a_ref_id_is_single_use_and_pay_needs_a_known_tr_id(iak):
    assert iak.inq("0001000000011", "R1")["response_code"] == "00"
    r = iak.inq_response("0001000000029", "R1")
    assert r.status_code == 400 and r.json()["data"]["response_code"] == "11"
    assert iak.pay(123)["response_code"] == "06"
    assert iak.pay_response("9732787").json()["data"]["response_code"] == "00"  # "tr_id" as text
    assert iak.status("NEVER")["response_code"] == "06"


def test_an_inquiry_expires(iak):
    tr_id = iak.inq("0001000000011", "E1")["tr_id"]
    iak.sim.clock.set(NOW + timedelta(seconds=901))
    data = iak.pay(tr_id)
    assert data["response_code"] == "04"
    assert (iak.status("E1")["status"], iak.status("E1")["response_code"]) == (0, "42")
    assert iak.sim.ledger() == [] and iak.status("E1")["balance"] == DEPOSIT
    fresh = iak.inq("0001000000011", "E2")["tr_id"]
    iak.sim.clock.set(NOW + timedelta(seconds=901 + 900))  # exactly the TTL: still payable
    assert iak.pay(fresh)["response_code"] == "00"


def test_checkstatus_of_an_inquiry_only_is_status_0(iak):
    iak.inq("0001000000011", "R1")
    data = iak.status("R1")
    assert (data["status"], data["response_code"]) == (0, "42")
    assert "noref" not in data and "datetime" not in data


def test_checkstatus_is_rate_limited_per_transaction():
    iak = IakClient(start_profile_sim("iak", min_status_interval_s=0.5))
    try:
        tr_id = iak.inq("0001000000011", "R1")["tr_id"]
        iak.inq("0001000000029", "R2")
        iak.pay(tr_id)
        assert iak.status("R1")["response_code"] == "33"
        assert iak.status("R2")["status"] == 0
        time.sleep(0.55)
        assert iak.status("R1")["status"] == 1
        assert iak.status("R1")["response_code"] == "33"
    finally:
        iak.sim.thread.stop()


def test_deposit_moves_by_selling_price_and_an_insufficient_one_records_nothing(iak):
    iak.sim.deposit(100_000)
    bill = iak.inq("0001000000011", "R1")
    r = iak.pay_response(bill["tr_id"])
    assert r.status_code == 400 and r.json()["data"]["response_code"] == "17"
    assert iak.status("R1")["status"] == 0
    iak.sim.deposit(1_000_000)
    paid = iak.pay(bill["tr_id"])
    assert paid["response_code"] == "00"
    assert paid["balance"] == 1_000_000 - bill["selling_price"] == 1_000_000 - 106_000
    assert paid["nominal"] == 105_000 and paid["price"] == 107_500


@pytest.mark.parametrize(
    ("number", "month", "period", "nominal", "branch"),
    [
        ("0001000000011", 1, "01", 105_000, "JAKARTA PUSAT"),
        ("0001000000029", 1, "03", 750_000, "BEKASI"),  # arrears are always billed
        ("0001000000029", 3, "05", 1_250_000, "BEKASI"),  # ... plus two months ahead
        ("8888801000000037", 1, "25", 875_000, "DEPOK"),  # capped at 24 + current
        ("0001000000061", 3, "02", 800_000, "BANDUNG"),  # paid through now: two ahead
    ],
)
def test_a_family_is_count_only_and_month_counts_from_the_current_month(
    iak, number, month, period, nominal, branch
):
    data = iak.inq(number, "R1", month=month)
    assert set(data) == INQ_KEYS and set(data["desc"]) == set(EXAMPLE["desc"])
    assert (data["period"], data["nominal"], data["desc"]["nama_cabang"]) == (
        period,
        nominal,
        branch,
    )
    assert data["selling_price"] == nominal + 1000 and data["admin"] == 2500


@pytest.mark.parametrize(
    ("number", "rc", "word"),
    [
        ("0001000000045", "41", "PBI"),
        ("0001000000053", "41", "PPU"),
        ("0001000000061", "01", ""),
        ("0001999999999", "14", ""),
        ("12345", "14", ""),
    ],
)
def test_numbers_without_a_bill(iak, number, rc, word):
    data = iak.inq(number, "R1")
    assert data["response_code"] == rc and word in data["message"] and data["desc"] == ""


def test_a_repeated_pay_never_posts_twice_and_a_family_month_only_once(iak):
    first = iak.inq("0001000000011", "A1")["tr_id"]
    second = iak.inq("0001000000011", "A2")["tr_id"]
    assert iak.pay(first)["response_code"] == "00"
    assert iak.pay(first)["response_code"] == "34"  # checkstatus tells it was ours
    assert iak.status("A1")["status"] == 1
    taken = iak.pay(second)
    assert taken["response_code"] == "40" and taken["noref"] == ""
    assert iak.status("A2")["status"] == 2
    assert [e["ref_id"] for e in iak.sim.ledger()] == ["A1"]
    assert iak.status("A1")["balance"] == DEPOSIT - 106_000


def test_a_fixed_pending_family_fails_and_is_refunded(iak):
    tr_id = iak.inq("0001000000086", "R1")["tr_id"]
    assert iak.pay(tr_id)["response_code"] == "39"
    wait_pending()
    data = iak.status("R1")
    assert (data["status"], data["response_code"], data["balance"]) == (2, "37", DEPOSIT)
    assert iak.sim.ledger() == []


def test_the_ledger_lists_every_posted_payment(iak):
    tr_id = iak.inq("0001000000029", "R1")["tr_id"]
    paid = iak.pay(tr_id)
    assert iak.sim.ledger() == [
        {
            "ref_id": "R1",
            "va_no": "8888801000000029",
            "periods": ["2026-09", "2026-10", "2026-11"],
            "premium": 750_000,
            "sn": paid["noref"],
            "paid_at": "2026-11-21T10:00:00+07:00",
            "host_ref": str(tr_id),
            "tr_id": tr_id,
            "customer_no": "0001000000029",
            "deducted": 751_000,
            "profile": "iak",
        }
    ]
    assert len(paid["noref"]) == 18 and paid["noref"].isdigit()


def test_test_numbers_answer_the_example_whatever_month(iak):
    assert iak.inq("8801234560001", "M1", month=5)["period"] == "02"


def test_error_replies_carry_iak_s_empty_strings(iak):
    """aggregators.md §2.4: IAK's error replies carry empty strings (``"ref_id": "", "hp": ""``)
    for what the request did not name; the simulator disagrees with loket as IAK does."""
    assert iak.status("NEVER") == {
        "ref_id": "NEVER",
        "hp": "",
        "code": "BPJS",
        "response_code": "06",
        "message": "INQUIRY ID NOT FOUND",
    }
    assert iak.pay(123) == {
        "tr_id": 123,
        "ref_id": "",
        "hp": "",
        "code": "BPJS",
        "response_code": "06",
        "message": "INQUIRY ID NOT FOUND",
    }
    signed_wrong = iak.status_response("NEVER", sign="x").json()["data"]
    assert (signed_wrong["hp"], signed_wrong["response_code"]) == ("", "100")


def test_a_family_s_member_count_is_a_number_and_a_test_number_s_is_text(iak):
    """IAK's examples give ``jumlah_peserta`` as text (BPJS) and as a number (another product):
    the families answer the number, the documented test numbers the text."""
    tr_id = iak.inq("0001000000029", "J1")["tr_id"]
    for data in (iak.inq("0001000000011", "J2"), iak.pay(tr_id), iak.status("J1")):
        assert type(data["desc"]["jumlah_peserta"]) is int, data
    assert iak.inq("8801234560001", "J3")["desc"]["jumlah_peserta"] == "2"
