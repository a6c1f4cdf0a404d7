"""`loket sim --profile digiflazz`: the buyer API of aggregators.md §1, to the letter."""

import time
from datetime import datetime, timedelta

import httpx
import pytest

from loket.clock import WIB
from loket.domain.billing import billable_periods, family_premium
from loket.domain.months import Month
from loket.sim.population import Population
from tests.conftest import KEY, NOW
from tests.sim_profiles.conftest import (
    USERNAME,
    DigiflazzClient,
    md5,
    start_profile_sim,
    wait_pending,
)

SIX_KEYS = {"ref_id", "customer_no", "buyer_sku_code", "message", "status", "rc"}
BILL_KEYS = SIX_KEYS | {
    "customer_name",
    "admin",
    "periode",
    "buyer_last_saldo",
    "price",
    "selling_price",
    "desc",
}
EXAMPLE = {
    "customer_name": "Nama Pelanggan",
    "admin": 2500,
    "price": 24_700,
    "selling_price": 25_000,
    "periode": "01",
    "desc": {
        "jumlah_peserta": "2",
        "lembar_tagihan": 1,
        "alamat": "JAKARTA PUSAT",
        "detail": [{"periode": "01"}],
    },
}
DEPOSIT = 1_000_000_000


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def test_inquiry_answers_the_documented_example_with_its_exact_fields_and_types(dg):
    r = dg.send("inq-pasca", "8801234560001", "4536881875", testing=True)
    data = r.json()["data"]
    assert r.status_code == 200 and set(r.json()) == {"data"}
    assert set(data) == BILL_KEYS
    assert {k: data[k] for k in EXAMPLE} == EXAMPLE
    assert (data["status"], data["rc"], data["message"]) == ("Sukses", "00", "Transaksi Sukses")
    assert (data["ref_id"], data["customer_no"], data["buyer_sku_code"]) == (
        "4536881875",
        "8801234560001",
        "bpjs",
    )
    assert all(is_int(data[k]) for k in ("admin", "price", "selling_price"))
    assert isinstance(data["buyer_last_saldo"], float) and data["buyer_last_saldo"] == DEPOSIT
    assert is_int(data["desc"]["lembar_tagihan"])
    assert data["selling_price"] - data["admin"] == 22_500  # the premium


def test_8801234560001_pays_and_its_status_is_the_payment(dg):
    dg.inq("8801234560001", "R1", testing=True)
    paid = dg.pay("8801234560001", "R1", testing=True)
    assert set(paid) == BILL_KEYS | {"sn"}
    assert (paid["status"], paid["rc"], paid["sn"]) == ("Sukses", "00", "BP1234554321JS")
    assert paid["buyer_last_saldo"] == DEPOSIT - 24_700  # the deduction is price
    assert dg.status("8801234560001", "R1", testing=True) == paid
    [entry] = dg.sim.ledger()
    assert (entry["ref_id"], entry["premium"], entry["deducted"], entry["periods"]) == (
        "R1",
        22_500,
        24_700,
        [],
    )


def test_8801234560002_inquiry_fails_and_carries_only_six_keys(dg):
    data = dg.inq("8801234560002", "R2", testing=True)
    assert set(data) == SIX_KEYS and (data["status"], data["rc"]) == ("Gagal", "02")
    assert dg.pay("8801234560002", "R2", testing=True)["rc"] == "50"  # no usable inquiry
    assert dg.status("8801234560002", "R2", testing=True)["rc"] == "02"
    assert dg.inq("8801234560002", "R2", testing=True)["rc"] == "49"  # the ref is used up


def test_8801234560005_payment_fails_and_nothing_is_deducted(dg):
    assert dg.inq("8801234560005", "R5", testing=True)["rc"] == "00"
    data = dg.pay("8801234560005", "R5", testing=True)
    assert set(data) == SIX_KEYS and (data["status"], data["rc"]) == ("Gagal", "02")
    assert dg.status("8801234560005", "R5", testing=True)["rc"] == "02"
    assert dg.saldo().json()["data"]["deposit"] == DEPOSIT
    assert dg.sim.ledger() == []


