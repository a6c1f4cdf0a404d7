"""What Digiflazz and IAK share inside the simulator: customers, bills, the payment's life.

A profile (``digiflazz.py``, ``iak.py``) checks its own request rules and renders its own answers;
this module owns the money: the deposit, the family-months, pending payments resolving, and the
simulated families priced with the tariff table exactly as the native host prices them.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from loket.clock import Clock, iso, parse_iso
from loket.domain.billing import billable_periods, family_premium
from loket.domain.months import Month
from loket.domain.numbers import CARD_LENGTH, VA_LENGTH, VA_PREFIXES
from loket.sim.host import HOST_ADMIN, HOST_FEE
from loket.sim.ledger import SimLedger
from loket.sim.population import Population, SimFamily
from loket.sim.profiles.store import AggregatorBook

STATUS_RETENTION = timedelta(days=90)  # Digiflazz: "Data belum ada" after 90 days; IAK the same


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


@dataclass(frozen=True)
class Bill:
    """A bill as an aggregator knows it: counts and amounts, no members, classes or months."""

    name: str
    branch: str
    members: int
    months: int
    premium: int  # to BPJS
    admin: int  # the host's admin fee
    deduction: int  # what a payment takes from the deposit
    periods: tuple[str, ...] = ()  # kept inside the simulator; () for a test number
    va_tail: str = ""

    @property
    def customer_total(self) -> int:
        return self.premium + self.admin

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: str) -> Bill:
        data = json.loads(text)
        data["periods"] = tuple(data["periods"])
        return cls(**data)


@dataclass(frozen=True)
class Refusal:
    """Why a number has no bill: malformed | not_found | pbi | ppu | paid."""

    kind: str


class Engine:
    def __init__(
        self,
        profile: str,
        ledger: SimLedger,
        population: Population,
        clock: Clock,
        pending_delay_s: float,
        min_status_interval_s: float,
        failed_rc: str,
        host_reference: Callable[[dict], str],
        timer: Callable[[], float] = time.time,
    ) -> None:
        self.timer = timer  # real seconds for pending payments and pacing; a simulation's own
        self.ledger = ledger
        self.book = AggregatorBook(ledger, profile)
        self.population = population
        self.clock = clock
        self.pending_delay_s = pending_delay_s
        self.min_status_interval_s = min_status_interval_s
        self.failed_rc = failed_rc  # a pending payment that fails ends with this code
        self.host_reference = host_reference  # sn / noref for a posted payment

    # -- customers ----------------------------------------------------------------------------
    def family(self, customer_no: str) -> SimFamily | Refusal:
        """A generated or native fixed family: strict digits, a card or a VA of any member."""
        if not customer_no.isdigit():
            return Refusal("not_found")
        if len(customer_no) not in (CARD_LENGTH, VA_LENGTH):
            return Refusal("malformed")
        if len(customer_no) == VA_LENGTH and not customer_no.startswith(VA_PREFIXES):
            return Refusal("not_found")
        found = self.population.find(customer_no)
        if found is None:
            return Refusal("not_found")
        if found.kind != "mandiri":
            return Refusal(found.kind)
        return found

    def family_bill(self, family: SimFamily, months_ahead: int = 0) -> Bill | Refusal:
        """Priced like ``SimHost._bill``: history relative to the month the simulator first
        sees the family, then absolute; arrears capped at 24 months. Call inside a transaction."""
        current = Month.of(self.clock.now())
        stored = self.ledger.paid_through(family.va_tail)
        paid_through = Month.parse(stored) if stored else current + family.paid_offset
        if not stored:
            self.ledger.cover(family.va_tail, str(paid_through), first_sight=True)
        periods = billable_periods(paid_through, current, months_ahead)
        if not periods:
            return Refusal("paid")
        premium = family_premium([m.klass for m in family.members], periods)
        return Bill(
            name=family.head_name,
            branch=family.branch,
            members=len(family.members),
            months=len(periods),
            premium=premium,
            admin=HOST_ADMIN,
            deduction=premium + HOST_FEE,
            periods=tuple(str(p) for p in periods),
            va_tail=family.va_tail,
        )

    # -- inquiries ----------------------------------------------------------------------------
    def record_inquiry(
        self,
        ref_id: str,
        customer_no: str,
        sku: str,
        rc: str,
        message: str,
        bill: Bill | None = None,
        script: str | None = None,
        tr_id: int | None = None,
    ) -> dict:
        """Every inquiry that got past the request checks uses its reference up, failed or not."""
        self.book.insert(
            {
                "ref_id": ref_id,
                "tr_id": tr_id,
                "customer_no": customer_no,
                "sku": sku,
                "va_tail": bill.va_tail if bill else "",
                "script": script,
                "bill": bill.dumps() if bill else None,
                "inquiry_rc": rc,
                "inquiry_message": message,
                "inquired_at": iso(self.clock.now()),
                "state": "inquired" if bill else "inquiry_failed",
            }
        )
        return self.book.get(ref_id)  # type: ignore[return-value]

    def inquired_at(self, txn: dict) -> datetime:
        return parse_iso(txn["inquired_at"])

    # -- payments -----------------------------------------------------------------------------
    def pay(self, txn: dict, taken_rc: str) -> tuple[str, dict]:
        """Pay an inquiry that is still ``inquired``: ``(outcome, txn)`` with outcome one of
        ``deposit`` (nothing recorded), ``taken`` (a family-month is paid or held: failed with
        ``taken_rc``), ``failed`` (a test number's scripted failure), ``pending``, ``success``."""
        bill = Bill.loads(txn["bill"])
        ref_id = txn["ref_id"]
        balance = self.ledger.deposit() or 0
        if balance < bill.deduction:
            return "deposit", txn
        now = iso(self.clock.now())
        fields = {"paid_at": now, "last_call": self.timer()}
        if bill.va_tail:
            stored = self.ledger.paid_through(bill.va_tail)
            covered = stored is not None and Month.parse(stored) >= Month.parse(bill.periods[0])
            if covered or self.book.months_taken(bill.va_tail, list(bill.periods)):
                return "taken", self.book.update(ref_id, state="failed", rc=taken_rc, **fields)
            self.book.take_months(bill.va_tail, list(bill.periods), ref_id)
        script = txn["script"] or ""
        if script.startswith("fail:"):
            return "failed", self.book.update(ref_id, state="failed", rc=script[5:], **fields)
        self.ledger.set_deposit(balance - bill.deduction)
        fields["deducted"] = bill.deduction
        if script.startswith("pending:"):
            return "pending", self.book.update(
                ref_id,
                state="pending",
                resolve_at=self.timer() + self.pending_delay_s,
                resolve_to=script[8:],
                **fields,
            )
        return "success", self._post(ref_id, bill, self.host_reference(txn), **fields)

    def _post(self, ref_id: str, bill: Bill, sn: str, **fields) -> dict:
        if bill.va_tail:
            self.ledger.cover(bill.va_tail, bill.periods[-1])
        return self.book.update(ref_id, state="success", rc="00", sn=sn, resolve_at=None, **fields)

    def refresh(self, txn: dict) -> dict:
        """A pending payment whose time has come resolves: posted, or failed and refunded."""
        if txn["state"] != "pending" or txn["resolve_at"] > self.timer():
            return txn
        if txn["resolve_to"] == "success":
            return self._post(txn["ref_id"], Bill.loads(txn["bill"]), self.host_reference(txn))
        self.ledger.set_deposit((self.ledger.deposit() or 0) + (txn["deducted"] or 0))
        self.book.release_months(txn["ref_id"])
        return self.book.update(
            txn["ref_id"], state="failed", rc=self.failed_rc, deducted=0, resolve_at=None
        )

    def entries(self) -> list[dict]:
        """The ledger as it stands now: pending payments that are due resolve first."""
        for txn in self.book.due_pending(self.timer()):
            self.refresh(txn)
        return self.book.entries()

    # -- status -------------------------------------------------------------------------------
    def forgotten(self, txn: dict) -> bool:
        """Status answers stop after the retention period (by the simulated clock)."""
        return self.clock.now() - self.inquired_at(txn) > STATUS_RETENTION

    def rate_limited(self, txn: dict) -> bool:
        """At most one pay/status call per transaction per ``min_status_interval_s`` (real time)."""
        last = txn["last_call"]
        return last is not None and self.timer() - last < self.min_status_interval_s

    def touch(self, txn: dict) -> dict:
        return self.book.update(txn["ref_id"], last_call=self.timer())

    def balance(self) -> int:
        return self.ledger.deposit() or 0


def stable_digits(seed: str, count: int) -> str:
    """``count`` digits derived from ``seed``: host references that are unique and repeatable."""
    number = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return f"{number % 10**count:0{count}d}"
