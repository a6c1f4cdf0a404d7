"""Today's payments: search by number, name or ref; R reprints the selected one."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label

from loket.domain.money import format_rupiah
from loket.domain.payment import Payment
from loket.domain.states import PaymentState, label
from loket.service.slips import PrintResult
from loket.tui.widgets.status_line import StatusLine
from loket.tui.widgets.tables import selected_key


class HistoryScreen(Screen):
    BINDINGS = [
        Binding("escape,f4", "app.pop_screen", "Kembali"),
        Binding("r", "reprint", "Cetak ulang"),
        Binding("enter", "open", "Lihat", show=False),
    ]
    DEFAULT_CSS = """
    HistoryScreen { padding: 0 1; }
    #search { border: round $accent; height: 3; }
    #history { height: 1fr; }
    #history-status { height: 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, Payment] = {}

    def compose(self) -> ComposeResult:
        yield StatusLine()
        search = Input(placeholder="Cari nomor, nama atau ref…", id="search")
        search.border_title = "Riwayat hari ini"
        yield search
        table = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        table.add_columns("Jam", "No. VA", "Nama", "Total", "Status", "Ref")
        yield table
        yield Label("", id="history-status")
        yield Footer()

    def on_mount(self) -> None:
        self.load("")
        self.query_one("#history", DataTable).focus()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.load(event.value.strip())

    @on(Input.Submitted, "#search")
    def _to_table(self) -> None:
        self.query_one("#history", DataTable).focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def load(self, search: str) -> None:
        found = self.app.runtime.counter.today(search)
        self.app.call_from_thread(self._fill, found)

    def _fill(self, found: list[Payment]) -> None:
        table = self.query_one("#history", DataTable)
        table.clear()
        self.rows = {p.ref_id: p for p in found}
        for p in found:
            table.add_row(
                p.created_at[11:16],
                p.va_no,
                p.head_name[:18],
                format_rupiah(p.total),
                label(p.state),
                p.ref_id,
                key=p.ref_id,
            )
        total = sum(p.total for p in found if p.state == PaymentState.SUCCESS)
        self.query_one("#history-status", Label).update(
            f"{len(found)} transaksi · lunas {format_rupiah(total)} · R cetak ulang · Enter lihat"
        )

    def _selected(self) -> Payment | None:
        return self.rows.get(selected_key(self.query_one("#history", DataTable)))

    def action_reprint(self) -> None:
        payment = self._selected()
        if payment is None:
            return
        self.query_one("#history-status", Label).update(f"Mencetak ulang {payment.ref_id}…")
        self.reprint(payment.ref_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="printer")
    def reprint(self, ref_id: str) -> None:
        result = self.app.runtime.counter.print_slip(ref_id, reprint=True,
                                                     actor=self.app.cashier_id)
        self.app.call_from_thread(self._printed, result)

    def _printed(self, result: PrintResult) -> None:
        self.notify(result.message, severity="information" if result.ok else "error")
        self.load(self.query_one("#search", Input).value.strip())

    def action_open(self) -> None:
        payment = self._selected()
        if payment is not None:
            self.app.show_payment(payment)
