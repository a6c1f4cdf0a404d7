"""The IAK (Mobilepulsa) postpaid API for BPJS Kesehatan, simulated, as IAK documents it (the
repositories iak-id/iak-api-reference-docs and iak-id/iak-api-developer-docs).

Every command is ``POST /api/v1/bill/check``: ``inq-pasca``, ``pay-pasca`` (by ``tr_id``),
``checkstatus`` (by ``ref_id``); answers are ``{"data": {...}, "meta": []}``. Where the
documentation leaves a point open, the choice taken is marked CHOICE and listed in the README.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

from loket.domain import times
from loket.domain.billing import MAX_MONTHS_AHEAD
from loket.sim.population import BRANCHES
from loket.sim.profiles.engine import Bill, Engine, Refusal, md5_hex, stable_digits

CODE = "BPJS"
COMMANDS = ("inq-pasca", "pay-pasca", "checkstatus")
REF_ID = re.compile(r"^[A-Za-z0-9]+$")  # letters and digits only (rc 03)
MAX_MONTH = 1 + MAX_MONTHS_AHEAD

EXAMPLE_BILL = Bill(
    name="VERGIE",
    branch="JAKARTA PUSAT",
    members=2,
    months=2,
    premium=50_000,
    admin=2_500,
    deduction=52_300,
)
EXAMPLE_NOREF = "148732328035714773"

# The published lists conflict on 8801234560001: the older list says success, the newer scheme
# (880123456 + D + RRR) reads it as D=0, RRR=001: the inquiry answers rc 01 "already paid".
# PINNED: the older list, for …0001 and for every number it names (…0003–…0008); the newer
# scheme serves the other numbers of that form.
NUMBER_0001_READING = "success"
OLDER_LIST = {
    "8801234560001": NUMBER_0001_READING,
    "8801234560003": "inquiry:103",  # inquiry time-out
    "8801234560004": "inquiry:01",  # inquiry: already paid
    "8801234560005": "inquiry:14",  # inquiry: wrong number
    "8801234560006": "fail:37",  # payment failed
    "8801234560007": "pending:success",  # payment pending (39), then success
    "8801234560008": "fail:105",  # payment: biller error
}
SCHEME_PREFIX = "880123456"

MESSAGES = {
    "01": "INVOICE HAS BEEN PAID",
    "02": "BILL UNPAID",
    "03": "INVALID REF ID",
    "04": "BILLING ID EXPIRED",
    "05": "UNDEFINED ERROR",
    "06": "INQUIRY ID NOT FOUND",
    "07": "TRANSACTION FAILED",
    "08": "BILLING ID BLOCKED",
    "09": "INQUIRY FAILED",
    "10": "BILL IS NOT AVAILABLE",
    "11": "DUPLICATE REF ID",
    "13": "CUSTOMER NUMBER BLOCKED",
    "14": "INCORRECT DESTINATION NUMBER",
    "15": "NUMBER THAT YOU ENTERED IS NOT SUPPORTED",
    "16": "NUMBER DOESN'T MATCH THE OPERATOR",
    "17": "BALANCE NOT ENOUGH",
    "20": "PRODUCT UNREGISTERED",
    "30": "PAYMENT HAVE TO BE DONE VIA COUNTER / PDAM",
    "31": "TRANSACTION REJECTED DUE TO EXCEEDING MAXIMAL TOTAL BILL ALLOWED",
    "32": "TRANSACTION FAILED, PLEASE PAY BILL OF ALL PERIOD",
    "33": "TRANSACTION CAN'T BE PROCESS, PLEASE TRY AGAIN LATER",
    "34": "BILL HAS BEEN PAID",
    "35": "TRANSACTION REJECTED DUE TO ANOTHER UNPAID ARREAR",
    "36": "EXCEEDING DUE DATE, PLEASE PAY IN THE COUNTER / PDAM",
    "37": "PAYMENT FAILED",
    "38": "PAYMENT FAILED, PLEASE DO ANOTHER REQUEST",
    "39": "PENDING / TRANSAKSI SEDANG DIPROSES",
    "40": "TRANSACTION REJECTED DUE TO ALL OR ONE OF THE ARREAR/INVOICE HAS BEEN PAID",
    "41": "CAN'T BE PAID IN COUNTER, PLEASE PAY TO THE CORRESPONDING COMPANY",
    "42": "REQUEST PEMBAYARAN BELUM DITERIMA",
    "91": "DATABASE CONNECTION ERROR",
    "92": "GENERAL ERROR",
    "93": "INVALID AMOUNT",
    "94": "SERVICE HAS EXPIRED",
    "100": "INVALID SIGNATURE",
    "101": "INVALID COMMAND",
    "102": "INVALID IP ADDRESS",
    "103": "TIMEOUT",
    "105": "MISC ERROR / BILLER SYSTEM ERROR",
    "106": "PRODUCT IS TEMPORARILY OUT OF SERVICE",
    "107": "XML FORMAT ERROR",
    "108": "SORRY, YOUR ID CAN'T BE USED FOR THIS PRODUCT TRANSACTION",
    "109": "SYSTEM CUT OFF",
    "110": "SYSTEM UNDER MAINTENANCE",
    "117": "PAGE NOT FOUND",
    "118": "ACCOUNT SUSPENDED",
    "201": "UNDEFINED RESPONSE CODE",
}
# CHOICE: which codes come with a 4xx is unconfirmed; request rejections that record nothing do.
HTTP_400 = frozenset({"03", "11", "17", "20", "100", "101", "107"})
REFUSALS = {
    "malformed": ("14", ""),
    "not_found": ("14", ""),
    "pbi": ("41", " (peserta PBI, iuran dibayar pemerintah)"),
    "ppu": ("41", " (peserta PPU, iuran dibayar pemberi kerja)"),
    "paid": ("01", ""),
}
TAKEN_RC = "40"  # a family-month already paid or held by another tr_id
PENDING_FAILS_WITH = "37"


def test_script(hp: str) -> str | None:
    """A sandbox test number's behaviour: the older list first, then 880123456 + D + RRR."""
    if hp in OLDER_LIST:
        return OLDER_LIST[hp]
    if len(hp) != 13 or not hp.isdigit() or not hp.startswith(SCHEME_PREFIX) or hp[9] not in "01":
        return None
    rc = str(int(hp[10:])).zfill(2)
    if rc == "00":
        return "success"
    if hp[9] == "0":
        return "inquiry:" + rc
    return "pending:success" if rc == "39" else "fail:" + rc


