"""The counter's flow, headless: inquiry, payment, receipt. The TUI and the CLI both call this."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from loket.clock import Clock, iso
from loket.domain.billing import FamilyBill, counter_total
from loket.domain.money import format_rupiah
from loket.domain.numbers import CustomerNumberError, parse_customer_number
from loket.domain.outcomes import Outcome, cashier_message
from loket.domain.states import PaymentState
from loket.host.base import HostAdapter
from loket.printing import layouts
from loket.printing.backends import Delivery, PrinterError
from loket.printing.escpos_render import PrintOptions, render
from loket.printing.slip import Element
from loket.store import payments
from loket.store.models import Payment
from loket.sync.forwarder import Forwarder

S = PaymentState


class PaymentRefused(ValueError):
    """The payment was not taken (nothing recorded); the message is for the cashier."""


@dataclass(frozen=True)
class InquiryResult:
    bill: FamilyBill | None = None
    error: str = ""
    rc: str = ""
    host_down: bool = False


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    message: str
    elements: list[Element] = field(default_factory=list)


@dataclass
class CounterSettings:
    shop: layouts.Shop
    admin_fee: int = 2500
    admin_per_month: bool = False
    max_months_ahead: int = 12
    print_options: PrintOptions = field(default_factory=PrintOptions)
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

    @property
    def forwarder(self) -> Forwarder:
        return Forwarder(self.engine, self.host, self.clock)

    def admin_for(self, bill: FamilyBill) -> int:
        months = len(bill.periods) if self.settings.admin_per_month else 1
        return self.settings.admin_fee * months

    def total_for(self, bill: FamilyBill) -> int:
        return counter_total(bill.premium, self.admin_for(bill), 1)

    def inquire(self, text: str, months_ahead: int = 0) -> InquiryResult:
        try:
            number = parse_customer_number(text)
        except CustomerNumberError as exc:
            return InquiryResult(error=str(exc))
        months_ahead = max(0, min(months_ahead, self.settings.max_months_ahead))
        reply = self.host.inquiry(self.new_ref("INQ"), number.digits, months_ahead)
        if reply.outcome is Outcome.SUCCESS and reply.bill is not None:
            payments.remember_family(self.engine, reply.bill, iso(self.clock.now()))
            return InquiryResult(bill=reply.bill, rc=reply.rc)
        if reply.outcome is Outcome.UNKNOWN and not reply.rc:
            return InquiryResult(error=reply.message, host_down=True)
        return InquiryResult(error=cashier_message(reply.rc, reply.message), rc=reply.rc)

    def pay(self, bill: FamilyBill, cash: int, cashier_id: str) -> Payment:
        """Record first, then send; wait briefly for an unknown or pending outcome to settle."""
        total = self.total_for(bill)
        if cash < total:
            raise PaymentRefused(f"Uang kurang {format_rupiah(total - cash)}")
        payment = payments.new_payment(
            bill,
            ref_id=self.new_ref("PAY"),
            admin_fee=self.admin_for(bill),
            cash=cash,
            cashier_id=cashier_id,
            terminal_id=self.settings.shop.terminal_id,
            now=iso(self.clock.now()),
        )
        payments.record(self.engine, payment, actor=cashier_id, state=S.RECORDED)
        forwarder = self.forwarder
        result = forwarder.forward(payment.ref_id)
        for attempt in range(self.settings.resolve_tries):
            if result.state != S.UNKNOWN:
                break
            self.sleep(0.5 * 2**attempt)
            result = forwarder.forward(payment.ref_id)
        deadline = time.monotonic() + self.settings.pending_wait_s
        while result.state == S.PENDING and time.monotonic() < deadline:
            self.sleep(1.0)
            result = forwarder.forward(payment.ref_id)
        return result

    def slip_for(self, payment: Payment, reprint: int = 0) -> list[Element]:
        columns = self.settings.print_options.columns
        if payment.state == S.SUCCESS:
            return layouts.receipt(payment, self.settings.shop, columns, reprint)
        return layouts.provisional(payment, self.settings.shop, columns)

    def print_slip(self, payment: Payment, reprint: bool = False) -> PrintResult:
        """Print the receipt (or the provisional one); a failure never touches the payment."""
        official = payment.state == S.SUCCESS
        number = payment.print_count if (reprint and official and payment.print_count) else 0
        elements = self.slip_for(payment, number)
        try:
            self.delivery.send(render(elements, self.settings.print_options))
        except PrinterError as exc:
            return PrintResult(
                False, f"{exc}. Pembayaran tetap tersimpan; cetak ulang dari Riwayat.", elements
            )
        if official:
            payments.update(self.engine, payment.ref_id, print_count=payment.print_count + 1)
        label = f"Struk dicetak ulang (ke-{number})" if number else "Struk dicetak"
        return PrintResult(True, label if official else "Bukti terima sementara dicetak", elements)

    def print_test_page(self) -> PrintResult:
        opts = self.settings.print_options
        elements = layouts.test_page(
            self.settings.shop, opts.columns, iso(self.clock.now()), self.delivery.settings.backend
        )
        try:
            self.delivery.send(render(elements, opts))
        except PrinterError as exc:
            return PrintResult(False, str(exc), elements)
        return PrintResult(True, "Halaman uji dicetak", elements)
