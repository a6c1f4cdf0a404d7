"""The Textual app: wires screens to the runtime and moves between them; nothing else."""

from __future__ import annotations

import logging
from functools import partial

from textual import work
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from loket.domain.shifts import ShiftReport
from loket.service.access import OWNER_ONLY
from loket.service.accounts import Login
from loket.service.forwarding import ForwardingLoop
from loket.service.runtime import Health, Runtime
from loket.tui import texts
from loket.tui.app_messages import ShiftFound, TestPagePrinted
from loket.tui.background import BackgroundWork
from loket.tui.commands import LoketCommands
from loket.tui.screens.base import LoketScreen
from loket.tui.screens.counter import CounterScreen
from loket.tui.screens.help import HelpScreen
from loket.tui.screens.history import HistoryScreen
from loket.tui.screens.login import LoginScreen
from loket.tui.screens.queue import QueueScreen
from loket.tui.screens.shift import ShiftCloseScreen, ShiftOpenScreen, signed_rupiah
from loket.tui.screens.wizard import SetupWizard

log = logging.getLogger("loket.tui")

HEALTH_EVERY_S = 15.0
FORWARD_EVERY_S = 10.0

# The app's own keys: shown by the screens that offer them (each footer lists its screen's keys).
_GUARDED = {
    "history",
    "queue",
    "shift",
    "dashboard",
    "settings",
    "sync_now",
    "other_shifts",
    "print_test",
    "command_palette",
    "help",
}