class Iak:
    def __init__(self, engine: Engine, username: str, key: str, inquiry_ttl_s: float) -> None:
        self.engine = engine
        self.username = username
        self.key = key
        self.ttl = timedelta(seconds=inquiry_ttl_s)

    def bill_check(self, raw: bytes) -> tuple[int, dict]:
        req = _json_object(raw)
        if req is None:
            return _failure({}, "107")
        if req.get("commands") not in COMMANDS:
            return _failure(req, "101")
        if not all(isinstance(req.get(f), str) and req[f] for f in ("username", "sign")):
            return _failure(req, "107")
        if req["username"] != self.username:
            return _failure(req, "100")  # CHOICE: no "unknown user" code; the sign cannot match
        command = {"inq-pasca": self.inquiry, "pay-pasca": self.pay, "checkstatus": self.status}
        return command[req["commands"]](req)

    # -- commands -----------------------------------------------------------------------------
    def inquiry(self, req: dict) -> tuple[int, dict]:
        if not all(isinstance(req.get(f), str) and req[f] for f in ("code", "hp", "ref_id")):
            return _failure(req, "107")
        month = _whole_number(req.get("month"))  # Integer, sent as "2" in the examples
        if month is None or not 1 <= month <= MAX_MONTH:
            return _failure(req, "107")
        if req["sign"] != md5_hex(self.username + self.key + req["ref_id"]):
            return _failure(req, "100")
        if not REF_ID.match(req["ref_id"]):
            return _failure(req, "03")
        if req["code"] != CODE:
            return _failure(req, "20")
        engine = self.engine
        with engine.ledger.transaction():
            if engine.book.get(req["ref_id"]) is not None:
                return _failure(req, "11")
            script = test_script(req["hp"])
            if script and script.startswith("inquiry:"):
                return self._refused(req, script[8:], "")
            if script:
                bill: Bill | Refusal = EXAMPLE_BILL
            else:
                found = engine.family(req["hp"])
                # CHOICE: month = months from the current month on (1 = the current month only);
                # arrears (at most 24) are always billed first, so period can exceed month.
                bill = found if isinstance(found, Refusal) else engine.family_bill(found, month - 1)
                if not isinstance(found, Refusal) and found.pending:
                    script = "pending:" + found.pending
            if isinstance(bill, Refusal):
                return self._refused(req, *REFUSALS[bill.kind])
            txn = engine.record_inquiry(
                req["ref_id"],
                req["hp"],
                CODE,
                "00",
                "INQUIRY SUCCESS",
                bill=bill,
                script=script,
                tr_id=engine.book.next_tr_id(),
            )
            return 200, _reply(self._fields(txn, "00", "INQUIRY SUCCESS"))

    def pay(self, req: dict) -> tuple[int, dict]:
        tr_id = _whole_number(req.get("tr_id"))  # Integer, sent as "9732787" in the examples
        if tr_id is None:
            return _failure(req, "107")
        if req["sign"] != md5_hex(self.username + self.key + str(tr_id)):
            return _failure(req, "100")
        engine = self.engine
        with engine.ledger.transaction():
            txn = engine.book.by_tr_id(tr_id)
            if txn is None:
                return _failure(req, "06")
            txn = engine.refresh(txn)
            # CHOICE: a repeated pay-pasca never posts and never says "success": paid -> 34
            # (checkstatus tells it was ours), pending -> 39, failed -> 38 (a new inquiry).
            if txn["state"] == "success":
                return _failure(req, "34")
            if txn["state"] == "pending":
                return 200, _reply(self._fields(txn, "39", balance=True))
            if txn["state"] == "failed":
                return _failure(req, "38")
            if engine.clock.now() - engine.inquired_at(txn) > self.ttl:
                return _failure(req, "04")
            outcome, txn = engine.pay(txn, TAKEN_RC)
            if outcome == "deposit":
                return _failure(req, "17")  # nothing recorded: the same tr_id may pay later
            if outcome == "pending":
                return 200, _reply(self._fields(txn, "39", balance=True))
            if outcome == "success":
                return 200, _reply(self._fields(txn, "00", "PAYMENT SUCCESS", paid=True))
            return 200, _reply(self._fields(txn, txn["rc"], paid=True))

    def status(self, req: dict) -> tuple[int, dict]:
        if not isinstance(req.get("ref_id"), str) or not req["ref_id"]:
            return _failure(req, "107")
        if req["sign"] != md5_hex(self.username + self.key + "cs"):
            return _failure(req, "100")
        engine = self.engine
        with engine.ledger.transaction():
            txn = engine.book.get(req["ref_id"])
            # CHOICE: a ref never inquired (or whose inquiry failed) is "inquiry not found", 06.
            if txn is None or txn["state"] == "inquiry_failed" or engine.forgotten(txn):
                return _failure(req, "06")
            if engine.rate_limited(txn):
                return _failure(req, "33")  # CHOICE: IAK's limit is unconfirmed: Digiflazz's
            txn = engine.refresh(engine.touch(txn))
            state = txn["state"]
            if state == "inquired":
                fields = self._fields(txn, "42", balance=True) | {"status": 0}
            elif state == "pending":
                fields = self._fields(txn, "39", balance=True) | {"status": 3}
            elif state == "success":
                fields = self._fields(txn, "00", "PAYMENT SUCCESS", paid=True) | {"status": 1}
            else:  # CHOICE: every failed payment reads status 2, rc 37 here
                fields = self._fields(txn, "37", paid=True) | {"status": 2}
            return 200, _reply(fields)

    # -- helpers ------------------------------------------------------------------------------
    def _refused(self, req: dict, rc: str, detail: str) -> tuple[int, dict]:
        """A formed inquiry that found no bill: the ref_id is used up, and no tr_id is given."""
        message = MESSAGES.get(rc, MESSAGES["201"]) + detail
        self.engine.record_inquiry(req["ref_id"], req["hp"], req["code"], rc, message)
        return _failure(req, rc, detail, desc="")

    def _fields(
        self, txn: dict, rc: str, message: str = "", balance: bool = False, paid: bool = False
    ) -> dict:
        bill = Bill.loads(txn["bill"])
        data: dict = {"tr_id": txn["tr_id"], "code": CODE}
        if paid:
            data["datetime"] = _ymdhis(txn["paid_at"])
        data |= {
            "hp": txn["customer_no"],
            "tr_name": bill.name,
            "period": f"{bill.months:02d}",
            "nominal": float(bill.premium),
            "admin": float(bill.admin),
            "ref_id": txn["ref_id"],
            "response_code": rc,
            "message": message or MESSAGES.get(rc, MESSAGES["201"]),
            "price": float(bill.customer_total),
            "selling_price": float(bill.deduction),
        }
        if balance or paid:
            data["balance"] = float(self.engine.balance())
        if paid:
            data["noref"] = txn["sn"] if txn["state"] == "success" else ""
        data["desc"] = {
            "kode_cabang": branch_code(bill.branch),
            "nama_cabang": bill.branch,
            "sisa_pembayaran": "0",
            # CHOICE: IAK's examples give the count as text (BPJS) and as a number (another
            # product): the families answer the number, the documented test numbers the text
            "jumlah_peserta": bill.members if txn["va_tail"] else str(bill.members),
        }
        return data


