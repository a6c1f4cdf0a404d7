"""Opening a shift with its float, and closing it with the counted cash (the Z report)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from loket.domain.money import format_rupiah, parse_rupiah
from loket.domain.shifts import ShiftReport
from loket.domain.states import label
from loket.errors import LoketError
from loket.tui.widgets.status_line import StatusLine


class ShiftOpenScreen(Screen):
    BINDINGS = [Binding("escape", "skip", "Nanti")]
    DEFAULT_CSS = """
    ShiftOpenScreen { align: center middle; }
    #open-box { width: 56; height: auto; border: round $accent; padding: 1 2; }
    #float { border: round $accent; height: 3; }
    #open-error { color: $error; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Vertical(id="open-box") as box:
            box.border_title = "Buka shift"
            box.border_subtitle = "Enter buka · Esc nanti"
            yield Static("Hitung uang di laci sebelum mulai melayani.")
            cash = Input(id="float", placeholder="contoh 200000", restrict=r"[0-9.]*",
                         max_length=13)
            cash.border_title = "Modal awal di laci"
            yield cash
            yield Label("", id="open-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#float", Input).focus()

    @on(Input.Submitted, "#float")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            amount = parse_rupiah(event.value or "0")
        except LoketError as exc:
            self.query_one("#open-error", Label).update(str(exc))
            return
        self.open_shift(amount)

    @work(thread=True, exclusive=True, exit_on_error=False, group="shift")
    def open_shift(self, amount: int) -> None:
        try:
            self.app.runtime.counter.shifts.open(self.app.cashier_id, amount)
        except LoketError as exc:
            self.app.call_from_thread(self.query_one("#open-error", Label).update, str(exc))
            return
        self.app.call_from_thread(self.app.to_counter)

    def action_skip(self) -> None:
        self.app.to_counter()


def drawer_table(report: ShiftReport, counted: int | None) -> Table:
    d = report.drawer
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column(justify="right")
    grid.add_row("Modal awal", format_rupiah(d.opening_float))
    grid.add_row(f"Diterima ({d.payments} transaksi)", format_rupiah(d.taken))
    grid.add_row(f"Dikembalikan ({d.refunds})", format_rupiah(-d.refunded))
    grid.add_row(Text("SEHARUSNYA DI LACI", style="bold"),
                 Text(format_rupiah(d.expected), style="bold"))
    if counted is not None:
        diff = d.difference(counted)
        style = "bold green" if diff == 0 else "bold red"
        word = "pas" if diff == 0 else ("lebih" if diff > 0 else "KURANG")
        grid.add_row("Dihitung", format_rupiah(counted))
        grid.add_row(Text(f"Selisih ({word})", style=style), Text(format_rupiah(diff), style=style))
    return grid


class ShiftCloseScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Batal")]
    DEFAULT_CSS = """
    ShiftCloseScreen { padding: 0 1; }
    #close-main { height: auto; }
    #drawer { width: 46; border: round $accent; padding: 0 1; height: auto; }
    #states { width: 1fr; border: round $accent; padding: 0 1; height: auto; }
    #counted { border: round $accent; height: 3; }
    #close-error { color: $error; height: auto; }
    #close-hint { color: $text-muted; height: auto; width: 100%; }
    """

    def __init__(self, shift_id: int) -> None:
        super().__init__()
        self.shift_id = shift_id
        self.report: ShiftReport | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Horizontal(id="close-main"):
            yield Static(id="drawer")
            yield Static(id="states")
        counted = Input(id="counted", placeholder="uang di laci sekarang", restrict=r"[0-9.]*",
                        max_length=13)
        counted.border_title = "Uang dihitung"
        yield counted
        yield Label("Hitung uang di laci, ketik jumlahnya, Enter untuk menutup shift dan "
                    "mencetak laporan Z.", id="close-hint")
        yield Label("", id="close-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#counted", Input).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="shift")
    def load(self) -> None:
        report = self.app.runtime.counter.shifts.report(self.shift_id, self.app.cashier_id)
        self.app.call_from_thread(self._show, report)

    def _show(self, report: ShiftReport, counted: int | None = None) -> None:
        self.report = report
        drawer = self.query_one("#drawer", Static)
        drawer.border_title = f"Shift {report.shift.cashier_id} sejak {report.shift.opened_at[11:16]}"
        drawer.update(drawer_table(report, counted))
        states = Table.grid(padding=(0, 1))
        states.add_column()
        states.add_column(justify="right")
        for state, (n, total) in sorted(report.by_state.items()):
            states.add_row(f"{label(state)} {n}x", format_rupiah(total))
        if report.unsettled:
            states.add_row(Text(f"Belum final: {len(report.unsettled)}", style="bold yellow"), "")
        box = self.query_one("#states", Static)
        box.border_title = "Transaksi"
        box.update(states)

    @on(Input.Changed, "#counted")
    def _changed(self, event: Input.Changed) -> None:
        if self.report is None:
            return
        try:
            counted = parse_rupiah(event.value) if event.value else None
        except LoketError:
            counted = None
        self._show(self.report, counted)

    @on(Input.Submitted, "#counted")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            counted = parse_rupiah(event.value)
        except LoketError as exc:
            self.query_one("#close-error", Label).update(str(exc))
            return
        self.close_shift(counted)

    @work(thread=True, exclusive=True, exit_on_error=False, group="shift")
    def close_shift(self, counted: int) -> None:
        app = self.app
        try:
            report, printed = app.runtime.counter.shifts.close(self.shift_id, counted,
                                                               app.cashier_id)
        except LoketError as exc:
            app.call_from_thread(self.query_one("#close-error", Label).update, str(exc))
            return
        app.call_from_thread(app.shift_closed, report, printed.message)