@pytest.mark.parametrize(
    ("number", "final", "rc"), [("9801234560001", "Sukses", "00"), ("9801234560005", "Gagal", "02")]
)
def test_98_numbers_go_pending_then_resolve(dg, number, final, rc):
    assert dg.inq(number, "RP", testing=True)["rc"] == "00"
    data = dg.pay(number, "RP", testing=True)
    assert set(data) == SIX_KEYS
    assert (data["status"], data["rc"], data["message"]) == ("Pending", "03", "Transaksi Pending")
    assert dg.status(number, "RP", testing=True)["status"] == "Pending"
    assert dg.saldo().json()["data"]["deposit"] == DEPOSIT - 24_700  # held while pending
    wait_pending()
    done = dg.status(number, "RP", testing=True)
    assert (done["status"], done["rc"]) == (final, rc)
    if final == "Sukses":
        assert done["sn"] == "BP1234554321JS" and len(dg.sim.ledger()) == 1
        assert dg.saldo().json()["data"]["deposit"] == DEPOSIT - 24_700
    else:
        assert "sn" not in done and dg.sim.ledger() == []
        assert dg.saldo().json()["data"]["deposit"] == DEPOSIT  # refunded


def test_test_numbers_answer_only_with_testing_true(dg):
    assert dg.inq("8801234560001", "T1")["rc"] == "54"
    assert dg.inq("8801234560001", "T2", testing=False)["rc"] == "54"
    dg.inq("8801234560001", "T3", testing=True)
    assert dg.pay("8801234560001", "T3")["rc"] == "50"  # pay must repeat testing too


def test_request_rejections_record_nothing_and_come_as_400(dg):
    cases = [
        (dict(sign=md5("x")), "41"),
        (dict(sign=md5(USERNAME + KEY + "R1").upper()), "41"),  # lowercase hex only
        (dict(username="someone-else"), "42"),
        (dict(sku="pln"), "43"),
        (dict(testing="true"), "40"),  # testing is a Boolean
    ]
    for kwargs, rc in cases:
        r = dg.send("inq-pasca", "0001000000011", "R1", **kwargs)
        assert r.status_code == 400 and r.json()["data"]["rc"] == rc, (kwargs, r.text)
        assert set(r.json()["data"]) == SIX_KEYS
    r = dg.send("transfer", "0001000000011", "R1")
    assert r.status_code == 400 and r.json()["data"]["rc"] == "40"
    r = httpx.post(dg.sim.url + "/v1/transaction", content=b"<xml/>", timeout=10)
    assert r.status_code == 400 and r.json()["data"]["rc"] == "40"
    assert dg.inq("0001000000011", "R1")["rc"] == "00"  # R1 was never used up


def test_a_ref_id_is_inquired_once(dg):
    assert dg.inq("0001000000011", "R1")["rc"] == "00"
    r = dg.send("inq-pasca", "0001000000029", "R1")
    assert r.status_code == 400 and r.json()["data"]["rc"] == "49"
    assert dg.inq("0001999999999", "R2")["rc"] == "54"  # a formed failure uses the ref up too
    assert dg.inq("0001000000011", "R2")["rc"] == "49"


def test_pay_and_status_must_repeat_the_inquiry(dg):
    dg.inq("0001000000011", "R1")
    assert dg.pay("0001000000029", "R1")["rc"] == "50"
    assert dg.status("0001000000029", "R1")["rc"] == "50"
    assert dg.pay("0001000000011", "NEVER")["rc"] == "50"
    assert dg.status("0001000000011", "NEVER")["rc"] == "50"
    assert dg.pay("0001000000011", "R1")["rc"] == "00"


def test_pay_only_on_the_inquirys_jakarta_date(dg):
    dg.sim.clock.set(datetime(2026, 11, 21, 23, 59, 30, tzinfo=WIB))
    dg.inq("0001000000011", "LATE")
    dg.sim.clock.set(datetime(2026, 11, 22, 0, 0, 30, tzinfo=WIB))
    late = dg.pay("0001000000011", "LATE")
    assert (late["status"], late["rc"]) == ("Gagal", "50")
    assert dg.saldo().json()["data"]["deposit"] == DEPOSIT and dg.sim.ledger() == []
    dg.sim.clock.set(datetime(2026, 11, 21, 23, 59, 59, tzinfo=WIB))  # the same day: still fine
    assert dg.pay("0001000000011", "LATE")["rc"] == "00"


