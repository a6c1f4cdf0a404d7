"""What a shop's own POS asks of loket (``loket serve``, ``loket pay``): the bill, a payment made
once per idempotency key, its status, its receipt, a reprint and the queue — as the POS account.

Once per key is a property of the database, not of one process: the payment's ``ref_id`` is
derived from (POS account, key), and the store's UNIQUE ``ref_id`` refuses a second payment with
it. A request that loses that race, or repeats a key, answers with the payment already made and
never pays again; a key repeated with a different request is refused.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from dataclasses import dataclass

from loket.domain.accounts import Account
from loket.domain.numbers import CustomerNumberError, parse_customer_number
from loket.domain.payment import Payment
from loket.domain.states import IN_FLIGHT, WAITING_TO_SEND, PaymentState, label
from loket.errors import LoketError
from loket.printing.receipt_files import receipt_as
from loket.service.accounts import AccountDesk
from loket.service.counter import CounterService, PaymentRefused
from loket.service.inquiry import InquiryResult
from loket.service.slips import PrintResult
from loket.store.payments import DuplicateRef
from loket.store.shifts import ShiftError

KEY = re.compile(r"^[\x21-\x7e]{8,200}$")  # printable ASCII without spaces: a UUID, a POS's own id
STILL_SENDING = frozenset({PaymentState.RECORDED, PaymentState.SENDING})
Answer = dict[
    str, object
]  # a JSON object as the POS (or `loket … --json`) is told: only serialized


class PosError(LoketError):
    """A request refused; ``code`` is stable for programs, the message is for people."""

    def __init__(self, code: str, message: str, **detail: object) -> None:
        super().__init__(message)
        self.code = code
        self.detail = detail


def ref_for_key(account_id: str, key: str) -> str:
    """The payment's ``ref_id`` for a POS account's idempotency key: the same key, the same
    reference, in every process and after every restart (36 characters of ``[A-Z0-9-]``)."""
    digest = hashlib.sha256(f"{len(account_id)}:{account_id}:{key}".encode()).digest()
    return "PAY-" + base64.b32encode(digest[:20]).decode()


def bill_json(counter: CounterService, result: InquiryResult) -> Answer:
    """``loket inquiry --json``."""
    usable, message = result.usable, result.message
    out: Answer = {"ok": usable, "rc": result.rc, "message": message, "offline": result.offline}
    if usable and result.bill is not None:
        bill = result.bill
        out["bill"] = {
            "va_no": bill.va_no,
            "head_name": bill.head_name,
            "branch": bill.branch,
            "count_only": bill.count_only,  # a host that gives counts, not members and months
            "member_count": bill.member_count,
            "month_count": bill.month_count,
            "members": [
                {"card_no": m.card_no, "name": m.name, "class": m.klass} for m in bill.members
            ],
            "periods": [str(p) for p in bill.periods],
            "arrears_months": bill.arrears_months,
            "months_ahead": bill.months_ahead,
            "premium": bill.premium,
            "admin_fee": counter.admin_for(bill),
            "total": counter.total_for(bill),
        }
    return out


PRINTED_MEANS = (
    "Whether answering this request printed a slip on the counter's printer: true when the "
    "printer took it (a printer that cannot report its paper may still print nothing); false "
    "when nothing was printed, print_message says why: the printer failed, a payment that "
    "failed has no slip (its cash is owed back), or the request repeated an Idempotency-Key, "
    "which never prints again (use .../reprint); null when the request never prints (a "
    "status, the queue, the history)."
)


def not_printed_again(ref_id: str) -> PrintResult:
    """A repeated request's answer: it prints nothing (a retry must not give a second slip)."""
    return PrintResult(
        True,
        "Tidak dicetak lagi: permintaan ini mengulang Idempotency-Key "
        f"yang sama; cetak ulang: POST /v1/payments/{ref_id}/reprint",
    )


def payment_json(payment: Payment, printed: PrintResult | None = None) -> Answer:
    """``loket pay --json``: the same states and amounts wherever a payment is told;
    ``printed`` as ``PRINTED_MEANS`` says, from the print this request made (None: it made
    none and never does)."""
    return {
        "state": str(payment.state),
        "state_label": label(payment.state),
        "ref_id": payment.ref_id,
        "sn": payment.host_sn,
        "customer_no": payment.customer_no,
        "va_no": payment.va_no,
        "head_name": payment.head_name,
        "member_count": payment.member_count,
        "month_count": payment.month_count,
        "members": [
            {"card_no": m.card_no, "name": m.name, "class": m.klass} for m in payment.members
        ],
        "periods": [str(p) for p in payment.periods],
        "premium": payment.premium,
        "admin_fee": payment.admin_fee,
        "total": payment.total,
        "cash": payment.cash,
        "change": payment.change,
        "rc": payment.host_rc,
        "message": payment.host_message,
        "offline": payment.offline,
        "created_at": payment.created_at,
        "paid_at": payment.paid_at,
        "printed": printed.printed if printed else None,
        "print_message": printed.message if printed else "",
    }


