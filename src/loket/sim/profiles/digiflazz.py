"""The Digiflazz buyer API for BPJS Kesehatan, simulated, as Digiflazz documents it
(developer.digiflazz.com/api/buyer/: cek-tagihan, bayar-tagihan, cek-status, cek-saldo,
response-code, test-case).

``POST /v1/transaction`` (``inq-pasca`` | ``pay-pasca`` | ``status-pasca``, signed with the MD5 of
username + key + ``ref_id``) and ``POST /v1/cek-saldo``. Where the documentation leaves a point
open, the simulator takes the reading that exposes a careless client; each such choice is marked
CHOICE below and listed in the README.
"""

from __future__ import annotations

import json

from loket.sim.profiles.engine import Bill, Engine, Refusal, md5_hex, stable_digits

SKU = "bpjs"  # the buyer's own SKU for BPJS Kesehatan; the documented tests use "bpjs"
COMMANDS = ("inq-pasca", "pay-pasca", "status-pasca")

# Digiflazz's documented test numbers (with "testing": true), all answering its example bill.
EXAMPLE_BILL = Bill(
    name="Nama Pelanggan",
    branch="JAKARTA PUSAT",
    members=2,
    months=1,
    premium=22_500,
    admin=2_500,
    deduction=24_700,
)
EXAMPLE_SN = "BP1234554321JS"
TEST_NUMBERS = {
    "8801234560001": "success",
    "8801234560002": "inquiry_fails",
    "8801234560005": "fail:02",  # the payment fails
    "9801234560001": "pending:success",
    "9801234560005": "pending:fail",
}

MESSAGES = {
    "00": "Transaksi Sukses",
    "02": "Transaksi Gagal",
    "03": "Transaksi Pending",
    "40": "Payload Error",
    "41": "Signature tidak valid",
    "42": "Gagal memproses API Buyer",
    "43": "SKU tidak di temukan atau Non-Aktif",
    "44": "Saldo tidak cukup",
    "49": "Ref ID tidak unik",
    "50": "Transaksi Tidak Ditemukan",
    "54": "Nomor Tujuan Salah",
    "57": "Jumlah Digit Kurang Atau Lebih",
    "60": "Tagihan belum tersedia",
    "85": "Limit transaksi, mohon menunggu untuk transaksi yang sama",
}
# CHOICE: which codes come with a 4xx is unconfirmed; the "no transaction formed" rejections do,
# so a client that stops at the HTTP status instead of reading data.rc is caught.
HTTP_400 = frozenset({"40", "41", "42", "43", "44", "49"})
REFUSALS = {
    "malformed": ("57", ""),
    "not_found": ("54", ""),
    "pbi": ("60", " (peserta PBI, iuran dibayar pemerintah)"),
    "ppu": ("60", " (peserta PPU, iuran dibayar pemberi kerja)"),
    "paid": ("60", " (tagihan sudah lunas)"),
}
PENDING_FAILS_WITH = "02"
TAKEN_RC = "60"  # a family-month already paid or held by another reference: nothing to pay


