"""The counter's flow, headless: inquiry, payment (online or queued), refunds, slips.

The TUI and the CLI both call this; nothing here knows about screens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.domain.attempts import AttemptState
from loket.domain.billing import FamilyBill, counter_total
from loket.domain.money import MAX_AMOUNT, format_rupiah
from loket.domain.months import Month
from loket.domain.numbers import CustomerNumberError, parse_customer_number
from loket.domain.offline import OfflineLimits
from loket.domain.outcomes import Meaning, Outcome
from loket.domain.payment import (
    Payment,
    StateChange,
    already_sold,
    covered_through,
    covering,
    first_claimed,
)
from loket.domain.states import PaymentState
from loket.errors import LoketError
from loket.host.base import HostAdapter
from loket.printing import layouts
from loket.printing.backends import Delivery
from loket.printing.escpos_render import PrintOptions
from loket.printing.slip import Element
from loket.service.access import require_owner
from loket.service.inquiry import InquiryResult, paid_up
from loket.service.offline import OfflineDesk
from loket.service.shift_desk import ShiftDesk
from loket.service.slips import PrintResult, SlipPrinter
from loket.store import anchor, audit, families, payments, shifts
from loket.store.changes import NewAttempt, PaymentChange
from loket.store.writing import Writing
from loket.sync.forwarder import Forwarder

S = PaymentState


class PaymentRefused(LoketError):
    """The payment was not taken (nothing recorded); the message is for the cashier."""


NO_SHIFT = "Buka shift dulu (F8): setiap pembayaran masuk ke satu shift"
NO_SHIFT_REFUND = "Buka shift dulu (F8): uang kembali diambil dari laci shift"

# Told each step of a payment at the counter (recorded, then each answer while it settles), so a
# screen can say what is happening. Called on the paying thread; it must not raise.
Progress = Callable[[Payment], None]


@dataclass
class CounterSettings:
    shop: layouts.Shop
    admin_fee: int = 2500
    admin_per_month: bool = False
    max_months_ahead: int = 12
    print_options: PrintOptions = field(default_factory=PrintOptions)
    offline: OfflineLimits = field(default_factory=OfflineLimits)
    resolve_tries: int = 3  # status queries right after an unknown outcome
    pending_wait_s: float = 8.0  # how long the counter waits for a pending payment


@dataclass
class CounterService:
    engine: Engine
    host: HostAdapter
    clock: Clock
    settings: CounterSettings
    delivery: Delivery
    new_ref: Callable[[str], str]
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self.slips = SlipPrinter(
            self.engine, self.settings.shop, self.settings.print_options, self.delivery
        )
        self.offline = OfflineDesk(self.engine, self.clock, self.settings)
        self.shifts = ShiftDesk(self.engine, self.clock, self.slips)

    @property
    def forwarder(self) -> Forwarder:
        return Forwarder(self.engine, self.host, self.clock, on_success=self._paid)

    def _paid(self, w: Writing, payment: Payment) -> None:
        """In the transaction that confirms the payment: the family's paid month moves on."""
        last = covered_through(payment)
        if last is None:
            return
        confirmed = (
            None
            if payment.periods
            else (  # count-only: its price for one month
                payment.premium,
                payment.month_count,
                payment.paid_at or payment.updated_at,
            )
        )
        # the number the family is known by: a count-only host asked by card gives no VA
        families.mark_paid_in(w, payment.family_no, last, confirmed=confirmed)

    @property
    def pays_ahead(self) -> bool:
        """Whether months ahead can be sold here: the host sells them and the owner allows."""
        return bool(self.host.pays_ahead) and self.settings.max_months_ahead > 0

    def total_for(self, bill: FamilyBill) -> int:
        """What the customer pays: the premium and the counter's admin fee."""
        return counter_total(
            bill.premium, self.settings.admin_fee, bill.month_count, self.settings.admin_per_month
        )

    def admin_for(self, bill: FamilyBill) -> int:
        return self.total_for(bill) - bill.premium

    # -- inquiry ----------------------------------------------------------------------------
    def inquire(self, text: str, months_ahead: int = 0) -> InquiryResult:
        try:
            number = parse_customer_number(text)
        except CustomerNumberError as exc:
            return InquiryResult(error=str(exc))
        limit = self.settings.max_months_ahead
        if not 0 <= months_ahead <= limit:
            return InquiryResult(error=f"Bulan bayar di muka harus 0 sampai {limit}")
        # the host's own reference: for a host that pays its inquiry, the payment's first attempt
        reply = self.host.inquiry(
            self.host.new_ref(self.new_ref("INQ"), 1), number.digits, months_ahead
        )
        if reply.outcome is Outcome.SUCCESS and reply.bill is not None:
            bill = reply.bill
            families.remember(self.engine, bill, iso(self.clock.now()))
            # the host does not know yet of a payment this counter took and has not forwarded
            other = covering(
                payments.months_sold(self.engine, bill.family_no),
                first_claimed(bill, Month.of(self.clock.now())),
            )
            return InquiryResult(
                bill=bill, rc=reply.rc, refusal=already_sold(other) if other else ""
            )
        if not reply.answered:  # the host cannot be reached: the only case offline pricing is for
            quote = self.offline.quote(number.digits, months_ahead)
            if quote.paid_through is not None:  # nothing left: the months after may be sold
                found = self._paid_up(
                    number.digits, months_ahead, reply.message, "", quote.paid_through
                )
                return replace(found, host_down=True, refusal=quote.refusal)
            return InquiryResult(
                bill=quote.bill, error=reply.message, host_down=True, refusal=quote.refusal
            )
        error = reply.cashier_text or reply.message
        if reply.meaning is Meaning.ALREADY_PAID:
            return self._paid_up(number.digits, months_ahead, error, reply.rc)
        return InquiryResult(error=error, rc=reply.rc)

    def _paid_up(
        self, digits: str, months_ahead: int, error: str, rc: str, known: Month | None = None
    ) -> InquiryResult:
        if known is None:
            cached = families.find(self.engine, digits)
            known = families.known(cached).paid_through if cached else None
        limit = self.settings.max_months_ahead if self.pays_ahead else 0
        return paid_up(
            error,
            rc,
            Month.of(self.clock.now()) + months_ahead,
            known,
            Month.of(self.clock.now()),
            limit,
        )

    # -- payment ----------------------------------------------------------------------------
    def ready_to_take(self, cashier_id: str) -> None:
        """Before the cash is taken: a payment can only be recorded into an open shift."""
        if shifts.current(self.engine, cashier_id) is None:
            raise PaymentRefused(NO_SHIFT)

    def pay(
        self,
        bill: FamilyBill,
        cash: int,
        cashier_id: str,
        progress: Progress | None = None,
        ref_id: str | None = None,
    ) -> Payment:
        """Record first, then send; an offline bill is recorded QUEUED for the forwarder.
        ``ref_id``: the caller's own reference (service/pos.py), refused by the store's UNIQUE
        ref_id (``DuplicateRef``) when a payment already has it."""
        total = self.total_for(bill)
        if not 0 < total <= MAX_AMOUNT or not 0 <= cash <= MAX_AMOUNT:
            raise PaymentRefused(f"Jumlah di luar batas {format_rupiah(MAX_AMOUNT)}")
        if cash < total:
            raise PaymentRefused(f"Uang kurang {format_rupiah(total - cash)}")
        shift = shifts.current(self.engine, cashier_id)
        if shift is None:
            raise PaymentRefused(NO_SHIFT)
        offline = bill.priced_offline
        if offline:
            refusal = self.offline.check(bill, total)
            if refusal:
                raise PaymentRefused(refusal)
        payment = payments.new_payment(
            bill,
            ref_id=ref_id or self.new_ref("PAY"),
            admin_fee=self.admin_for(bill),
            cash=cash,
            cashier_id=cashier_id,
            terminal_id=self.settings.shop.terminal_id,
            now=iso(self.clock.now()),
            offline=offline,
        )
        state = S.QUEUED if offline else S.RECORDED
        payment.shift_id = shift.id
        claim = payments.Claim(bill.family_no, first_claimed(bill, Month.of(self.clock.now())))
        forwarder = self.forwarder
        quote = self._quote_of(bill)
        try:  # one commit before the host is called: the payment and its call's attempt
            with Writing(self.engine) as w:
                recorded = w.record(payment, actor=cashier_id, state=state, claim=claim)
                if quote is not None:
                    w.add_attempt(recorded.id, quote)
                sending = None if offline else forwarder.start(w, recorded)
        except payments.FamilyTaken as taken:  # taken meanwhile (another cashier, the POS)
            raise PaymentRefused(already_sold(taken.other)) from None
        tell = progress or (lambda _p: None)
        tell(recorded)
        if offline:
            result = recorded
        else:
            first = (
                forwarder.send(sending)
                if sending is not None
                else forwarder.forward(recorded.ref_id)
            )
            result = self._settle(forwarder, first, tell)
        anchor.acknowledge(self.engine)  # what the customer is told now must survive the disk
        return result

    def _quote_of(self, bill: FamilyBill) -> NewAttempt | None:
        """A host that pays its own inquiry: the inquiry the cashier just made is the payment's
        first attempt, written with it (no second inquiry, nothing paid twice)."""
        if not (self.host.quote_first and bill.quote_ref) or bill.priced_offline:
            return None
        inquired_at = bill.inquired_at or iso(self.clock.now())
        return NewAttempt(
            bill.quote_ref,
            AttemptState.INQUIRED,
            inquired_at,
            host_tx=bill.quote_tx,
            quoted_premium=bill.premium,
            inquired_at=inquired_at,
        )

    def _settle(self, forwarder: Forwarder, first: Payment, tell: Progress) -> Payment:
        """After the first send: wait briefly for an unknown or pending outcome to settle."""
        ref_id = first.ref_id
        result = self._answered_elsewhere(first)
        tell(result)
        for attempt in range(self.settings.resolve_tries):
            if result.state != S.UNKNOWN:
                break
            self.sleep(0.5 * 2**attempt)
            result = forwarder.forward(ref_id)
            tell(result)
        deadline = time.monotonic() + self.settings.pending_wait_s
        while result.state == S.PENDING and time.monotonic() < deadline:
            self.sleep(1.0)
            result = forwarder.forward(ref_id)
            tell(result)
        return result

    def _answered_elsewhere(self, result: Payment) -> Payment:
        """The background forwarder took the payment on its way: its call has a total deadline,
        so wait for its answer rather than tell the cashier "Mengirim"."""
        limit = float(getattr(self.host, "total_timeout_s", 20.0)) + 5.0
        deadline = time.monotonic() + limit
        while result.state == S.SENDING and time.monotonic() < deadline:
            time.sleep(0.05)
            result = payments.get(self.engine, result.ref_id) or result
        return result

    def ready_to_refund(self, ref_id: str, cashier_id: str) -> int:
        """Before the cashier hands money back: it comes from an open shift's drawer, for a
        payment still owed back. Returns that shift's id."""
        shift = shifts.current(self.engine, cashier_id)
        if shift is None:
            raise PaymentRefused(NO_SHIFT_REFUND)
        found = payments.get(self.engine, ref_id)
        if found is None or found.state is not S.REFUND_DUE:
            raise PaymentRefused("Pembayaran ini tidak berstatus 'Uang harus dikembalikan'")
        return shift.id

    def refund(self, ref_id: str, cashier_id: str, approved_by: str) -> tuple[Payment, PrintResult]:
        """The cashier paid the customer back from their drawer, with the owner's approval:
        mark it, and print the refund slip."""
        require_owner(self.engine, approved_by)
        shift_id = self.ready_to_refund(ref_id, cashier_id)
        now = iso(self.clock.now())
        payment = payments.transition(
            self.engine,
            ref_id,
            S.REFUNDED,
            actor=cashier_id,
            now=now,
            note=f"dikembalikan oleh {cashier_id}, disetujui {approved_by}",
            change=PaymentChange(refund_shift_id=shift_id),
        )
        anchor.acknowledge(self.engine)
        return payment, self.slips.print_refund(payment, now)

    # -- what happened ----------------------------------------------------------------------
    def today(self, search: str = "") -> list[Payment]:
        """Today's payments, newest first, optionally searched by number, name or ref."""
        return self.on_day(self.clock.now().date().isoformat(), search)

    def on_day(self, day: str, search: str = "") -> list[Payment]:
        """A day's payments (``YYYY-MM-DD``, WIB), newest first, optionally searched."""
        return payments.of_day(self.engine, day, search.strip())

    def find(self, ref_id: str) -> Payment | None:
        return payments.get(self.engine, ref_id)

    def history_of(self, ref_id: str) -> list[StateChange]:
        return payments.events(self.engine, ref_id)

    def unsettled(self) -> list[Payment]:
        """Everything not final yet, oldest first: the queue and exceptions screen."""
        return payments.unsettled(self.engine)

    # -- slips ------------------------------------------------------------------------------
    def slip_for(self, payment: Payment, reprint: int = 0) -> list[Element]:
        return self.slips.slip_for(payment, reprint)

    def print_slip(self, ref_id: str, reprint: bool = False, actor: str = "") -> PrintResult:
        """The payment's slip as it stands now (fresh from the store: it may have been confirmed
        since the screen was drawn). A reprint is audited."""
        payment = payments.get(self.engine, ref_id)
        if payment is None:
            return PrintResult(False, f"Pembayaran {ref_id} tidak ditemukan")
        result = self.slips.print_payment(payment, reprint)
        if reprint and result.printed:  # no slip, no reprint to audit
            audit.log(
                self.engine,
                iso(self.clock.now()),
                actor or "?",
                "reprint",
                ref_id=payment.ref_id,
                state=str(payment.state),
            )
        return result

    def print_test_page(self) -> PrintResult:
        return self.slips.print_test_page(iso(self.clock.now()))
