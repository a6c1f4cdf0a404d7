"""The simulated host's business rules, apart from HTTP: inquiry, payment, status, balance.

Each method takes the parsed JSON body and answers ``(http_status, data)`` in loket's native host
protocol (the README's "The simulator" says it in brief): business outcomes are HTTP 200 with a
``status`` and an ``rc``; a payment needs no inquiry and is idempotent by its ``ref_id`` (the same
body answers the stored result, another body rc 49); a status query for a ``ref_id`` never
recorded answers rc 50, so sending it again with the same ``ref_id`` is safe.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import datetime

from loket.clock import Clock, iso
from loket.domain.billing import MAX_MONTHS_AHEAD, billable_periods, family_premium
from loket.domain.months import Month
from loket.domain.numbers import CustomerNumberError, parse_customer_number
from loket.sim.ledger import SimLedger
from loket.sim.population import Population, SimFamily

REF_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
HOST_ADMIN = 2500
HOST_FEE = 1000  # agent_price = premium + HOST_FEE; the agent keeps admin - HOST_FEE
NOT_PAYABLE = {
    "pbi": "Peserta PBI, iuran dibayar pemerintah",
    "ppu": "Peserta PPU, iuran dibayar pemberi kerja",
}


class BadRequest(Exception):
    pass


def _answer(status: str, rc: str, message: str, **extra) -> tuple[int, dict]:
    return 200, {"status": status, "rc": rc, "message": message, **extra}


def body_hash(body: dict) -> str:
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def in_cutoff(now: datetime) -> bool:
    """The daily cut-off: 23:55–00:05 WIB, while the biller closes the day."""
    minutes = now.hour * 60 + now.minute
    return minutes >= 23 * 60 + 55 or minutes < 5


class SimHost:
    def __init__(
        self,
        ledger: SimLedger,
        population: Population,
        clock: Clock,
        pending_delay_s: float = 5.0,
        timer: Callable[[], float] = time.time,
    ) -> None:
        self.timer = timer  # real seconds for pending payments; a simulation's own
        self.ledger = ledger
        self.population = population
        self.clock = clock
        self.pending_delay_s = pending_delay_s

    # -- the bill ---------------------------------------------------------------------------
    def _bill(self, family: SimFamily, months_ahead: int) -> dict:
        """Priced at the simulated month. A family's history is relative to the month the
        simulator first sees it; from then on it is absolute, so time passing brings arrears."""
        current = Month.of(self.clock.now())
        stored = self.ledger.paid_through(family.va_tail)
        paid_through = Month.parse(stored) if stored else current + family.paid_offset
        if not stored:
            self.ledger.cover(family.va_tail, str(paid_through), first_sight=True)
        periods = billable_periods(paid_through, current, months_ahead)
        premium = family_premium([m.klass for m in family.members], periods)
        return {
            "va_no": "88888" + family.va_tail,
            "head_name": family.head_name,
            "branch": family.branch,
            "members": [
                {"card_no": m.card_no, "name": m.name, "class": m.klass} for m in family.members
            ],
            "periods": [str(p) for p in periods],
            "arrears_months": sum(1 for p in periods if p < current),
            "months_ahead": months_ahead,
            "premium": premium,
            "admin": HOST_ADMIN,
            "agent_price": premium + HOST_FEE if premium else 0,
        }

    def _family_or_failure(self, customer_no: object) -> SimFamily | tuple[int, dict]:
        try:
            number = parse_customer_number(str(customer_no))
        except CustomerNumberError:
            return _answer("failed", "57", "Format nomor pelanggan salah")
        family = self.population.find(number.digits)
        if family is None:
            return _answer("failed", "54", "Nomor pelanggan tidak ditemukan")
        if family.kind in NOT_PAYABLE:
            return _answer("failed", "60", NOT_PAYABLE[family.kind])
        return family

    # -- endpoints --------------------------------------------------------------------------
    def inquiry(self, body: dict) -> tuple[int, dict]:
        ref_id, months_ahead = _ref(body), _months_ahead(body)
        if in_cutoff(self.clock.now()):
            return _answer("failed", "58", "Cut-off, coba lagi setelah 00:05", ref_id=ref_id)
        found = self._family_or_failure(body.get("customer_no"))
        if not isinstance(found, SimFamily):
            found[1]["ref_id"] = ref_id
            return found
        with self.ledger.transaction():
            bill = self._bill(found, months_ahead)
        if not bill["periods"]:
            return _answer("failed", "34", "Tagihan sudah lunas", ref_id=ref_id)
        return _answer(
            "success",
            "00",
            "Tagihan ditemukan",
            ref_id=ref_id,
            bill=bill,
            inquired_at=iso(self.clock.now()),
        )

    def payment(self, body: dict) -> tuple[int, dict]:
        ref_id, months_ahead = _ref(body), _months_ahead(body)
        amount = body.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise BadRequest("amount must be a non-negative integer")
        digest = body_hash(body)
        with self.ledger.transaction() as ledger:
            stored = ledger.get(ref_id)
            if stored is not None:
                if stored["body_hash"] != digest:
                    return 409, {
                        "ref_id": ref_id,
                        "status": "failed",
                        "rc": "49",
                        "message": "ref_id sudah dipakai dengan isi berbeda",
                    }
                return 200, self._stored_answer(ledger, stored)
            if in_cutoff(self.clock.now()):
                return _answer("failed", "58", "Cut-off, coba lagi setelah 00:05", ref_id=ref_id)
            found = self._family_or_failure(body.get("customer_no"))
            row = {"ref_id": ref_id, "body_hash": digest, "created_at": iso(self.clock.now())}
            if not isinstance(found, SimFamily):
                data = found[1]
                ledger.insert(
                    {
                        **row,
                        "va_tail": "",
                        "status": "failed",
                        "rc": data["rc"],
                        "message": data["message"],
                    }
                )
                return _answer(data["status"], data["rc"], data["message"], ref_id=ref_id)
            bill = self._bill(found, months_ahead)
            row |= {
                "va_tail": found.va_tail,
                "bill": json.dumps(bill),
                "periods": json.dumps(bill["periods"]),
                "premium": bill["premium"],
                "agent_price": bill["agent_price"],
            }
            if not bill["periods"]:
                ledger.insert(
                    {**row, "status": "failed", "rc": "34", "message": "Tagihan sudah lunas"}
                )
                return _answer("failed", "34", "Tagihan sudah lunas", ref_id=ref_id)
            if bill["premium"] != amount:
                message = f"Jumlah berbeda: tagihan {bill['premium']}, dibayar {amount}"
                ledger.insert({**row, "status": "failed", "rc": "84", "message": message})
                return _answer("failed", "84", message, ref_id=ref_id, bill=bill)
            balance = ledger.deposit() or 0
            if balance < bill["agent_price"]:
                return _answer("failed", "44", "Saldo deposit tidak cukup", ref_id=ref_id)
            ledger.set_deposit(balance - bill["agent_price"])
            if found.pending:
                ledger.insert(
                    {
                        **row,
                        "status": "pending",
                        "rc": "03",
                        "message": "Menunggu jawaban biller",
                        "resolve_at": self.timer() + self.pending_delay_s,
                        "resolve_to": found.pending,
                    }
                )
                # the months are held while the biller decides: no second payment may take them
                ledger.cover(found.va_tail, bill["periods"][-1])
            else:
                self._post(ledger, row)
            return 200, self._stored_answer(ledger, ledger.get(ref_id))

    def status(self, body: dict) -> tuple[int, dict]:
        ref_id = _ref(body)
        with self.ledger.transaction() as ledger:
            stored = ledger.get(ref_id)
            if stored is None:
                return _answer("failed", "50", "Transaksi tidak ditemukan", ref_id=ref_id)
            return 200, self._stored_answer(ledger, stored)

    def balance(self) -> tuple[int, dict]:
        return 200, {"status": "success", "rc": "00", "balance": self.ledger.deposit()}

    # -- helpers ----------------------------------------------------------------------------
    def _post(self, ledger: SimLedger, row: dict) -> None:
        paid_at = iso(self.clock.now())
        sn = hashlib.sha1(row["ref_id"].encode()).hexdigest()[:16].upper()
        fields = {
            "status": "success",
            "rc": "00",
            "message": "Pembayaran berhasil",
            "sn": sn,
            "paid_at": paid_at,
        }
        if ledger.get(row["ref_id"]) is None:
            ledger.insert({**row, **fields})
        else:
            ledger.update(row["ref_id"], **fields, resolve_at=None)
        ledger.cover(row["va_tail"], json.loads(row["periods"])[-1])

    def settle_due(self, ledger: SimLedger) -> None:
        """Resolve every pending payment whose time has come (before the ledger is listed)."""
        due = ledger.db.execute(
            "SELECT * FROM payments WHERE status = 'pending' AND resolve_at <= ?", (self.timer(),)
        ).fetchall()
        for stored in due:
            self._stored_answer(ledger, stored)

    def _stored_answer(self, ledger: SimLedger, stored) -> dict:
        """A stored payment's current state; a pending one resolves once its time has come."""
        if stored["status"] == "pending" and stored["resolve_at"] <= self.timer():
            if stored["resolve_to"] == "success":
                self._post(ledger, dict(stored))
            else:
                ledger.set_deposit((ledger.deposit() or 0) + stored["agent_price"])
                held = json.loads(stored["periods"])
                if ledger.paid_through(stored["va_tail"]) == held[-1]:  # give the months back
                    ledger.cover(stored["va_tail"], str(Month.parse(held[0]) - 1))
                ledger.update(
                    stored["ref_id"],
                    status="failed",
                    rc="06",
                    message="Ditolak biller, deposit dikembalikan",
                    resolve_at=None,
                )
            stored = ledger.get(stored["ref_id"])
        data = {
            "ref_id": stored["ref_id"],
            "status": stored["status"],
            "rc": stored["rc"],
            "message": stored["message"],
        }
        if stored["bill"]:
            data["bill"] = json.loads(stored["bill"])
        if stored["status"] == "success":
            data |= {"sn": stored["sn"], "paid_at": stored["paid_at"], "balance": ledger.deposit()}
        return data


def _ref(body: dict) -> str:
    ref_id = body.get("ref_id")
    if not isinstance(ref_id, str) or not REF_ID.match(ref_id):
        raise BadRequest("ref_id must be 1-64 characters of A-Z a-z 0-9 _ -")
    return ref_id


def _months_ahead(body: dict) -> int:
    value = body.get("months_ahead", 0)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_MONTHS_AHEAD:
        raise BadRequest(f"months_ahead must be an integer 0..{MAX_MONTHS_AHEAD}")
    return value