def host_reference(txn: dict) -> str:
    """The ``noref`` of a posted payment: unique per ref_id, or the documented one for a test number."""
    if not txn["va_tail"]:
        return EXAMPLE_NOREF
    return stable_digits("iak:" + txn["ref_id"], 18)


def branch_code(branch: str) -> str:
    """A 4-digit BPJS branch code; JAKARTA PUSAT is 0901 as in the documented example."""
    return f"{901 + BRANCHES.index(branch):04d}" if branch in BRANCHES else "0901"


def _ymdhis(when: str) -> str:
    return times.compact(when)


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    return None


def _json_object(raw: bytes) -> dict | None:
    try:
        body = json.loads(raw or b"")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _reply(data: dict) -> dict:
    return {"data": data, "meta": []}


def _failure(req: dict, rc: str, detail: str = "", **extra) -> tuple[int, dict]:
    """Only what identifies the request, the code and its message (and ``desc: ""`` where an
    inquiry found nothing: IAK sends desc as a string when it is empty). What the request did not
    name is an empty string, as in IAK's own error replies (``"ref_id": "", "hp": ""``)."""
    data: dict = {k: req[k] if isinstance(req.get(k), str) else "" for k in ("ref_id", "hp")}
    data["code"] = req["code"] if isinstance(req.get("code"), str) else CODE
    tr_id = _whole_number(req.get("tr_id"))
    if tr_id is not None:
        data = {"tr_id": tr_id} | data
    data |= {"response_code": rc, "message": MESSAGES.get(rc, MESSAGES["201"]) + detail}
    return (400 if rc in HTTP_400 else 200), _reply(data | extra)
