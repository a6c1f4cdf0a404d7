"""After the cash is taken: the outcome in plain words, and the receipt as it prints."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, LoadingIndicator, Static

from loket.domain.money import format_rupiah
from loket.domain.payment import Payment
from loket.domain.states import PaymentState, headline
from loket.printing.layouts import qr_payload
from loket.service.slips import PrintResult
from loket.tui import texts
from loket.tui.widgets.qr import qr_text
from loket.tui.widgets.receipt_preview import ReceiptPreview
from loket.tui.widgets.status_line import StatusLine

S = PaymentState


class QrScreen(ModalScreen[None]):
    """The receipt's QR, big and alone, for the customer to scan or photograph."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Tutup")]
    DEFAULT_CSS = """
    QrScreen { align: center middle; }
    #qr-box { width: auto; height: auto; border: round $accent; padding: 0 1; background: white; }
    """

    def __init__(self, payload: str) -> None:
        super().__init__()
        self.payload = payload

    def compose(self) -> ComposeResult:
        with Vertical(id="qr-box") as box:
            box.border_title = "QR struk"
            box.border_subtitle = "Esc tutup"
            yield Static(qr_text(self.payload))


class ProcessingScreen(ModalScreen[None]):
    """Shown while a payment is recorded and sent; it cannot be dismissed by the cashier."""

    DEFAULT_CSS = """
    ProcessingScreen { align: center middle; }
    #processing { width: 50; height: 7; border: thick $warning; background: $surface; }
    #processing Label { width: 100%; text-align: center; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="processing"):
            yield LoadingIndicator()
            yield Label(texts.PAYING)


def _summary(payment: Payment) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim")
    grid.add_column(justify="right")
    if payment.host_sn:
        grid.add_row("No. Ref host", Text(payment.host_sn, style="bold"))
    grid.add_row("Ref loket", payment.ref_id)
    grid.add_row("Nama", payment.head_name)
    grid.add_row("Total bayar", format_rupiah(payment.total))
    grid.add_row("Tunai", format_rupiah(payment.cash))
    grid.add_row(
        Text("KEMBALI", style="bold"), Text(format_rupiah(payment.change), style="bold reverse")
    )
    return grid


class ResultScreen(Screen):
    BINDINGS = [
        Binding("f2,escape", "next_customer", "Berikutnya"),
        Binding("r", "reprint", "Cetak ulang"),
        Binding("q", "qr", "QR"),
    ]
    DEFAULT_CSS = """
    #result-main { width: 1fr; padding: 0 1; }
    #headline { text-style: bold; padding: 1 2; text-align: center; margin: 1 0; }
    #headline.SUCCESS { background: $success; color: $text; }
    #headline.PENDING, #headline.UNKNOWN, #headline.REJECTED, #headline.QUEUED,
    #headline.RECORDED { background: $warning; color: $text; }
    #headline.REFUND_DUE, #headline.FAILED { background: $error; color: $text; }
    #explain { margin: 1 0; height: auto; }
    #print-status { height: auto; color: $text-muted; }
    #print-status.error { color: $error; text-style: bold; }
    """

    def __init__(self, payment: Payment, auto_print: bool = True) -> None:
        super().__init__()
        self.payment = payment
        self.auto_print = auto_print

    def compose(self) -> ComposeResult:
        state = S(self.payment.state)
        counter = self.app.runtime.counter
        yield StatusLine()
        with Horizontal():
            with Vertical(id="result-main"):
                yield Static(
                    headline(state), id="headline", classes=str(state)
                )
                yield Static(_summary(self.payment))
                explain = texts.RESULT_EXPLAIN.get(state, "")
                if self.payment.host_message and state != S.SUCCESS:
                    explain = f"{explain}\nHost: {self.payment.host_message}"
                yield Static(explain, id="explain")
                yield Label("Mencetak…" if self.auto_print else "", id="print-status")
            yield ReceiptPreview(
                counter.slip_for(self.payment), counter.settings.print_options.columns
            )
        yield Footer()

    def on_mount(self) -> None:
        if self.auto_print:
            self.print_slip(reprint=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="printer")
    def print_slip(self, reprint: bool) -> None:
        result = self.app.runtime.counter.print_slip(self.payment.ref_id, reprint=reprint,
                                                     actor=self.app.cashier_id)
        self.app.call_from_thread(self._printed, result)

    def _printed(self, result: PrintResult) -> None:
        label = self.query_one("#print-status", Label)
        label.set_class(not result.ok, "error")
        label.update(result.message)
        if not result.ok:
            self.app.refresh_health()

    def action_reprint(self) -> None:
        self.query_one("#print-status", Label).update("Mencetak ulang…")
        self.print_slip(reprint=True)

    def action_qr(self) -> None:
        self.app.push_screen(QrScreen(qr_payload(self.payment)))

    def action_next_customer(self) -> None:
        self.app.next_customer()