def test_status_of_a_ref_only_inquired_is_not_found(dg):
    """As the servers written from the documentation answer: no payment request has arrived
    under it (yet), so there is nothing to find (rc 50), in the six keys of a failure."""
    dg.inq("0001000000011", "R1")
    data = dg.status("0001000000011", "R1")
    assert (data["status"], data["rc"], data["ref_id"]) == ("Gagal", "50", "R1")
    assert set(data) == SIX_KEYS
    assert dg.sim.ledger() == []


def test_a_repeated_pay_never_posts_twice(dg):
    dg.inq("0001000000011", "R1")
    first = dg.pay("0001000000011", "R1")
    r = dg.send("pay-pasca", "0001000000011", "R1")
    assert r.status_code == 400 and r.json()["data"]["rc"] == "49"
    assert [e["ref_id"] for e in dg.sim.ledger()] == ["R1"]
    assert dg.saldo().json()["data"]["deposit"] == DEPOSIT - first["price"]
    assert dg.status("0001000000011", "R1")["sn"] == first["sn"]


def test_a_family_month_is_never_posted_twice(dg):
    dg.inq("0001000000011", "A")
    dg.inq("0001000000011", "B")
    assert dg.pay("0001000000011", "A")["rc"] == "00"
    second = dg.pay("0001000000011", "B")
    assert (second["status"], second["rc"]) == ("Gagal", "60")
    assert len(dg.sim.ledger()) == 1
    # a pending payment holds its months too
    dg.inq("0001000000078", "P1")
    dg.inq("0001000000078", "P2")
    assert dg.pay("0001000000078", "P1")["rc"] == "03"
    assert dg.pay("0001000000078", "P2")["rc"] == "60"
    wait_pending()
    assert dg.status("0001000000078", "P1")["rc"] == "00"
    assert sorted(e["ref_id"] for e in dg.sim.ledger()) == ["A", "P1"]


def test_status_calls_are_rate_limited_per_transaction():
    dg = DigiflazzClient(start_profile_sim("digiflazz", min_status_interval_s=0.5))
    try:
        dg.inq("0001000000011", "R1")
        dg.inq("0001000000029", "R2")
        dg.pay("0001000000011", "R1")
        limited = dg.status("0001000000011", "R1")  # the pay was the last call
        assert (limited["status"], limited["rc"]) == ("Gagal", "85")
        assert set(limited) == SIX_KEYS
        assert dg.status("0001000000029", "R2")["rc"] == "50"  # another one: only inquired
        time.sleep(0.55)
        assert dg.status("0001000000011", "R1")["rc"] == "00"
        assert dg.status("0001000000011", "R1")["rc"] == "85"
    finally:
        dg.sim.thread.stop()


def test_deposit_moves_by_price_and_an_insufficient_one_records_nothing(dg):
    r = dg.saldo()
    assert r.json() == {"data": {"deposit": float(DEPOSIT)}}
    assert dg.saldo(sign=md5("wrong")).json()["data"]["rc"] == "41"
    assert dg.saldo(username="nobody").json()["data"]["rc"] == "42"
    dg.sim.deposit(100_000)
    bill = dg.inq("0001000000011", "R1")
    r = dg.send("pay-pasca", "0001000000011", "R1")
    assert r.status_code == 400 and r.json()["data"]["rc"] == "44"
    assert dg.status("0001000000011", "R1")["rc"] == "50"  # still only inquired
    dg.sim.deposit(1_000_000)
    paid = dg.pay("0001000000011", "R1")
    assert paid["rc"] == "00" and paid["buyer_last_saldo"] == 1_000_000 - bill["price"]
    assert dg.saldo().json()["data"]["deposit"] == 1_000_000 - 106_000


