"""Opening a shift with its float, and closing it with the counted cash (the Z report)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label, Static

from loket.domain import times
from loket.domain.money import format_rupiah, parse_rupiah
from loket.domain.shifts import DrawerCount, ShiftReport
from loket.domain.states import label
from loket.errors import LoketError
from loket.tui import texts
from loket.tui.screens.base import FormKeys, LoketScreen
from loket.tui.screens.confirm import Confirm
from loket.tui.widgets.status_line import StatusLine


def signed_rupiah(amount: int) -> str:
    """``+Rp 5.000``, ``-Rp 5.000``, ``Rp 0``: a difference, with its sign in front."""
    return f"+{format_rupiah(amount)}" if amount > 0 else format_rupiah(amount)


def difference_word(diff: int) -> str:
    return "pas" if diff == 0 else ("lebih" if diff > 0 else "KURANG")


class ShiftOpenScreen(FormKeys, LoketScreen):
    BINDINGS = [
        Binding("enter", "enter", "Buka shift", priority=True),
        Binding("escape", "skip", "Nanti"),
        Binding("f1", "app.help", "Bantuan"),
    ]
    DEFAULT_CSS = """
    #open-box { width: 56; border: round $accent; padding: 1 2; }
    #float { border: round $accent; height: 3; }
    #open-error { color: $error; height: auto; }
    """

    class Opened(Message):
        def __init__(self, error: str = "") -> None:
            super().__init__()
            self.error = error

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Vertical(id="open-box", classes="dialog-box") as box:
            box.border_title = "Buka shift"
            box.border_subtitle = texts.SHIFT_OPEN_KEYS
            yield Static(texts.SHIFT_OPEN_HINT)
            cash = Input(
                id="float", placeholder=texts.SHIFT_FLOAT_PROMPT, restrict=r"[0-9.]*", max_length=13
            )
            cash.border_title = "Modal awal di laci"
            yield cash
            yield Label("", id="open-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#float", Input).focus()

    def submit(self) -> None:
        try:
            amount = parse_rupiah(self.query_one("#float", Input).value or "0")
        except LoketError as exc:
            self.query_one("#open-error", Label).update(str(exc))
            return
        self.busy = True
        self.open_shift(amount)

    @work(thread=True, exclusive=True, exit_on_error=False, group="shift")
    def open_shift(self, amount: int) -> None:
        try:
            self.runtime.counter.shifts.open(self.loket.cashier_id, amount)
        except LoketError as exc:
            self.post_message(self.Opened(str(exc)))
            return
        self.post_message(self.Opened())

    def on_shift_open_screen_opened(self, opened: Opened) -> None:
        if not opened.error:
            self.loket.to_counter()
            return
        self.busy = False
        self.query_one("#open-error", Label).update(opened.error)

    def action_skip(self) -> None:
        self.loket.to_counter()


def drawer_table(report: ShiftReport, counted: int | None) -> Table:
    d = report.drawer
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column(justify="right")
    grid.add_row("Modal awal", format_rupiah(d.opening_float))
    grid.add_row(f"Diterima ({d.payments}x)", format_rupiah(d.taken))
    grid.add_row(f"Dikembalikan ({d.refunds}x)", format_rupiah(-d.refunded))
    grid.add_row(
        Text("SEHARUSNYA DI LACI", style="bold"), Text(format_rupiah(d.expected), style="bold")
    )
    if counted is not None:
        diff = d.difference(counted)
        style = "bold green" if diff == 0 else "bold red"
        grid.add_row("Dihitung", format_rupiah(counted))
        grid.add_row(
            Text(f"Selisih ({difference_word(diff)})", style=style),
            Text(signed_rupiah(diff), style=style),
        )
    return grid


def close_question(cashier_id: str, drawer: DrawerCount, counted: int, unsettled: int) -> Text:
    diff = drawer.difference(counted)
    text = Text()
    text.append(texts.CLOSE_QUESTION.format(cashier=cashier_id))
    text.append(texts.CLOSE_EXPECTED.format(amount=format_rupiah(drawer.expected)))
    text.append(texts.CLOSE_COUNTED.format(amount=format_rupiah(counted)))
    text.append(
        texts.CLOSE_DIFFERENCE.format(amount=signed_rupiah(diff), word=difference_word(diff)),
        style="bold green" if diff == 0 else "bold red",
    )
    if unsettled:
        text.append(texts.CLOSE_UNSETTLED.format(count=unsettled), style="yellow")
    return text


class ShiftCloseScreen(FormKeys, LoketScreen):
    BINDINGS = [
        Binding("enter", "enter", "Periksa lalu tutup", priority=True),
        Binding("escape", "close", "Batal"),
        Binding("f1", "app.help", "Bantuan"),
    ]
    DEFAULT_CSS = """
    ShiftCloseScreen { padding: 0 1; }
    #close-main { height: auto; }
    #drawer { width: 1fr; max-width: 48; border: round $accent; padding: 0 1; height: auto; }
    #states { width: 1fr; border: round $accent; padding: 0 1; height: auto; }
    #counted { border: round $accent; height: 3; }
    #close-error { color: $error; height: auto; }
    #close-hint { color: $text-muted; height: auto; width: 100%; }
    ShiftCloseScreen.-narrow #states { display: none; }
    """

    class Loaded(Message):
        def __init__(self, report: ShiftReport) -> None:
            super().__init__()
            self.report = report

    class Closed(Message):
        def __init__(self, report: ShiftReport | None, printed: str = "", error: str = "") -> None:
            super().__init__()
            self.report, self.printed, self.error = report, printed, error

    def __init__(self, shift_id: int) -> None:
        super().__init__()
        self.shift_id = shift_id
        self.report: ShiftReport | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Horizontal(id="close-main"):
            yield Static(texts.LOADING, id="drawer")
            yield Static(id="states")
        counted = Input(
            id="counted", placeholder=texts.SHIFT_COUNTED_PROMPT, restrict=r"[0-9.]*", max_length=13
        )
        counted.border_title = "Uang dihitung"
        yield counted
        yield Label(texts.SHIFT_CLOSE_HINT, id="close-hint")
        yield Label("", id="close-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#counted", Input).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="shift")
    def load(self) -> None:
        self.post_message(
            self.Loaded(self.runtime.counter.shifts.report(self.shift_id, self.loket.cashier_id))
        )

    def on_shift_close_screen_loaded(self, loaded: Loaded) -> None:
        self.report = loaded.report
        self._show(self._counted())

    def _counted(self) -> int | None:
        value = self.query_one("#counted", Input).value
        try:
            return parse_rupiah(value) if value else None
        except LoketError:
            return None

    def _show(self, counted: int | None) -> None:
        report = self.report
        if report is None:
            return
        drawer = self.query_one("#drawer", Static)
        opened = times.clock_hm(report.shift.opened_at)
        drawer.border_title = f"Shift {report.shift.cashier_id} sejak {opened}"
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
    def _changed(self) -> None:
        self.query_one("#close-error", Label).update("")
        self._show(self._counted())

    def submit(self) -> None:
        """Enter: the difference is shown, and the close is asked once more."""
        report = self.report
        if report is None:
            return
        try:
            counted = parse_rupiah(self.query_one("#counted", Input).value)
        except LoketError as exc:
            self.query_one("#close-error", Label).update(str(exc))
            return

        def answered(yes: bool | None) -> None:
            if yes and self.is_active:
                self.busy = True
                self.query_one("#close-error", Label).update(texts.SHIFT_CLOSING)
                self.close_shift(counted)

        question = close_question(
            report.shift.cashier_id, report.drawer, counted, len(report.unsettled)
        )
        self.app.push_screen(Confirm("Tutup shift", question, texts.SHIFT_CLOSE_KEYS), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="shift")
    def close_shift(self, counted: int) -> None:
        try:
            report, printed = self.runtime.counter.shifts.close(
                self.shift_id, counted, self.loket.cashier_id
            )
        except LoketError as exc:
            self.post_message(self.Closed(None, error=str(exc)))
            return
        self.post_message(self.Closed(report, printed.message))

    def on_shift_close_screen_closed(self, closed: Closed) -> None:
        if closed.report is None:
            self.busy = False
            self.query_one("#close-error", Label).update(closed.error)
            return
        self.loket.shift_closed(closed.report, closed.printed, self)

    def action_close(self) -> None:
        self.loket.close_screen(self)
