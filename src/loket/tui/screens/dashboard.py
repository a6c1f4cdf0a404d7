"""F7 (owner): the day's money — what came in, what the host confirmed, what is owed."""

from __future__ import annotations

from datetime import date, timedelta

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from loket.domain.money import format_rupiah
from loket.domain.states import label
from loket.reports.figures import Figures
from loket.tui.widgets.hourly_chart import HourlyChart
from loket.tui.widgets.status_line import StatusLine

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def money_table(f: Figures, balance: int | None) -> Table:
    rp = format_rupiah
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(style="dim", ratio=1)
    grid.add_column(justify="right")
    rows = [
        ("Transaksi", f"{f.count}"),
        ("Lunas", f"{f.success_count} ({f.success_rate:.0%})"),
        ("Uang diterima (bersih)", rp(f.cash_collected)),
        ("Iuran BPJS", rp(f.premium)),
        ("Pendapatan admin", rp(f.admin_income)),
        ("Biaya host", rp(f.host_cost)),
    ]
    for name, value in rows:
        grid.add_row(name, value)
    grid.add_row(Text("Margin", style="bold"), Text(rp(f.margin), style="bold green"))
    grid.add_row(Text("Setor ke host (T+1)", style="bold"), Text(rp(f.due_to_host), style="bold"))
    grid.add_row("Deposit sekarang", rp(balance) if balance is not None else "offline")
    if f.unsettled_count:
        grid.add_row(Text("Belum final", style="yellow"),
                     Text(f"{f.unsettled_count} · {rp(f.unsettled_amount)}", style="yellow"))
    if f.refunded:
        grid.add_row("Dikembalikan", rp(f.refunded))
    return grid


def breakdown_table(f: Figures) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(ratio=1)
    grid.add_column(justify="right")
    grid.add_column(justify="right")
    grid.add_row(Text("Status", style="bold dim"), "", "")
    for state, (n, total) in sorted(f.by_state.items()):
        grid.add_row(label(state), str(n), format_rupiah(total))
    grid.add_row(Text("Kasir", style="bold dim"), "", "")
    for c in f.by_cashier[:5]:
        grid.add_row(c.cashier_id, str(c.count), format_rupiah(c.taken))
    return grid


class DashboardScreen(Screen):
    BINDINGS = [
        Binding("escape,f7", "app.pop_screen", "Kembali"),
        Binding("left,[", "day(-1)", "Hari sebelumnya", key_display="←"),
        Binding("right,]", "day(1)", "Hari berikutnya", key_display="→"),
        Binding("p", "report('daily')", "PDF harian"),
        Binding("b", "report('monthly')", "PDF bulanan"),
    ]
    DEFAULT_CSS = """
    DashboardScreen { padding: 0 1; }
    #dash-title { text-style: bold; height: 1; }
    #dash-main { height: auto; }
    #money { width: 1fr; border: round $accent; padding: 0 1; height: auto; }
    #breakdown { width: 1fr; border: round $accent; padding: 0 1; height: auto; }
    #dash-status { color: $text-muted; height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label("", id="dash-title")
        with Horizontal(id="dash-main"):
            yield Static(id="money")
            yield Static(id="breakdown")
        yield HourlyChart(id="hourly")
        yield Label("", id="dash-status")
        yield Footer()

    def on_mount(self) -> None:
        self.day = self.app.runtime.clock.now().date()
        self.load()

    def load(self) -> None:
        day = self.day
        self.query_one("#dash-title", Label).update(
            f"Dasbor — {DAYS[day.weekday()]} {day:%d/%m/%Y}")
        self.compute(day)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard")
    def compute(self, day: date) -> None:
        found = self.app.runtime.reports.day(self.app.cashier_id, day)
        self.app.call_from_thread(self._show, found)

    def _show(self, f: Figures) -> None:
        health = self.app.health
        money = self.query_one("#money", Static)
        money.border_title = "Uang"
        money.update(money_table(f, health.balance if health else None))
        breakdown = self.query_one("#breakdown", Static)
        breakdown.border_title = "Rincian"
        breakdown.update(breakdown_table(f))
        chart = self.query_one("#hourly", HourlyChart)
        chart.border_title = "Transaksi per jam"
        chart.show(f.hourly)

    def action_day(self, step: int) -> None:
        self.day = self.day + timedelta(days=step)
        self.load()

    def action_report(self, kind: str) -> None:
        self.query_one("#dash-status", Label).update("Membuat laporan…")
        self.write_report(kind, self.day)

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def write_report(self, kind: str, day: date) -> None:
        reports = self.app.runtime.reports
        actor = self.app.cashier_id
        written = (reports.daily(actor, day) if kind == "daily"
                   else reports.monthly(actor, day.year, day.month))
        self.app.call_from_thread(self.query_one("#dash-status", Label).update,
                                  f"Laporan ditulis: {written.pdf} (+ CSV)")