@pytest.mark.parametrize(
    ("number", "months", "premium", "branch"),
    [
        ("0001000000011", 1, 105_000, "JAKARTA PUSAT"),  # 3 x Kelas III
        ("0001000000029", 3, 750_000, "BEKASI"),  # Kelas I + II, 2 months in arrears
        ("8888801000000029", 3, 750_000, "BEKASI"),  # the VA
        ("0001000000037", 25, 875_000, "DEPOK"),  # 30 months in arrears: capped at 24 + current
    ],
)
def test_a_family_is_count_only(dg, number, months, premium, branch):
    data = dg.inq(number, "R1")
    assert set(data) == BILL_KEYS  # no members, classes or coverage months
    assert data["selling_price"] - data["admin"] == premium
    assert data["price"] == premium + 1000
    assert data["desc"]["lembar_tagihan"] == months
    assert data["periode"] == data["desc"]["detail"][0]["periode"] == f"{months:02d}"
    assert data["desc"]["alamat"] == branch
    assert set(data["desc"]) == {"jumlah_peserta", "lembar_tagihan", "alamat", "detail"}


def test_a_generated_family_is_priced_with_the_tariff_table(dg):
    found = dg.sim.call("GET", "/_sim/customers?situation=arrears&limit=1").json()
    card = found["data"]["customers"][0]["card_no"]
    family = Population(seed=1).find(card)
    current = Month.of(NOW)
    periods = billable_periods(current + family.paid_offset, current)
    data = dg.inq(card, "G1")
    assert data["customer_name"] == family.head_name
    assert data["desc"]["jumlah_peserta"] == str(len(family.members))
    assert data["desc"]["lembar_tagihan"] == len(periods)
    premium = family_premium([m.klass for m in family.members], periods)
    assert data["selling_price"] - data["admin"] == premium
    paid = dg.pay(card, "G1")
    [entry] = dg.sim.ledger()
    assert entry["periods"] == [str(p) for p in periods] and entry["sn"] == paid["sn"]


@pytest.mark.parametrize(
    ("number", "rc", "word"),
    [
        ("0001000000045", "60", "PBI"),
        ("0001000000053", "60", "PPU"),
        ("0001000000061", "60", "lunas"),
        ("0001999999999", "54", ""),
        ("00010000000", "57", ""),
    ],
)
def test_numbers_without_a_bill(dg, number, rc, word):
    data = dg.inq(number, "R1")
    assert set(data) == SIX_KEYS and (data["status"], data["rc"]) == ("Gagal", rc)
    assert word in data["message"]


def test_the_ledger_lists_every_posted_payment(dg):
    dg.inq("0001000000029", "R1")
    paid = dg.pay("0001000000029", "R1")
    assert dg.sim.ledger() == [
        {
            "ref_id": "R1",
            "va_no": "8888801000000029",
            "periods": ["2026-09", "2026-10", "2026-11"],
            "premium": 750_000,
            "sn": paid["sn"],
            "paid_at": "2026-11-21T10:00:00+07:00",
            "host_ref": "R1",
            "tr_id": None,
            "customer_no": "0001000000029",
            "deducted": 751_000,
            "profile": "digiflazz",
        }
    ]
    assert paid["sn"].startswith("BP") and paid["sn"].endswith("JS")


def test_status_is_forgotten_after_90_days(dg):
    dg.inq("0001000000011", "R1")
    dg.pay("0001000000011", "R1")
    dg.sim.clock.set(NOW + timedelta(days=91))
    data = dg.status("0001000000011", "R1")
    assert data["rc"] == "50" and "Data belum ada" in data["message"]


def test_a_fixed_pending_family_fails_and_is_refunded(dg):
    dg.inq("0001000000086", "R1")
    assert dg.pay("0001000000086", "R1")["status"] == "Pending"
    wait_pending()
    assert dg.status("0001000000086", "R1")["rc"] == "02"
    assert dg.saldo().json()["data"]["deposit"] == DEPOSIT
    assert dg.inq("0001000000086", "R2")["rc"] == "00"  # still owed: it can be paid again
    assert dg.pay("0001000000086", "R2")["rc"] == "03"
