"""Printing slips: a failure is reported, never allowed to touch the payment."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from loket.printing import layouts
from loket.printing.backends import Delivery, PrinterError
from loket.printing.escpos_render import PrintOptions, render
from loket.printing.slip import Element
from loket.store import payments
from loket.store.models import Payment

SUCCESS = "SUCCESS"


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    message: str
    elements: list[Element] = field(default_factory=list)


@dataclass
class SlipPrinter:
    engine: Engine
    shop: layouts.Shop
    options: PrintOptions
    delivery: Delivery

    def slip_for(self, payment: Payment, reprint: int = 0) -> list[Element]:
        """The official receipt once the host confirmed; a provisional one before that."""
        if payment.state == SUCCESS:
            return layouts.receipt(payment, self.shop, self.options.columns, reprint)
        return layouts.provisional(payment, self.shop, self.options.columns)

    def send(self, elements: list[Element]) -> str | None:
        """Print; the cashier's words for what went wrong, or None."""
        try:
            self.delivery.send(render(elements, self.options))
        except PrinterError as exc:
            return str(exc)
        return None

    def print_payment(self, payment: Payment, reprint: bool = False) -> PrintResult:
        official = payment.state == SUCCESS
        number = payment.print_count if (reprint and official and payment.print_count) else 0
        elements = self.slip_for(payment, number)
        error = self.send(elements)
        if error:
            return PrintResult(False, f"{error}. Pembayaran tetap tersimpan; cetak ulang dari Riwayat.",
                               elements)
        if official:
            payments.update(self.engine, payment.ref_id, print_count=payment.print_count + 1)
            return PrintResult(True, f"Struk dicetak ulang (ke-{number})" if number
                               else "Struk dicetak", elements)
        return PrintResult(True, "Bukti terima sementara dicetak", elements)

    def print_refund(self, payment: Payment, refunded_at: str) -> PrintResult:
        elements = layouts.refund(payment, self.shop, self.options.columns, refunded_at)
        error = self.send(elements)
        if error:
            return PrintResult(False, f"{error}. Pengembalian tetap tercatat.", elements)
        return PrintResult(True, "Bukti pengembalian dicetak", elements)

    def print_test_page(self, printed_at: str) -> PrintResult:
        elements = layouts.test_page(self.shop, self.options.columns, printed_at,
                                     self.delivery.settings.backend)
        error = self.send(elements)
        return PrintResult(error is None, error or "Halaman uji dicetak", elements)
