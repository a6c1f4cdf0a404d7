"""``loket hub dashboard``: the owner's screen over every outlet, read from the hub.

The counter's own dashboard (F7) shows one till; this one shows them all — the day's money for
every outlet together or one at a time (``o``), per cashier, per hour, and when the hub last
heard from each counter. It reads only: the owner's hub role can change nothing.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, Static
from textual.worker import Worker, WorkerState

from loket.domain.money import format_rupiah
from loket.errors import LoketError
from loket.service.hub.dashboard import ALL, HubDay, HubView, next_outlet
from loket.service.hub.outlets import unreadable
from loket.tui import texts
from loket.tui.keys import KeyedApp
from loket.tui.widgets.day_tables import (
    DAYS,
    REFRESH_S,
    breakdown_table,
    deposit_table,
    money_table,
)
from loket.tui.widgets.hourly_chart import HourlyChart

log = logging.getLogger("loket.tui")


def outlets_table(hub_day: HubDay) -> Table:
    """One line per outlet: its payments, its cash, what is not final, when the hub last heard
    from it (a counter the hub may be missing rows of is marked and yellow)."""
    grid = Table(box=None, padding=(0, 1), expand=True, show_edge=False, header_style="bold dim")
    grid.add_column("Outlet", ratio=1, no_wrap=True, overflow="ellipsis", min_width=8)
    for heading in ("Trx", "Lunas", "Uang masuk", "Blm final"):
        grid.add_column(heading, justify="right", no_wrap=True)
    grid.add_column("Terakhir mengirim", justify="right", no_wrap=True)
    for o in hub_day.outlets:
        f = o.figures
        mark = "reverse" if o.terminal == hub_day.shown else ""
        short = o.behind or o.set_aside > 0
        name = Text(
            ("! " if short else "") + o.terminal,
            style=" ".join(x for x in ("bold yellow" if short else "", mark) if x),
        )
        grid.add_row(
            name,
            str(f.count),
            str(f.success_count),
            format_rupiah(f.cash_collected),
            Text(str(f.unsettled_count), style="yellow" if f.unsettled_count else ""),
            Text(o.heard, style="bold yellow" if o.behind else "dim"),
        )
    if not hub_day.outlets:
        grid.add_row(Text(texts.HUB_NO_OUTLETS, style="dim"), "", "", "", "", "")
    return grid


def accounts_panel(hub_day: HubDay, today: bool) -> Group:
    """The host deposit of each account the shown outlets pay from (outlets sharing one agent
    account share one deposit), or what a post-paid account owes."""
    parts: list = []
    for a in hub_day.accounts:
        parts.append(
            Text(
                f"{a.account or texts.HUB_UNKNOWN_ACCOUNT} ({', '.join(a.terminals)})",
                style="bold",
                overflow="ellipsis",
                no_wrap=True,
            )
        )
        if a.settlement == "postpaid":
            parts.append(Text(texts.HUB_POSTPAID.format(amount=format_rupiah(a.host_cost))))
        elif a.deposit is not None:
            parts.append(deposit_table(a.deposit, hub_day.day, today, note=False))
        else:
            parts.append(Text(texts.HUB_SETTLEMENT_UNKNOWN, style="dim"))
    return Group(*parts) if parts else Group(Text(texts.HUB_NO_ACCOUNTS, style="dim"))


def warning(hub_day: HubDay) -> Text:
    said = []
    if late := hub_day.behind:
        said.append(texts.HUB_BEHIND.format(outlets=", ".join(o.terminal for o in late)))
    said += [unreadable(o.terminal, o.set_aside) for o in hub_day.set_aside]
    if not said:
        return Text("")
    return Text(texts.HUB_FIGURES_SHORT.format(reasons="; ".join(said)), style="bold yellow")


class HubDashboard(Screen[None]):
    class Computed(Message):
        def __init__(self, hub_day: HubDay | None, error: str = "") -> None:
            super().__init__()
            self.hub_day, self.error = hub_day, error

    class Written(Message):
        def __init__(self, text: str, failed: bool = False) -> None:
            super().__init__()
            self.text, self.failed = text, failed

    BINDINGS = [
        Binding("escape,q", "app.quit", "Keluar"),
        Binding("left,[", "day(-1)", "Hari", key_display="←→"),
        Binding("right,]", "day(1)", "Hari berikutnya", show=False),
        Binding("o", "outlet", "Outlet"),
        Binding("d", "deposit", "Deposit"),
        Binding("p", "report('daily')", "Harian"),
        Binding("b", "report('monthly')", "Bulanan"),
        Binding("r", "refresh", "Muat ulang"),
    ]
    DEFAULT_CSS = """
    HubDashboard { padding: 0 1; }
    #hub-head { height: 1; }
    #hub-title { text-style: bold; width: 1fr; }
    #hub-hint { color: $text-muted; }
    #hub-body { height: 1fr; }
    #hub-grid {
        layout: grid; grid-size: 2; grid-columns: 1fr 1fr; grid-rows: auto auto 1fr;
        grid-gutter: 0 1; height: 100%; min-height: 21;
    }
    #hub-grid > Static { border: round $accent; padding: 0 1; height: auto; }
    #hub-grid > #hub-outlets { column-span: 2; }
    #hub-grid > #hub-breakdown { height: 100%; }
    #hub-grid > HourlyChart { column-span: 2; height: 100%; min-height: 5; }
    #hub-status { height: auto; max-height: 3; }
    """

    def __init__(self, view: HubView) -> None:
        super().__init__()
        self.view = view
        self.day: date = view.today()
        self.shown = ALL
        self.shown_day: HubDay | None = None
        self.deposit = False  # the lower right panel: the breakdown, or the host deposit
        self.writing = False  # a report is being written: p and b wait for it

    def compose(self) -> ComposeResult:
        with Horizontal(id="hub-head"):
            yield Label("", id="hub-title")
            yield Label(texts.HUB_HINT, id="hub-hint")
        with VerticalScroll(id="hub-body"), Grid(id="hub-grid"):
            yield Static(id="hub-outlets")
            yield Static(id="hub-money")
            yield Static(id="hub-breakdown")
            yield HourlyChart(id="hub-hourly")
        yield Static(texts.HUB_LOADING, id="hub-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#hub-money").border_title = "Uang"
        self.query_one("#hub-outlets").border_title = "Outlet"
        self.query_one("#hub-breakdown").border_title = "Rincian"
        self.query_one("#hub-hourly").border_title = "Transaksi per jam"
        self.load()
        self.set_interval(REFRESH_S, self.load)

    def load(self) -> None:
        where = "Semua outlet" if self.shown == ALL else f"Outlet {self.shown}"
        self.query_one("#hub-title", Label).update(
            f"{where} — {DAYS[self.day.weekday()]} {self.day:%d/%m/%Y}"
        )
        if not self._showing_what_is_asked():
            self._blank(texts.LOADING)  # never another day's or outlet's money under this title
        self.compute(self.day, self.shown)

    def _showing_what_is_asked(self) -> bool:
        shown = self.shown_day
        return shown is not None and (shown.day, shown.shown) == (self.day, self.shown)

    def _blank(self, why: str) -> None:
        for name in ("#hub-outlets", "#hub-money", "#hub-breakdown"):
            self.query_one(name, Static).update(Text(why, style="dim"))
        self.query_one("#hub-hourly", HourlyChart).show([0] * 24)

    @work(thread=True, exclusive=True, exit_on_error=False, group="hub")
    def compute(self, day: date, shown: str) -> None:
        try:
            self.post_message(self.Computed(self.view.day(day, shown)))
        except LoketError as exc:
            self.post_message(self.Computed(None, str(exc)))

    def on_hub_dashboard_computed(self, computed: Computed) -> None:
        status = self.query_one("#hub-status", Static)
        hub_day = computed.hub_day
        if hub_day is None:
            status.update(
                Text(
                    texts.HUB_RETRYING.format(error=computed.error, seconds=REFRESH_S), style="red"
                )
            )
            if not self._showing_what_is_asked():
                self._blank(texts.HUB_UNREADABLE)
            return
        if (hub_day.day, hub_day.shown) != (self.day, self.shown):
            return  # an answer for a day or outlet no longer asked for (keys pressed meanwhile)
        self.shown_day = hub_day
        f = hub_day.figures
        self.query_one("#hub-money", Static).update(money_table(f))
        self.query_one("#hub-outlets", Static).update(outlets_table(hub_day))
        self._lower_right(hub_day)
        self.query_one("#hub-hourly", HourlyChart).show(f.hourly)
        note = warning(hub_day)
        loaded = self.view.clock.now().strftime("%H:%M:%S")
        status.update(
            note
            if note.plain
            else Text(texts.HUB_LOADED.format(time=loaded, seconds=REFRESH_S), style="dim")
        )

    def _lower_right(self, hub_day: HubDay) -> None:
        panel = self.query_one("#hub-breakdown", Static)
        if self.deposit:
            panel.border_title = "Deposit di host"
            panel.update(accounts_panel(hub_day, hub_day.day == self.view.today()))
        else:
            panel.border_title = "Rincian"
            panel.update(breakdown_table(hub_day.figures))

    def action_deposit(self) -> None:
        self.deposit = not self.deposit
        if self.shown_day is not None:
            self._lower_right(self.shown_day)

    def action_report(self, kind: str) -> None:
        if self.writing:  # a second p while the first is writing: the same files, once
            return
        self.writing = True
        note = texts.HUB_MONTH_SLOW if kind == "monthly" else ""
        self.notify(texts.HUB_REPORT_WRITING.format(note=note), timeout=5)
        self.write_report(kind, self.day)

    @work(thread=True, exit_on_error=False, group="hub-report")
    def write_report(self, kind: str, day: date) -> None:
        try:
            written = self.view.report(kind, day)
        except (LoketError, OSError) as exc:
            self.post_message(self.Written(texts.REPORT_FAILED.format(error=exc), failed=True))
            return
        assert written.pdf is not None
        self.post_message(
            self.Written(
                texts.HUB_REPORT_WRITTEN.format(rows=written.rows, stem=written.pdf.with_suffix(""))
            )
        )

    def on_hub_dashboard_written(self, written: Written) -> None:
        self.writing = False
        self.notify(written.text, severity="error" if written.failed else "information", timeout=15)

    def action_day(self, step: int) -> None:
        self.day += timedelta(days=step)
        self.load()

    def action_outlet(self) -> None:
        if self.shown_day is not None:  # the outlets the hub named last time it answered
            self.shown = next_outlet(self.shown_day.outlets, self.shown)
            self.load()

    def action_refresh(self) -> None:
        self.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:  # a bug: the log has it, the owner one line
            if event.worker.group == "hub-report":
                self.writing = False
            log.error("hub dashboard worker failed", exc_info=event.worker.error)
            self.notify(
                texts.HUB_FAILED.format(error=type(event.worker.error).__name__),
                severity="error",
                timeout=10,
            )


class HubApp(KeyedApp):
    TITLE = "loket hub"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", texts.QUIT, priority=True, show=False)]

    def __init__(self, view: HubView) -> None:
        super().__init__()
        self.view = view

    def on_mount(self) -> None:
        self.keep_keys_to_their_screen()
        self.push_screen(HubDashboard(self.view))
