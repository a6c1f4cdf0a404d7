"""After the cash is taken: the outcome in plain words, the money to hand over, and the receipt
as it printed."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Label, Static

from loket.domain.money import format_rupiah
from loket.domain.payment import Payment
from loket.domain.states import OWED_BACK, PaymentState, headline
from loket.printing.layouts import qr_payload
from loket.service.slips import PrintResult
from loket.tui import texts
from loket.tui.screens.base import LoketScreen
from loket.tui.screens.qr import QrScreen
from loket.tui.widgets.receipt_preview import ReceiptPreview
from loket.tui.widgets.status_line import StatusLine

S = PaymentState


def money_summary(payment: Payment) -> Group:
    """Who and how much; the last line, large, is the money the cashier hands over now: the change,
    or — for a payment the host refused — the customer's money back."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(justify="right", overflow="fold")
    if payment.host_sn:
        grid.add_row("No. Ref host", Text(payment.host_sn, style="bold"))
    grid.add_row("Ref loket", payment.ref_id)
    grid.add_row("Nama", payment.head_name)
    grid.add_row("Tagihan", f"{payment.member_count} orang × {payment.month_count} bulan")
    grid.add_row("Total bayar", format_rupiah(payment.total))
    grid.add_row("Tunai", format_rupiah(payment.cash))
    parts: list[Table | Text] = [grid]
    if S(payment.state) in OWED_BACK:
        big = Text.assemble(
            (f" {texts.GIVE_BACK} ", "bold"),
            (f" {format_rupiah(payment.total)} ", "bold"),
            style="bold white on red",
        )
        parts.append(big)
        if payment.change:
            parts.append(
                Text(
                    texts.GIVE_BACK_ALL.format(
                        change=format_rupiah(payment.change), cash=format_rupiah(payment.cash)
                    ),
                    style="bold",
                )
            )
    else:
        parts.append(
            Text.assemble(
                (" KEMBALI ", "bold"),
                (f" {format_rupiah(payment.change)} ", "bold"),
                style="bold reverse",
            )
        )
    return Group(*parts)


class ResultScreen(LoketScreen):
    BINDINGS = [
        Binding("f2,escape", "next_customer", "Berikutnya"),
        Binding("r", "reprint", "Cetak ulang"),
        Binding("q", "qr", "QR"),
        Binding("f4", "app.history", "Riwayat"),
        Binding("f1", "app.help", "Bantuan"),
        # the next card scanned (or typed): its first digit starts the next customer's number
        *(
            Binding(digit, f"next_number('{digit}')", show=False, priority=True)
            for digit in "0123456789"
        ),
    ]
    DEFAULT_CSS = """
    #result-main { width: 1fr; padding: 0 1; }
    #headline { text-style: bold; padding: 1 2; text-align: center; margin: 1 0 0 0; }
    #headline.SUCCESS { background: $success; color: $text; }
    #headline.PENDING, #headline.UNKNOWN, #headline.REJECTED, #headline.QUEUED,
    #headline.RECORDED, #headline.SENDING { background: $warning; color: $text; }
    #headline.REFUND_DUE, #headline.FAILED { background: $error; color: $text; }
    #summary { margin-top: 1; height: auto; }
    #explain { margin-top: 1; height: auto; }
    #warning { height: auto; color: $error; text-style: bold; display: none; }
    #warning.shown { display: block; }
    #print-status { height: auto; color: $text-muted; margin-top: 1; }
    #print-status.error { color: $error; text-style: bold; }
    ResultScreen.-narrow ReceiptPreview { display: none; }
    ResultScreen.-narrow #headline { padding: 0 1; }
    """

    class Printed(Message):
        def __init__(self, result: PrintResult) -> None:
            super().__init__()
            self.result = result

    def __init__(
        self, payment: Payment, printed: PrintResult | None = None, warning: str = ""
    ) -> None:
        super().__init__()
        self.payment = payment
        self.printed = printed
        self.warning = warning
        self.has_slip = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reprint", "qr") and not self.has_slip:
            return False  # a refused payment has no receipt
        return super().check_action(action, parameters)

    def compose(self) -> ComposeResult:
        state = S(self.payment.state)
        counter = self.runtime.counter
        elements = counter.slip_for(self.payment)
        self.has_slip = bool(elements)
        yield StatusLine()
        with Horizontal():
            with VerticalScroll(id="result-main"):
                yield Static(headline(state), id="headline", classes=str(state))
                yield Static(money_summary(self.payment), id="summary")
                explain = texts.RESULT_EXPLAIN.get(state, "")
                if self.payment.host_message and state != S.SUCCESS:
                    explain = f"{explain}\nHost: {self.payment.host_message}"
                yield Static(explain, id="explain")
                yield Static(self.warning, id="warning", classes="shown" if self.warning else "")
                yield Label("", id="print-status")
            yield ReceiptPreview(
                elements,
                counter.settings.print_options.columns,
                reason=self.printed.message if self.printed else "",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.printed is not None and self.has_slip:
            self._show_printed(self.printed)

    def _show_printed(self, result: PrintResult) -> None:
        label = self.query_one("#print-status", Label)
        label.set_class(not result.ok, "error")
        label.update(result.message)

    def action_reprint(self) -> None:
        self.busy = True  # one reprint at a time
        self.query_one("#print-status", Label).update(texts.REPRINTING)
        self.reprint()

    @work(thread=True, exclusive=True, exit_on_error=False, group="printer")
    def reprint(self) -> None:
        self.post_message(
            self.Printed(
                self.runtime.counter.print_slip(
                    self.payment.ref_id, reprint=True, actor=self.loket.cashier_id
                )
            )
        )

    def on_result_screen_printed(self, printed: Printed) -> None:
        self.busy = False
        self._show_printed(printed.result)
        if not printed.result.ok:
            self.loket.check_health()

    def action_qr(self) -> None:
        self.app.push_screen(QrScreen(qr_payload(self.payment), self.payment.ref_id))

    def action_next_customer(self) -> None:
        self.loket.next_customer()

    def action_next_number(self, digit: str) -> None:
        self.loket.next_customer(typed=digit)
