"""F7 (owner): the day's money — what came in, what the host confirmed, and how the host is paid:
the deposit's movement (prepaid), or what to settle by tomorrow (post-paid).

Laid out on a grid that fits 80×24 without scrolling; narrower it stacks (and scrolls), wider the
three panels sit side by side above a full-width chart.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Label, Static

from loket.errors import LoketError
from loket.reports.books import Books
from loket.tui import texts
from loket.tui.screens.base import LoketScreen
from loket.tui.widgets.day_tables import (
    DAYS,
    REFRESH_S,
    breakdown_table,
    deposit_table,
    money_table,
    settlement_table,
)
from loket.tui.widgets.hourly_chart import HourlyChart
from loket.tui.widgets.status_line import StatusLine


class DashboardScreen(LoketScreen[None]):
    class Computed(Message):
        def __init__(self, day: date, books: Books) -> None:
            super().__init__()
            self.day, self.books = day, books

    class Written(Message):
        def __init__(self, text: Text) -> None:
            super().__init__()
            self.text = text

    BINDINGS = [
        Binding("escape,f7", "close", "Kembali"),
        Binding("left,[", "day(-1)", "Ganti hari", key_display="←→"),
        Binding("right,]", "day(1)", "Hari berikutnya", show=False),
        Binding("p", "report('daily')", "Harian"),
        Binding("b", "report('monthly')", "Bulanan"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-normal"), (110, "-wide")]
    DEFAULT_CSS = """
    DashboardScreen { padding: 0 1; }
    #dash-head { height: 1; }
    #dash-title { text-style: bold; width: 1fr; }
    #dash-hint { color: $text-muted; }
    #dash-body { height: 1fr; }
    #dash-grid {
        layout: grid; grid-size: 2; grid-columns: 1fr 1fr; grid-rows: auto 1fr;
        grid-gutter: 0 1; height: 100%; min-height: 17;
    }
    #dash-grid > Static { border: round $accent; padding: 0 1; height: auto; }
    #dash-grid > #breakdown { height: 100%; }
    #dash-grid > HourlyChart { height: 100%; }
    DashboardScreen.-wide #dash-grid { grid-size: 3; grid-columns: 1fr 1fr 1fr; }
    DashboardScreen.-wide #dash-grid > #breakdown { height: auto; }
    DashboardScreen.-wide #hourly { column-span: 3; }
    DashboardScreen.-narrow #dash-hint { display: none; }
    DashboardScreen.-narrow #dash-grid { grid-size: 1; grid-columns: 1fr; grid-rows: auto;
                                        height: auto; }
    DashboardScreen.-narrow #dash-grid > #breakdown { height: auto; }
    DashboardScreen.-narrow #hourly { height: 9; }
    #dash-status { color: $text-muted; height: auto; max-height: 3; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.day: date  # set on mount, from the runtime's clock

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Horizontal(id="dash-head"):
            yield Label("", id="dash-title")
            yield Label(texts.DASH_HINT, id="dash-hint")
        with VerticalScroll(id="dash-body"), Grid(id="dash-grid"):
            yield Static(id="money")
            yield Static(id="host")
            yield Static(id="breakdown")
            yield HourlyChart(id="hourly")
        yield Static("", id="dash-status")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#money").border_title = "Uang"
        self.query_one("#breakdown").border_title = "Rincian"
        self.query_one("#hourly").border_title = "Transaksi per jam"
        self.day = self.runtime.clock.now().date()
        self.load()
        self.set_interval(REFRESH_S, self._refresh_today)

    def _refresh_today(self) -> None:
        """Today's figures and the deposit move while the owner looks (the status line's health
        check writes each new balance down)."""
        if self.day == self.runtime.clock.now().date():
            self.compute(self.day)

    def load(self) -> None:
        day = self.day
        self.query_one("#dash-title", Label).update(
            f"Dasbor — {DAYS[day.weekday()]} {day:%d/%m/%Y}"
        )
        self.compute(day)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard")
    def compute(self, day: date) -> None:
        self.post_message(self.Computed(day, self.runtime.reports.day(self.loket.cashier_id, day)))

    def on_dashboard_screen_computed(self, computed: Computed) -> None:
        day, b = computed.day, computed.books
        self.query_one("#money", Static).update(money_table(b.figures))
        host = self.query_one("#host", Static)
        if b.deposit is not None:
            host.border_title = "Deposit di host"
            today = day == self.runtime.clock.now().date()
            host.update(deposit_table(b.deposit, day, today))
        else:
            host.border_title = "Setor ke host (T+1)"
            host.update(settlement_table(b))
        self.query_one("#breakdown", Static).update(breakdown_table(b.figures))
        self.query_one("#hourly", HourlyChart).show(b.figures.hourly)

    def action_close(self) -> None:
        self.loket.close_screen(self)

    def action_day(self, step: int) -> None:
        self.day = self.day + timedelta(days=step)
        self.load()

    def action_report(self, kind: str) -> None:
        note = texts.DASH_MONTH_SLOW if kind == "monthly" else ""
        self.query_one("#dash-status", Static).update(texts.DASH_REPORT_WRITING.format(note=note))
        self.write_report(kind, self.day)

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def write_report(self, kind: str, day: date) -> None:
        reports = self.runtime.reports
        actor = self.loket.cashier_id
        try:
            written = (
                reports.daily(actor, day)
                if kind == "daily"
                else reports.monthly(actor, day.year, day.month)
            )
        except (LoketError, OSError) as exc:
            message = Text(texts.REPORT_FAILED.format(error=exc), style="red")
        else:
            message = Text(
                texts.DASH_REPORT_WRITTEN.format(
                    rows=written.rows, stem=written.pdf.stem, folder=written.pdf.parent
                ),
                overflow="fold",
            )
        self.post_message(self.Written(message))

    def on_dashboard_screen_written(self, written: Written) -> None:
        self.query_one("#dash-status", Static).update(written.text)
