"""Printing slips: a failure is reported, never allowed to touch the payment."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine

from loket.domain.payment import Payment
from loket.domain.states import CLOSED_UNPAID, PaymentState
from loket.printing import layouts
from loket.printing.backends import Delivery, PrinterError
from loket.printing.escpos_render import PrintOptions, render
from loket.printing.slip import Element
from loket.store import payments
from loket.store.changes import PaymentChange

log = logging.getLogger("loket.printing")
NO_SLIP_FOR_FAILED = "Tidak ada struk: pembayaran gagal, uang pelanggan harus dikembalikan"


@dataclass(frozen=True)
class PrintResult:
    ok: bool  # nothing went wrong (also when there was nothing to print)
    message: str
    elements: list[Element] = field(default_factory=list)  # the slip, printed or not

    @property
    def printed(self) -> bool:
        """A slip went to the printer and the printer took it: not when it failed, and not
        when there was none to print (a failed payment's cash goes back instead)."""
        return self.ok and bool(self.elements)


@dataclass
class SlipPrinter:
    engine: Engine
    shop: layouts.Shop
    options: PrintOptions
    delivery: Delivery

    def slip_for(self, payment: Payment, reprint: int = 0) -> list[Element]:
        """The official receipt once the host confirmed; a provisional one while it may still
        go through; nothing for a payment known to have failed (the cash goes back instead)."""
        if payment.state is PaymentState.SUCCESS:
            return layouts.receipt(payment, self.shop, self.options.columns, reprint)
        if payment.state in CLOSED_UNPAID:
            return []
        return layouts.provisional(payment, self.shop, self.options.columns)

    def send(self, elements: list[Element]) -> str | None:
        """Print; the cashier's words for what went wrong, or None. Never raises: whatever the
        printer or the renderer does, the payment it is for stays as it is."""
        try:
            self.delivery.send(render(elements, self.options))
        except PrinterError as exc:
            return str(exc)
        except Exception:  # a bug in rendering must not fail a recorded payment
            log.exception("rendering a slip failed")
            return "Struk tidak dapat dibuat (kesalahan tak terduga, lihat log)"
        return None

    def print_payment(self, payment: Payment, reprint: bool = False) -> PrintResult:
        official = payment.state is PaymentState.SUCCESS
        number = payment.print_count if (reprint and official and payment.print_count) else 0
        elements = self.slip_for(payment, number)
        if not elements:
            return PrintResult(True, NO_SLIP_FOR_FAILED)
        error = self.send(elements)
        if error:
            return PrintResult(
                False, f"{error}. Pembayaran tetap tersimpan; cetak ulang dari Riwayat.", elements
            )
        if official:
            try:
                payments.update(
                    self.engine, payment.ref_id, PaymentChange(print_count=payment.print_count + 1)
                )
            except Exception:  # the slip is out; a count that cannot be written must not undo it
                log.exception("counting a printed receipt failed")
            return PrintResult(
                True, f"Struk dicetak ulang (ke-{number})" if number else "Struk dicetak", elements
            )
        return PrintResult(True, "Bukti terima sementara dicetak", elements)

    def print_refund(self, payment: Payment, refunded_at: str) -> PrintResult:
        elements = layouts.refund(payment, self.shop, self.options.columns, refunded_at)
        error = self.send(elements)
        if error:
            return PrintResult(False, f"{error}. Pengembalian tetap tercatat.", elements)
        return PrintResult(True, "Bukti pengembalian dicetak", elements)

    def print_test_page(self, printed_at: str) -> PrintResult:
        elements = layouts.test_page(
            self.shop, self.options.columns, printed_at, self.delivery.settings.backend
        )
        error = self.send(elements)
        return PrintResult(error is None, error or "Halaman uji dicetak", elements)
