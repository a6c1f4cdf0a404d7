"""The Textual app: wires screens to the runtime and moves between them; nothing else."""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from loket.domain.billing import FamilyBill
from loket.domain.payment import Payment
from loket.domain.shifts import ShiftReport
from loket.service.access import OWNER_ONLY
from loket.service.accounts import Login
from loket.service.counter import PaymentRefused
from loket.service.runtime import Health, Runtime
from loket.sync.lock import ForwarderLock
from loket.tui import texts
from loket.tui.commands import palette
from loket.tui.screens.counter import CounterScreen
from loket.tui.screens.help import HelpScreen
from loket.tui.screens.history import HistoryScreen
from loket.tui.screens.login import LoginScreen
from loket.tui.screens.payment import PaymentScreen
from loket.tui.screens.queue import QueueScreen
from loket.tui.screens.result import ProcessingScreen, ResultScreen
from loket.tui.screens.shift import ShiftCloseScreen, ShiftOpenScreen
from loket.tui.screens.wizard import SetupWizard
from loket.tui.widgets.status_line import StatusLine

HEALTH_EVERY_S = 15.0
FORWARD_EVERY_S = 10.0


class LoketApp(App):
    TITLE = "loket"
    BINDINGS = [
        Binding("f1", "help", "Bantuan"),
        Binding("f4", "history", "Riwayat"),
        Binding("f5", "sync_now", "Kirim", show=False),
        Binding("f6", "queue", "Antrean", show=False),
        Binding("f7", "dashboard", "Dasbor", show=False),
        Binding("f8", "shift", "Shift", show=False),
        Binding("f10", "settings", "Pengaturan", show=False),
        Binding("ctrl+q", "quit", "Keluar", priority=True, show=False),
    ]

    def __init__(self, runtime: Runtime, *, background: bool = True) -> None:
        super().__init__()
        self.runtime = runtime
        self.cashier_id = ""
        self.is_owner = False
        self.health: Health | None = None
        self.background = background  # tests turn the timers off for stable screens
        self.forwarder_lock = ForwarderLock(runtime.database_path)
        if runtime.training:
            self.sub_title = texts.TRAINING_BANNER

    def on_mount(self) -> None:
        first_start = not self.runtime.accounts.has_owner()
        self.push_screen(SetupWizard() if first_start else LoginScreen())
        self.refresh_health()
        if self.background:
            self.set_interval(HEALTH_EVERY_S, self.refresh_health)
            if self.forwarder_lock.acquire():
                self.forward(recover=True)
                self.set_interval(FORWARD_EVERY_S, self.forward)

    def on_unmount(self) -> None:
        self.forwarder_lock.release()

    # -- who is at the counter --------------------------------------------------------------
    def owner_created(self) -> None:
        self.switch_screen(LoginScreen())

    def logged_in(self, login: Login) -> None:
        """Called with what the login worker looked up: role, and whether a shift is open."""
        self.cashier_id, self.is_owner = login.account.id, login.account.is_owner
        self.switch_screen(CounterScreen() if login.has_shift else ShiftOpenScreen())
        self.refresh_status()

    def to_counter(self) -> None:
        self.switch_screen(CounterScreen())

    def logout(self) -> None:
        self.cashier_id, self.is_owner = "", False
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen())

    def shift_closed(self, report: ShiftReport, printed: str) -> None:
        d = report.shift
        self.notify(f"Shift {d.cashier_id} ditutup. Selisih {d.difference:+,}. {printed}"
                    .replace(",", "."), timeout=10)
        if d.cashier_id == self.cashier_id:
            self.logout()
        else:
            self.pop_screen()

    # -- the payment flow -------------------------------------------------------------------
    def open_payment(self, bill: FamilyBill) -> None:
        total = self.runtime.counter.total_for(bill)

        def taken(cash: int | None) -> None:
            if cash is not None:
                self.push_screen(ProcessingScreen())
                self.pay(bill, cash)

        self.push_screen(PaymentScreen(bill, total), taken)

    @work(thread=True, exclusive=True, exit_on_error=False, group="payment")
    def pay(self, bill: FamilyBill, cash: int) -> None:
        try:
            payment = self.runtime.counter.pay(bill, cash, self.cashier_id)
        except PaymentRefused as exc:
            self.call_from_thread(self._refused, str(exc))
            return
        self.call_from_thread(self._paid, payment)

    def _refused(self, reason: str) -> None:
        self.pop_screen()  # the processing notice
        self.notify(f"Pembayaran tidak dicatat: {reason}", severity="error", timeout=10)

    def _paid(self, payment: Payment) -> None:
        self.pop_screen()  # the processing notice
        self.push_screen(ResultScreen(payment))
        self.refresh_health()

    def show_payment(self, payment: Payment) -> None:
        self.push_screen(ResultScreen(payment, auto_print=False))

    def next_customer(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, CounterScreen):
            self.pop_screen()
        if isinstance(self.screen, CounterScreen):
            self.screen.action_next_customer()

    # -- background work --------------------------------------------------------------------
    def refresh_health(self) -> None:
        self.check_health()

    @work(thread=True, exclusive=True, exit_on_error=False, group="health")
    def check_health(self) -> None:
        health = self.runtime.health()
        self.call_from_thread(self._health, health)

    def _health(self, health: Health) -> None:
        self.health = health
        self.refresh_status()

    def refresh_status(self) -> None:
        for screen in self.screen_stack:
            for line in screen.query(StatusLine):
                line.refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="forwarder")
    def forward(self, recover: bool = False, force: bool = False) -> None:
        forwarder = self.runtime.counter.forwarder
        if recover:
            forwarder.recover()
        if forwarder.drain(force=force) or force:
            self.call_from_thread(self._forwarded)

    def _forwarded(self) -> None:
        self.refresh_health()
        if isinstance(self.screen, QueueScreen):
            self.screen.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(texts.WORKER_FAILED.format(error=type(error).__name__),
                        severity="error", timeout=10)
            if event.worker.group == "payment" and isinstance(self.screen, ProcessingScreen):
                self.pop_screen()

    # -- keys and the command palette -------------------------------------------------------
    def _owner_only(self) -> bool:
        if not self.cashier_id:
            return False
        if not self.is_owner:
            self.notify(OWNER_ONLY, severity="error")
            return False
        return True

    def _not_on(self, *kinds: type) -> bool:
        return bool(self.cashier_id) and not isinstance(self.screen, (*kinds, ProcessingScreen))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_history(self) -> None:
        if self._not_on(HistoryScreen):
            self.push_screen(HistoryScreen())

    def action_queue(self) -> None:
        if self._not_on(QueueScreen):
            self.push_screen(QueueScreen())

    def action_shift(self) -> None:
        if self._not_on(ShiftCloseScreen, ShiftOpenScreen):
            self.find_shift()

    @work(thread=True, exclusive=True, exit_on_error=False, group="shift")
    def find_shift(self) -> None:
        shift = self.runtime.counter.shifts.current(self.cashier_id)
        self.call_from_thread(self.push_screen,
                              ShiftCloseScreen(shift.id) if shift else ShiftOpenScreen())

    def action_dashboard(self) -> None:
        from loket.tui.screens.dashboard import DashboardScreen

        if self._owner_only() and not isinstance(self.screen, DashboardScreen):
            self.push_screen(DashboardScreen())

    def action_settings(self) -> None:
        from loket.tui.screens.settings import SettingsScreen

        if self._owner_only() and not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_other_shifts(self) -> None:
        if self._owner_only():
            self.pick_shift()

    @work(thread=True, exclusive=True, exit_on_error=False, group="shift")
    def pick_shift(self) -> None:
        from loket.tui.screens.shift_pick import ShiftPicker

        def chosen(shift_id: int | None) -> None:
            if shift_id is not None:
                self.push_screen(ShiftCloseScreen(shift_id))

        found = self.runtime.counter.shifts.open_ones(self.cashier_id)
        self.call_from_thread(self.push_screen, ShiftPicker(found), chosen)

    def action_sync_now(self) -> None:
        if self.forwarder_lock.held:
            self.notify("Mengirim ulang antrean ke host…")
            self.forward(force=True)
        else:
            self.notify("Pengiriman dijalankan proses lain (loket sync)", severity="warning")

    def action_print_test(self) -> None:
        self.print_test()

    @work(thread=True, exclusive=True, exit_on_error=False, group="printer")
    def print_test(self) -> None:
        result = self.runtime.counter.print_test_page()
        self.call_from_thread(self.notify, result.message,
                              severity="information" if result.ok else "error")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return palette(self)