@dataclass
class PosDesk:
    counter: CounterService
    accounts: AccountDesk
    account_id: str  # ``[counter] pos_account``
    settle_wait_s: float = 15.0  # a repeated key waits this long for the first request's answer
    poll_s: float = 0.05

    def account(self) -> Account:
        return self.accounts.pos_account(self.account_id)

    def inquire(self, number: str, months_ahead: int = 0) -> Answer:
        return bill_json(self.counter, self.counter.inquire(number, months_ahead))

    def pay(self, key: str, number: str, cash: int, months_ahead: int = 0) -> Answer:
        """Pay once for this key; the same key again answers with the same payment."""
        if not KEY.match(key or ""):
            raise PosError(
                "idempotency_key_invalid",
                "Idempotency-Key harus 8-200 karakter ASCII tanpa spasi (misalnya sebuah UUID)",
            )
        account = self.account()
        ref = ref_for_key(account.id, key)
        found = self.counter.find(ref)
        if found is not None:
            return self._repeat(found, number, cash, months_ahead)
        self._shift_for(account.id)  # a POS calling us has no drawer here
        result = self.counter.inquire(number, months_ahead)
        if result.bill is None or not result.usable:
            found = self.counter.find(ref)  # this key's own payment, recorded meanwhile
            if found is not None:
                return self._repeat(found, number, cash, months_ahead)
            raise PosError("not_paid", result.message, state="NOT_PAID", rc=result.rc)
        try:
            payment = self.counter.pay(result.bill, cash, account.id, ref_id=ref)
        except PaymentRefused as exc:
            raise PosError("not_paid", str(exc), state="NOT_PAID") from None
        except DuplicateRef:  # another request with this key recorded it first
            return self._repeat(self._settled(ref), number, cash, months_ahead)
        if payment.state in STILL_SENDING:  # the forwarder beside us took it on the way
            payment = self._settled(ref)
        return payment_json(payment, self.counter.print_slip(payment.ref_id))

    def _shift_for(self, account_id: str) -> None:
        try:
            self.counter.shifts.ensure_open(account_id)
        except ShiftError:  # opened by a request running beside this one
            if self.counter.shifts.current(account_id) is None:
                raise

    def _repeat(self, payment: Payment, number: str, cash: int, months_ahead: int) -> Answer:
        try:
            digits: str | None = parse_customer_number(number).digits
        except CustomerNumberError:
            digits = None  # no number at all: never the request that made a payment
        # a count-only host gives no VA: the payment's empty va_no names no number
        numbers = {n for n in (payment.customer_no, payment.va_no) if n}
        same = digits in numbers and cash == payment.cash and months_ahead == payment.months_ahead
        if not same:
            raise PosError(
                "idempotency_key_reused",
                "Idempotency-Key ini sudah dipakai untuk "
                f"pembayaran lain ({payment.ref_id}); pakai kunci baru",
                ref_id=payment.ref_id,
            )
        out = payment_json(self._settled(payment.ref_id), not_printed_again(payment.ref_id))
        out["replayed"] = True
        return out

    def _settled(self, ref_id: str) -> Payment:
        """The payment once the request that made it has had the host's first answer (or the
        wait is over): a repeat says what the first request says, not "still sending"."""
        deadline = time.monotonic() + self.settle_wait_s
        while True:
            payment = self.counter.find(ref_id)
            if payment is None:  # recorded by the other request: it cannot vanish
                raise LookupError(ref_id)
            if payment.state not in STILL_SENDING or time.monotonic() >= deadline:
                return payment
            time.sleep(self.poll_s)

    def status(self, ref_id: str) -> Answer:
        return payment_json(self._own(ref_id))

    def receipt(self, ref_id: str, kind: str) -> tuple[bytes, str]:
        """The slip as it stands now, as ESC/POS bytes, text, PNG or PDF: (content, media type)."""
        payment = self._own(ref_id)
        elements = self.counter.slip_for(payment)
        if not elements:
            raise PosError(
                "no_receipt", "Tidak ada struk: pembayaran gagal, uang pelanggan harus dikembalikan"
            )
        try:
            return receipt_as(kind, elements, self.counter.settings.print_options)
        except ValueError:
            raise PosError(
                "unsupported_format",
                f"Format struk {kind[:20]!r} tidak dikenal: escpos, text, png atau pdf",
            ) from None

    def reprint(self, ref_id: str) -> Answer:
        payment = self._own(ref_id)
        printed = self.counter.print_slip(payment.ref_id, reprint=True, actor=self.account_id)
        return {
            "ref_id": payment.ref_id,
            "printed": printed.printed,
            "print_message": printed.message,
        }

    def queue(self) -> Answer:
        """This POS's payments the host has not made final, oldest first."""
        mine = [p for p in self.counter.unsettled() if p.cashier_id == self.account_id]
        waiting = [p for p in mine if p.state in WAITING_TO_SEND]
        return {
            "count": len(mine),
            "amount": sum(p.total for p in mine),
            "waiting_to_send": len(waiting),
            "at_host": sum(1 for p in mine if p.state in IN_FLIGHT),
            "payments": [payment_json(p) for p in mine],
        }

    def _own(self, ref_id: str) -> Payment:
        """Only this POS account's payments: a counter cashier's are not the POS's to see."""
        payment = self.counter.find(ref_id) if len(ref_id) <= 64 else None
        if payment is None or payment.cashier_id != self.account_id:
            raise PosError("not_found", f"Pembayaran {ref_id[:64]} tidak ditemukan")
        return payment
