"""F4: today's payments, all of them: search by number, name or ref; Enter shows one, R reprints."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Label

from loket.domain import times
from loket.domain.money import format_rupiah
from loket.domain.payment import Payment
from loket.domain.states import PaymentState, label, short_label
from loket.service.slips import PrintResult
from loket.tui import texts
from loket.tui.screens.base import LoketScreen
from loket.tui.screens.detail import PaymentDetail
from loket.tui.widgets.status_line import StatusLine
from loket.tui.widgets.tables import selected_key, selected_row

# The family's number comes right after the time, before anything whose width varies, so it always
# shows whole. A state's full words ("Uang harus dikembalikan") fit beside the name and the total
# from this width on (5 columns with their padding, the screen's padding and a scrollbar); an
# 80-column screen shows the short words the dashboard and the slips use.
FULL_WORDS_FROM = 90


class HistoryScreen(LoketScreen):
    BINDINGS = [
        Binding("enter", "open", "Rincian", priority=True),
        Binding("r", "reprint", "Cetak ulang"),
        Binding("slash", "search", "Cari", key_display="/"),
        Binding("escape", "close", "Kembali"),
        Binding("f1", "app.help", "Bantuan"),
    ]
    DEFAULT_CSS = """
    HistoryScreen { padding: 0 1; }
    #search { border: round $accent; height: 3; }
    #history { height: 1fr; }
    #history-status { height: 1; color: $text-muted; }
    """

    class Loaded(Message):
        def __init__(self, asked: int, found: list[Payment]) -> None:
            super().__init__()
            self.asked, self.found = asked, found

    class Reprinted(Message):
        def __init__(self, result: PrintResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, Payment] = {}
        self._asked = 0
        self._found: list[Payment] = []
        self._full_words = False

    def compose(self) -> ComposeResult:
        yield StatusLine()
        search = Input(placeholder=texts.HISTORY_SEARCH_PROMPT, id="search")
        search.border_title = "Riwayat hari ini"
        yield search
        table: DataTable[str] = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        table.add_columns("Jam", "No. VA/kartu", "Nama", "Total", "Status", "Ref")
        yield table
        yield Label(texts.LOADING, id="history-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()
        self.query_one("#history", DataTable).focus()

    @property
    def search(self) -> str:
        return self.query_one("#search", Input).value.strip()

    @on(Input.Changed, "#search")
    def _search(self) -> None:
        self.load()

    def load(self) -> None:
        self._asked += 1
        self.find(self._asked, self.search)

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def find(self, asked: int, search: str) -> None:
        self.post_message(self.Loaded(asked, self.runtime.counter.today(search)))

    def on_history_screen_loaded(self, loaded: Loaded) -> None:
        if loaded.asked != self._asked:
            return  # typed on since: a newer search is on its way
        self._found = loaded.found
        self._show()
        paid = [p for p in loaded.found if p.state == PaymentState.SUCCESS]
        what = (
            texts.HISTORY_MATCHING.format(search=self.search)
            if self.search
            else texts.HISTORY_TODAY
        )
        self.query_one("#history-status", Label).update(
            texts.HISTORY_SUMMARY.format(
                count=len(loaded.found),
                what=what,
                paid=len(paid),
                amount=format_rupiah(sum(p.total for p in paid)),
            )
        )

    def on_resize(self, event: events.Resize) -> None:
        if (event.size.width >= FULL_WORDS_FROM) != self._full_words:
            self._show()

    def _show(self) -> None:
        table = self.query_one("#history", DataTable)
        keep = selected_key(table)
        table.clear()
        self._full_words = self.size.width >= FULL_WORDS_FROM
        words = label if self._full_words else short_label
        self.rows = {p.ref_id: p for p in self._found}
        for p in self._found:
            table.add_row(
                times.clock_hm(p.created_at),
                p.family_no,
                p.head_name[:18],
                format_rupiah(p.total),
                words(p.state),
                p.ref_id,
                key=p.ref_id,
            )
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(keep))

    def _selected(self) -> Payment | None:
        return selected_row(self.query_one("#history", DataTable), self.rows)

    def action_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_open(self) -> None:
        table = self.query_one("#history", DataTable)
        if self.focused is not table:  # Enter in the search field: to the list
            self.set_focus(table)
            return
        payment = self._selected()
        if payment is not None:
            self.app.push_screen(PaymentDetail(payment.ref_id))

    def action_reprint(self) -> None:
        payment = self._selected()
        if payment is None:
            return
        self.busy = True
        self.query_one("#history-status", Label).update(
            texts.REPRINTING_REF.format(ref=payment.ref_id)
        )
        self.reprint(payment.ref_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="printer")
    def reprint(self, ref_id: str) -> None:
        self.post_message(
            self.Reprinted(
                self.runtime.counter.print_slip(ref_id, reprint=True, actor=self.loket.cashier_id)
            )
        )

    def on_history_screen_reprinted(self, printed: Reprinted) -> None:
        self.busy = False
        self.notify(
            printed.result.message, severity="information" if printed.result.ok else "error"
        )
        self.load()

    def action_close(self) -> None:
        self.loket.close_screen(self)
