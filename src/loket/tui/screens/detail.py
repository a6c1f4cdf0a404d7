"""One payment in full (Enter in the history or the queue): what it is, every state it went
through and when, what the host answered, and its receipt."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Label, Static

from loket.clock import parse_iso
from loket.domain import times
from loket.domain.money import format_rupiah
from loket.domain.payment import Payment, StateChange
from loket.domain.states import label
from loket.printing.layouts import number_label, qr_payload
from loket.service.slips import NO_SLIP_FOR_FAILED, PrintResult
from loket.tui import texts
from loket.tui.screens.base import LoketScreen
from loket.tui.screens.qr import QrScreen
from loket.tui.widgets.receipt_preview import ReceiptPreview
from loket.tui.widgets.status_line import StatusLine


def _time(stamp: str) -> str:
    return parse_iso(stamp).strftime("%H:%M:%S") if stamp else "-"


def periods_text(p: Payment) -> str:
    """``3 bulan: SEP 2026, OKT 2026, NOV 2026``, or only ``3 bulan`` from a count-only host."""
    months = f"{p.month_count} bulan"
    return f"{months}: " + ", ".join(m.short_name for m in p.periods) if p.periods else months


def facts(p: Payment) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    rows: list[tuple[str, str | Text]] = [
        ("Status", Text(label(p.state), style="bold")),
        ("Ref loket", p.ref_id),
        ("No. Ref host", p.host_sn or "-"),
        (number_label(p.family_no), p.family_no),
        ("Nama", p.head_name),
        ("Peserta", f"{p.member_count} orang"),
        ("Periode", periods_text(p)),
        ("Total bayar", format_rupiah(p.total)),
        ("Tunai", format_rupiah(p.cash)),
        ("Kembali", format_rupiah(p.change)),
        ("Kasir", p.cashier_id),
        ("Dicatat", times.second(p.created_at)),
        ("Dicetak", f"{p.print_count}x"),
    ]
    if p.offline:
        rows.append(("Diterima", "offline"))
    for name, value in rows:
        grid.add_row(name, value)
    return grid


def timeline(changes: list[StateChange]) -> Table | Text:
    """Each change: when, from which state to which, and under it the host's answer (rc and
    words) and who moved it."""
    if not changes:
        return Text(texts.NO_STATE_CHANGES, style="dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for c in changes:
        start = f"{label(c.from_state)} → " if c.from_state else ""
        answer = " · ".join(
            part
            for part in (
                f"rc {c.rc}" if c.rc else "",
                c.message,
                f"oleh {c.actor}" if c.actor else "",
            )
            if part
        )
        step = Text.assemble(start, (label(c.to_state), "bold"))
        if answer:
            step.append(f"\n{answer}", style="dim")
        grid.add_row(_time(c.at), step)
    return grid


class PaymentDetail(LoketScreen):
    BINDINGS = [
        Binding("escape", "close", "Kembali"),
        Binding("r", "reprint", "Cetak ulang"),
        Binding("q", "qr", "QR"),
        Binding("f1", "app.help", "Bantuan"),
    ]
    DEFAULT_CSS = """
    #detail-main { width: 1fr; padding: 0 1; }
    #facts { height: auto; border: round $accent; padding: 0 1; }
    #timeline { height: auto; border: round $accent; padding: 0 1; }
    #detail-status { height: auto; color: $text-muted; }
    #detail-slip { width: auto; height: 1fr; }
    PaymentDetail.-narrow #detail-slip { display: none; }
    """

    class Loaded(Message):
        def __init__(self, payment: Payment | None, changes: list[StateChange]) -> None:
            super().__init__()
            self.payment, self.changes = payment, changes

    class Reprinted(Message):
        def __init__(self, result: PrintResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, ref_id: str) -> None:
        super().__init__()
        self.ref_id = ref_id
        self.payment: Payment | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Horizontal():
            with VerticalScroll(id="detail-main"):
                facts_box = Static(texts.LOADING, id="facts")
                facts_box.border_title = "Pembayaran"
                yield facts_box
                changes = Static("", id="timeline")
                changes.border_title = "Riwayat status dan jawaban host"
                yield changes
                yield Label("", id="detail-status")
            yield Vertical(id="detail-slip")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reprint", "qr") and self.payment is None:
            return None
        return super().check_action(action, parameters)

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def load(self) -> None:
        counter = self.runtime.counter
        self.post_message(self.Loaded(counter.find(self.ref_id), counter.history_of(self.ref_id)))

    async def on_payment_detail_loaded(self, loaded: Loaded) -> None:
        payment = self.payment = loaded.payment
        self.refresh_bindings()
        if payment is None:
            self.query_one("#facts", Static).update(texts.PAYMENT_NOT_FOUND.format(ref=self.ref_id))
            return
        self.query_one("#facts", Static).update(facts(payment))
        self.query_one("#timeline", Static).update(timeline(loaded.changes))
        counter = self.runtime.counter
        slip = self.query_one("#detail-slip", Vertical)
        await slip.remove_children()
        await slip.mount(
            ReceiptPreview(
                counter.slip_for(payment),
                counter.settings.print_options.columns,
                reason=NO_SLIP_FOR_FAILED,
            )
        )

    def action_reprint(self) -> None:
        self.busy = True
        self.query_one("#detail-status", Label).update(texts.REPRINTING)
        self.reprint()

    @work(thread=True, exclusive=True, exit_on_error=False, group="printer")
    def reprint(self) -> None:
        self.post_message(
            self.Reprinted(
                self.runtime.counter.print_slip(
                    self.ref_id, reprint=True, actor=self.loket.cashier_id
                )
            )
        )

    def on_payment_detail_reprinted(self, printed: Reprinted) -> None:
        self.busy = False
        self.query_one("#detail-status", Label).update(printed.result.message)
        self.load()

    def action_qr(self) -> None:
        if self.payment is not None:
            self.app.push_screen(QrScreen(qr_payload(self.payment), self.payment.ref_id))

    def action_close(self) -> None:
        self.loket.close_screen(self)