class LoketApp(BackgroundWork):
    TITLE = "loket"
    CSS_PATH = "dialogs.tcss"  # the rules every dialog shares
    COMMANDS = {LoketCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-normal"), (120, "-wide")]
    BINDINGS = [
        Binding("f1", "help", "Bantuan", show=False),
        Binding("f4", "history", "Riwayat", show=False),
        Binding("f5", "sync_now", "Kirim", show=False),
        Binding("f6", "queue", "Antrean", show=False),
        Binding("f7", "dashboard", "Dasbor", show=False),
        Binding("f8", "shift", "Shift", show=False),
        Binding("f10", "settings", "Pengaturan", show=False),
        Binding("ctrl+p", "command_palette", texts.PALETTE, show=False, priority=True),
        Binding("ctrl+q", "quit", texts.QUIT, priority=True, show=False),
    ]

    def __init__(
        self,
        runtime: Runtime,
        *,
        background: bool = True,
        blink: bool = True,
        forward_every_s: float = FORWARD_EVERY_S,
    ) -> None:
        super().__init__()
        self.runtime = runtime
        self.cashier_id = ""
        self.is_owner = False
        self.health: Health | None = None
        self.background = background  # tests turn the timers off for stable screens
        self.blink = blink  # snapshot tests freeze the cursor
        self.forward_every_s = forward_every_s
        self.forwarding = ForwardingLoop(runtime)  # timed by the screen; the hub beside it
        if runtime.training:
            self.sub_title = texts.TRAINING_BANNER

    def on_mount(self) -> None:
        self.keep_keys_to_their_screen()
        first_start = not self.runtime.accounts.has_owner()
        self.push_screen(SetupWizard() if first_start else LoginScreen())
        # the first screen is drawn first; the network and the forwarder can wait a frame
        self.call_after_refresh(self.check_health)
        if self.background:
            self.set_interval(HEALTH_EVERY_S, self.check_health)
            self.call_after_refresh(self.forward)
            self.set_interval(self.forward_every_s, self.forward)
            self.forwarding.start_hub()  # a thread of its own: never waits on the screen

    def on_unmount(self) -> None:
        self.forwarding.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The app's keys act only over a screen that allows them and is not busy."""
        if action not in _GUARDED or not self.screen_stack:
            return True
        screen = self.screen
        return not isinstance(screen, LoketScreen) or (screen.APP_KEYS and not screen.busy)

    def screen_busy(self) -> bool:
        screen = self.screen if self.screen_stack else None
        return isinstance(screen, LoketScreen) and screen.busy

    async def action_quit(self) -> None:
        if self.screen_busy():
            self.notify(texts.WAIT_PAYING, severity="warning")  # a payment is on the wire
            return
        self.exit()

    # -- moving between screens ----------------------------------------------------------------
    def reset_to(self, screen: Screen) -> None:
        """Make ``screen`` the only one above Textual's default screen, whatever was stacked.
        Safe to call from any state (a stack emptied by some other path, a dialog still open)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) == 2:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def owner_created(self) -> None:
        self.reset_to(LoginScreen())

    def logged_in(self, login: Login) -> None:
        """Called with what the login worker looked up: role, and whether a shift is open."""
        self.cashier_id, self.is_owner = login.account.id, login.account.is_owner
        self.reset_to(CounterScreen() if login.has_shift else ShiftOpenScreen())
        self.refresh_status()

    def to_counter(self) -> None:
        self.reset_to(CounterScreen())

    def logout(self) -> None:
        self.cashier_id, self.is_owner = "", False
        self.reset_to(LoginScreen())

    def next_customer(self, typed: str = "") -> None:
        """Back to the counter, cleared for the next family, from wherever the cashier is; with
        ``typed``, the first digit of the next number, the keys typed behind it follow it."""
        counters = [s for s in self.screen_stack if isinstance(s, CounterScreen)]
        if not counters:
            if self.cashier_id:
                self.to_counter()
            return
        counter = counters[-1]
        while self.screen is not counter:
            self.pop_screen()
        if typed:
            counter.start_number(typed)
            self.keep_typing()
        else:
            counter.clear()

    def close_screen(self, screen: Screen) -> None:
        """Close ``screen`` if it is on top; a second Esc finds it gone and does nothing."""
        if self.screen_stack and self.screen is screen and len(self.screen_stack) > 2:
            self.pop_screen()

    def shift_closed(self, report: ShiftReport, printed: str, screen: Screen) -> None:
        d = report.shift
        self.notify(
            texts.SHIFT_CLOSED.format(
                cashier=d.cashier_id, printed=printed, difference=signed_rupiah(d.difference or 0)
            ),
            timeout=10,
        )
        if d.cashier_id == self.cashier_id:
            self.logout()
        else:
            self.close_screen(screen)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker) -> None:
        """A worker raised something nobody expected: the traceback to the log, one line to the
        cashier saying what did not happen."""
        error = worker.error
        log.error("worker %s (%s) failed", worker.name, worker.group, exc_info=error)
        subject = texts.WORKER_SUBJECT.get(worker.group, texts.WORKER_SUBJECT_OTHER)
        self.notify(
            texts.WORKER_FAILED.format(subject=subject, error=type(error).__name__),
            severity="error",
            timeout=10,
        )

    # -- keys and the command palette -----------------------------------------------------------
    def _owner_only(self) -> bool:
        if not self.cashier_id:
            return False
        if not self.is_owner:
            self.notify(OWNER_ONLY, severity="error")
            return False
        return True

    def _opens(self, kind: type[Screen]) -> bool:
        """A key that opens a screen does nothing when that screen is already on top."""
        return bool(self.cashier_id) and not isinstance(self.screen, kind)

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder=texts.PALETTE_PLACEHOLDER, id="--command-palette")
            )

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_history(self) -> None:
        if self._opens(HistoryScreen):
            self.push_screen(HistoryScreen())

    def action_queue(self) -> None:
        if self._opens(QueueScreen):
            self.push_screen(QueueScreen())

    def action_shift(self) -> None:
        screen = self.screen
        if self._opens(ShiftCloseScreen) and not isinstance(screen, ShiftOpenScreen):
            if isinstance(screen, LoketScreen):  # keys typed until the shift opens are dropped;
                screen.busy = True  # a worker of the screen's own: an error frees it again
            screen.run_worker(
                partial(self.find_shift, screen),
                thread=True,
                exclusive=True,
                exit_on_error=False,
                group="shift",
            )

    def find_shift(self, asked_on: Screen) -> None:
        shift = self.runtime.counter.shifts.current(self.cashier_id)
        self.post_message(ShiftFound(asked_on, shift.id if shift else None))

    def on_loket_app_shift_found(self, found: ShiftFound) -> None:
        if isinstance(found.asked_on, LoketScreen):
            found.asked_on.busy = False
        if self.screen is not found.asked_on:  # the cashier moved on meanwhile
            return
        self.push_screen(ShiftCloseScreen(found.shift_id) if found.shift_id else ShiftOpenScreen())

    def action_dashboard(self) -> None:
        from loket.tui.screens.dashboard import DashboardScreen

        if self._owner_only() and not isinstance(self.screen, DashboardScreen):
            self.push_screen(DashboardScreen())

    def action_settings(self) -> None:
        from loket.tui.screens.settings import SettingsScreen

        if self._owner_only() and not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_other_shifts(self) -> None:
        from loket.tui.screens.shift_pick import ShiftPicker

        if self._owner_only() and not isinstance(self.screen, ShiftPicker):
            self.push_screen(ShiftPicker())

    def action_sync_now(self) -> None:
        if not self.cashier_id:
            return
        if self.forwarding.running:
            self.notify(texts.SYNC_RUNNING)
            return
        self.notify(texts.SYNC_NOW)
        self.forward(force=True)

    def action_print_test(self) -> None:
        self.print_test()

    @work(thread=True, exclusive=True, exit_on_error=False, group="printer")
    def print_test(self) -> None:
        self.post_message(TestPagePrinted(self.runtime.counter.print_test_page()))

    def on_loket_app_test_page_printed(self, printed: TestPagePrinted) -> None:
        result = printed.result
        self.notify(result.message, severity="information" if result.ok else "error")