class Digiflazz:
    def __init__(self, engine: Engine, username: str, key: str) -> None:
        self.engine = engine
        self.username = username
        self.key = key

    # -- HTTP bodies in, (status, body) out ---------------------------------------------------
    def transaction(self, raw: bytes) -> tuple[int, dict]:
        req = _json_object(raw)
        if req is None or req.get("commands") not in COMMANDS:
            return _failure(req or {}, "40")
        fields = ("username", "buyer_sku_code", "customer_no", "ref_id", "sign")
        if not all(isinstance(req.get(f), str) and req[f] for f in fields):
            return _failure(req, "40")
        if not isinstance(req.get("testing", False), bool):
            return _failure(req, "40")
        if req["username"] != self.username:
            return _failure(req, "42")
        if req["sign"] != md5_hex(self.username + self.key + req["ref_id"]):
            return _failure(req, "41")
        if req["buyer_sku_code"] != SKU:
            return _failure(req, "43")
        command = {"inq-pasca": self.inquiry, "pay-pasca": self.pay, "status-pasca": self.status}
        with self.engine.ledger.transaction():
            return command[req["commands"]](req)

    def deposit(self, raw: bytes) -> tuple[int, dict]:
        req = _json_object(raw) or {}
        if req.get("cmd") != "deposit" or not all(
            isinstance(req.get(f), str) for f in ("username", "sign")
        ):
            return 400, {"data": {"rc": "40", "message": MESSAGES["40"]}}
        if req["username"] != self.username:
            return 400, {"data": {"rc": "42", "message": MESSAGES["42"]}}
        if req["sign"] != md5_hex(self.username + self.key + "depo"):
            return 400, {"data": {"rc": "41", "message": MESSAGES["41"]}}
        with self.engine.ledger.transaction():
            return 200, {"data": {"deposit": float(self.engine.balance())}}

    # -- commands -----------------------------------------------------------------------------
    def inquiry(self, req: dict) -> tuple[int, dict]:
        engine, ref_id = self.engine, req["ref_id"]
        if engine.book.get(ref_id) is not None:
            return _failure(req, "49")  # CHOICE: a ref_id is inquired once, whatever came of it
        script = TEST_NUMBERS.get(req["customer_no"]) if req.get("testing") else None
        if script == "inquiry_fails":
            return self._refused(req, "02", "")
        if script:
            bill: Bill | Refusal = EXAMPLE_BILL
        else:
            found = engine.family(req["customer_no"])
            bill = found if isinstance(found, Refusal) else engine.family_bill(found)
            if not isinstance(found, Refusal) and found.pending:
                script = "pending:" + found.pending
        if isinstance(bill, Refusal):
            return self._refused(req, *REFUSALS[bill.kind])
        txn = engine.record_inquiry(
            ref_id, req["customer_no"], SKU, "00", MESSAGES["00"], bill=bill, script=script
        )
        return 200, self._bill_answer(txn)

    def pay(self, req: dict) -> tuple[int, dict]:
        engine = self.engine
        txn = self._transaction_of(req)
        if txn is None or txn["state"] == "inquiry_failed":
            return _failure(req, "50")
        if txn["state"] != "inquired":
            # CHOICE: a repeated pay-pasca never posts and never repeats the result: 49, so the
            # client must ask status-pasca (a repeated pay-pasca's idempotency is not documented).
            return _failure(req, "49")
        if engine.inquired_at(txn).date() != engine.clock.now().date():
            # CHOICE: pay only on the inquiry's Jakarta calendar date; afterwards the inquiry is
            # no longer usable: 50, "at pay, no usable inquiry" — re-inquire with a new ref_id.
            return _failure(req, "50", " (cek tagihan bukan hari ini, ulangi cek tagihan)")
        outcome, txn = engine.pay(txn, TAKEN_RC)
        if outcome == "deposit":
            return _failure(req, "44")  # nothing recorded: the same ref_id may pay later
        if outcome == "taken":
            return _failure(req, TAKEN_RC, REFUSALS["paid"][1])
        return self._payment_answer(txn)

    def status(self, req: dict) -> tuple[int, dict]:
        engine = self.engine
        txn = self._transaction_of(req)
        if txn is None:
            return _failure(req, "50")
        if engine.forgotten(txn):
            return _failure(req, "50", " (Data belum ada)")
        if engine.rate_limited(txn):
            # Gagal with rc 85: a client that reads "status" instead of "rc" refunds a payment
            # that may have posted.
            return _failure(req, "85")
        if txn["state"] == "inquiry_failed":
            return _failure(req, txn["inquiry_rc"])
        txn = engine.refresh(engine.touch(txn))
        if txn["state"] == "inquired":
            # CHOICE: a ref that was only inquired, its payment request not (yet) arrived, is
            # "not found" (rc 50), as the independent servers written from the documentation
            # answer: a client that takes that as "will never post" while its request may still
            # be on its way pays twice (issue 18).
            return _failure(req, "50")
        return self._payment_answer(txn)

    # -- helpers ------------------------------------------------------------------------------
    def _transaction_of(self, req: dict) -> dict | None:
        """Pay and status name the inquiry's ref_id, customer_no and SKU (and its testing flag,
        for a test number); anything else finds no transaction (rc 50)."""
        txn = self.engine.book.get(req["ref_id"])
        if txn is None or txn["customer_no"] != req["customer_no"]:
            return None
        if txn["script"] and not txn["va_tail"] and not req.get("testing"):
            return None
        return txn

    def _refused(self, req: dict, rc: str, detail: str) -> tuple[int, dict]:
        """A formed inquiry that found no bill: the ref_id is used up all the same."""
        self.engine.record_inquiry(
            req["ref_id"], req["customer_no"], SKU, rc, MESSAGES[rc] + detail
        )
        return _failure(req, rc, detail)

    def _payment_answer(self, txn: dict) -> tuple[int, dict]:
        req = {k: txn[k] for k in ("ref_id", "customer_no")} | {"buyer_sku_code": txn["sku"]}
        if txn["state"] == "success":
            return 200, self._bill_answer(txn, sn=txn["sn"])
        if txn["state"] == "pending":
            data = _six_keys(req, "03", "Pending")
            return 200, {"data": data}
        return _failure(req, txn["rc"])

    def _bill_answer(self, txn: dict, sn: str | None = None) -> dict:
        bill = Bill.loads(txn["bill"])
        months = f"{bill.months:02d}"  # CHOICE: periode, detail[].periode = the month count
        data = {
            "ref_id": txn["ref_id"],
            "customer_no": txn["customer_no"],
            "customer_name": bill.name,
            "buyer_sku_code": txn["sku"],
            "admin": bill.admin,
            "message": MESSAGES["00"],
            "status": "Sukses",
            "rc": "00",
            "periode": months,
            "buyer_last_saldo": float(self.engine.balance()),
            "price": bill.deduction,
            "selling_price": bill.customer_total,
            "desc": {
                "jumlah_peserta": str(bill.members),
                "lembar_tagihan": bill.months,
                "alamat": bill.branch,
                "detail": [{"periode": months}],
            },
        }
        if sn is not None:
            data["sn"] = sn
        return {"data": data}


def host_reference(txn: dict) -> str:
    """The ``sn`` of a posted payment: unique per ref_id, or the documented one for a test number."""
    if not txn["va_tail"]:
        return EXAMPLE_SN
    return "BP" + stable_digits("digiflazz:" + txn["ref_id"], 12) + "JS"


def _json_object(raw: bytes) -> dict | None:
    try:
        body = json.loads(raw or b"")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _six_keys(req: dict, rc: str, status: str, detail: str = "") -> dict:
    """Failures and pending answers carry only these (as Digiflazz's examples of them)."""

    def text(key: str) -> str:
        value = req.get(key)
        return value if isinstance(value, str) else ""

    return {
        "ref_id": text("ref_id"),
        "customer_no": text("customer_no"),
        "buyer_sku_code": text("buyer_sku_code"),
        "message": MESSAGES.get(rc, MESSAGES["02"]) + detail,
        "status": status,
        "rc": rc,
    }


def _failure(req: dict, rc: str, detail: str = "") -> tuple[int, dict]:
    return (400 if rc in HTTP_400 else 200), {"data": _six_keys(req, rc, "Gagal", detail)}
