"""F6: every payment that is not final yet, oldest first — and the refunds owed."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from loket.clock import parse_iso
from loket.domain.money import format_rupiah
from loket.domain.payment import Payment
from loket.domain.states import SETTLEMENT_LIMIT, PaymentState, label
from loket.errors import LoketError
from loket.service.slips import PrintResult
from loket.tui import texts
from loket.tui.screens.base import Dialog, LoketScreen
from loket.tui.screens.detail import PaymentDetail
from loket.tui.screens.owner_approval import OwnerApproval
from loket.tui.widgets.status_line import StatusLine, age
from loket.tui.widgets.tables import selected_key, selected_row

S = PaymentState


class RefundConfirm(Dialog[bool]):
    BINDINGS = [
        Binding("enter", "answer(True)", "Sudah dikembalikan"),
        Binding("escape", "answer(False)", "Batal"),
    ]
    DEFAULT_CSS = """
    #refund-box { width: 60; border: thick $error; padding: 1 2; }
    """

    def __init__(self, payment: Payment) -> None:
        super().__init__()
        self.payment = payment

    def compose(self) -> ComposeResult:
        with Vertical(id="refund-box", classes="dialog-box") as box:
            box.border_title = "Pengembalian uang"
            yield Static(
                texts.REFUND_CONFIRM.format(
                    amount=format_rupiah(self.payment.total), name=self.payment.head_name
                )
            )
            yield Static(
                texts.REFUND_REF_REASON.format(
                    ref=self.payment.ref_id, reason=self.payment.host_message or "-"
                )
            )
        yield Footer(compact=True)

    def action_answer(self, yes: bool) -> None:
        self.decide(yes)


class QueueScreen(LoketScreen):
    BINDINGS = [
        Binding("k", "refund", "Kembalikan uang"),
        Binding("enter", "open", "Rincian", priority=True),
        Binding("c", "check", "Cek sekarang"),
        Binding("escape", "close", "Kembali"),
        Binding("f1", "app.help", "Bantuan"),
    ]
    DEFAULT_CSS = """
    QueueScreen { padding: 0 1; }
    #queue { height: 1fr; }
    #queue-status { height: auto; color: $text-muted; }
    """

    class Loaded(Message):
        def __init__(self, found: list[Payment]) -> None:
            super().__init__()
            self.found = found

    class RefundChecked(Message):
        """Whether the money may be handed back now; ``reason`` says why not."""

        def __init__(self, payment: Payment, reason: str) -> None:
            super().__init__()
            self.payment, self.reason = payment, reason

    class Refunded(Message):
        def __init__(self, printed: PrintResult | None, error: str = "") -> None:
            super().__init__()
            self.printed, self.error = printed, error

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, Payment] = {}

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(texts.QUEUE_TITLE, id="queue-title")
        table: DataTable[str] = DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        table.add_columns("Umur", "Batas 2x24j", "Status", "Nama", "Total", "Coba", "Pesan host")
        yield table
        yield Label(texts.LOADING, id="queue-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()
        self.query_one("#queue", DataTable).focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def load(self) -> None:
        self.post_message(self.Loaded(self.runtime.counter.unsettled()))

    def on_queue_screen_loaded(self, loaded: Loaded) -> None:
        now = self.runtime.clock.now()
        table = self.query_one("#queue", DataTable)
        keep = selected_key(table)
        table.clear()
        found = loaded.found
        self.rows = {p.ref_id: p for p in found}
        for p in found:
            waited = now - parse_iso(p.created_at)
            left = SETTLEMENT_LIMIT - waited
            sla = (
                Text(texts.QUEUE_LEFT.format(age=age(left)))
                if left > timedelta(0)
                else Text(texts.QUEUE_LATE.format(age=age(-left)), style="bold red")
            )
            table.add_row(
                age(waited),
                sla,
                label(p.state),
                p.head_name[:14],
                format_rupiah(p.total),
                str(p.attempts),
                (p.host_message or "-")[:24],
                key=p.ref_id,
            )
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(keep))
        due = [p for p in found if p.state == S.REFUND_DUE]
        summary = texts.QUEUE_SUMMARY.format(count=len(found))
        if due:
            summary += texts.QUEUE_REFUNDS_DUE.format(
                count=len(due), amount=format_rupiah(sum(p.total for p in due))
            )
        self.query_one("#queue-status", Label).update(summary)

    def _selected(self) -> Payment | None:
        return selected_row(self.query_one("#queue", DataTable), self.rows)

    def action_check(self) -> None:
        self.query_one("#queue-status", Label).update(texts.QUEUE_CHECKING)
        self.loket.action_sync_now()

    def action_open(self) -> None:
        payment = self._selected()
        if payment is not None:
            self.app.push_screen(PaymentDetail(payment.ref_id))

    def action_refund(self) -> None:
        payment = self._selected()
        if payment is None or payment.state != S.REFUND_DUE:
            self.notify(texts.QUEUE_PICK_REFUND, severity="warning")
            return
        self.busy = True  # until the counter says the money may be handed back
        self.check_refund(payment)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def check_refund(self, payment: Payment) -> None:
        """Before the cashier is asked to hand the money over: an open shift's drawer pays."""
        try:
            self.runtime.counter.ready_to_refund(payment.ref_id, self.loket.cashier_id)
        except LoketError as exc:
            self.post_message(self.RefundChecked(payment, str(exc)))
            return
        self.post_message(self.RefundChecked(payment, ""))

    def on_queue_screen_refund_checked(self, checked: RefundChecked) -> None:
        self.busy = False
        if checked.reason:
            self.notify(checked.reason, severity="error")
            return
        if not self.is_active:
            return
        payment = checked.payment

        def approved(owner_id: str | None) -> None:
            if owner_id and self.is_active and not self.busy:
                self.busy = True
                self.refund(payment.ref_id, owner_id)

        def confirmed(yes: bool | None) -> None:
            if not yes or not self.is_active:
                return
            if self.loket.is_owner:
                approved(self.loket.cashier_id)
            else:  # a cashier pays back only with the owner's approval
                self.app.push_screen(
                    OwnerApproval(
                        texts.REFUND_APPROVAL_WHY.format(
                            amount=format_rupiah(payment.total), name=payment.head_name
                        )
                    ),
                    approved,
                )

        self.app.push_screen(RefundConfirm(payment), confirmed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="printer")
    def refund(self, ref_id: str, approved_by: str) -> None:
        try:
            _payment, printed = self.runtime.counter.refund(
                ref_id, self.loket.cashier_id, approved_by
            )
        except LoketError as exc:
            self.post_message(self.Refunded(None, str(exc)))
            return
        self.post_message(self.Refunded(printed))

    def on_queue_screen_refunded(self, refunded: Refunded) -> None:
        self.busy = False
        if refunded.printed is None:
            self.notify(refunded.error, severity="error")
            return
        printed = refunded.printed
        self.notify(
            texts.REFUND_RECORDED.format(printed=printed.message),
            severity="information" if printed.ok else "error",
        )
        self.load()
        self.loket.check_health()

    def action_close(self) -> None:
        self.loket.close_screen(self)
