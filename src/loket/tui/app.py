"""The Textual app: wires screens to the runtime, and nothing else."""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from loket.domain.billing import FamilyBill
from loket.service.counter import PaymentRefused
from loket.service.runtime import Health, Runtime
from loket.store.models import Payment
from loket.sync.lock import ForwarderLock
from loket.tui import texts
from loket.tui.screens.counter import CounterScreen
from loket.tui.screens.help import HelpScreen
from loket.tui.screens.history import HistoryScreen
from loket.tui.screens.login import LoginScreen
from loket.tui.screens.payment import PaymentScreen
from loket.tui.screens.queue import QueueScreen
from loket.tui.screens.result import ProcessingScreen, ResultScreen
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
        Binding("ctrl+q", "quit", "Keluar", priority=True, show=False),
    ]

    def __init__(self, runtime: Runtime, *, background: bool = True) -> None:
        super().__init__()
        self.runtime = runtime
        self.cashier_id = ""
        self.health: Health | None = None
        self.background = background  # tests turn the timers off for stable screens
        self.forwarder_lock = ForwarderLock(runtime.config.database.path)
        if runtime.training:
            self.sub_title = texts.TRAINING_BANNER

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())
        self.refresh_health()
        if self.background:
            self.set_interval(HEALTH_EVERY_S, self.refresh_health)
            if self.forwarder_lock.acquire():
                self.forward(recover=True)
                self.set_interval(FORWARD_EVERY_S, self.forward)

    def on_unmount(self) -> None:
        self.forwarder_lock.release()

    # -- the flow ---------------------------------------------------------------------------
    def logged_in(self, cashier_id: str) -> None:
        self.cashier_id = cashier_id
        self.switch_screen(CounterScreen())
        self.refresh_status()

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
            self.notify(
                texts.WORKER_FAILED.format(error=type(error).__name__), severity="error", timeout=10
            )
            if event.worker.group == "payment" and isinstance(self.screen, ProcessingScreen):
                self.pop_screen()

    # -- keys and the command palette -------------------------------------------------------
    def _logged_in(self) -> bool:
        return bool(self.cashier_id)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_history(self) -> None:
        if self._logged_in() and not isinstance(self.screen, HistoryScreen | ProcessingScreen):
            self.push_screen(HistoryScreen())

    def action_queue(self) -> None:
        if self._logged_in() and not isinstance(self.screen, QueueScreen | ProcessingScreen):
            self.push_screen(QueueScreen())

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
        self.call_from_thread(
            self.notify, result.message, severity="information" if result.ok else "error"
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Bantuan", "Tombol dan nomor uji (F1)", self.action_help)
        if self._logged_in():
            yield SystemCommand(
                "Riwayat hari ini", "Cari dan cetak ulang (F4)", self.action_history
            )
            yield SystemCommand("Pelanggan berikutnya", "Kosongkan layar (F2)", self.next_customer)
            yield SystemCommand(
                "Kirim antrean sekarang", "Sinkron ke host (F5)", self.action_sync_now
            )
        yield SystemCommand("Cetak halaman uji", "Periksa printer", self.action_print_test)
        yield SystemCommand("Keluar", "Tutup loket (Ctrl+Q)", self.exit)
