"""The owner's list of accounts: add a cashier, reset a PIN, deactivate."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label

from loket.errors import LoketError
from loket.tui.widgets.status_line import StatusLine
from loket.tui.widgets.tables import selected_key


class AccountForm(ModalScreen[tuple[str, str, str] | None]):
    """Id, name and PIN (twice) for a new cashier, or a new PIN for an existing one."""

    BINDINGS = [Binding("escape", "cancel", "Batal")]
    DEFAULT_CSS = """
    AccountForm { align: center middle; }
    #account { width: 56; height: auto; border: thick $accent; padding: 1 2; background: $surface; }
    #account-error { color: $error; height: auto; }
    """

    def __init__(self, cashier_id: str = "") -> None:
        super().__init__()
        self.cashier_id = cashier_id

    def compose(self) -> ComposeResult:
        with Vertical(id="account") as box:
            box.border_title = f"Reset PIN {self.cashier_id}" if self.cashier_id else "Kasir baru"
            yield Input(self.cashier_id, placeholder="ID kasir", id="acc-id", compact=True,
                        disabled=bool(self.cashier_id))
            yield Input(placeholder="Nama", id="acc-name", compact=True,
                        disabled=bool(self.cashier_id))
            yield Input(placeholder="PIN (min. 6 angka)", id="acc-pin1", password=True,
                        restrict=r"[0-9]*", compact=True)
            yield Input(placeholder="Ulangi PIN", id="acc-pin2", password=True,
                        restrict=r"[0-9]*", compact=True)
            yield Label("", id="account-error")

    def on_mount(self) -> None:
        self.query_one("#acc-pin1" if self.cashier_id else "#acc-id", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id != "acc-pin2":
            self.focus_next()
            return
        pin1, pin2 = (self.query_one(f"#acc-pin{i}", Input).value for i in (1, 2))
        if pin1 != pin2:
            self.query_one("#account-error", Label).update("PIN tidak sama")
            return
        self.dismiss((self.query_one("#acc-id", Input).value.strip(),
                      self.query_one("#acc-name", Input).value.strip(), pin1))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CashiersScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Kembali"),
        Binding("a", "add", "Tambah"),
        Binding("p", "reset", "Reset PIN"),
        Binding("d", "deactivate", "Nonaktifkan"),
    ]

    def compose(self) -> ComposeResult:
        yield StatusLine()
        table = DataTable(id="cashiers", cursor_type="row")
        table.add_columns("ID", "Nama", "Peran", "Status")
        yield table
        yield Label("", id="cashiers-status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="cashiers")
    def load(self) -> None:
        try:
            found = self.app.runtime.accounts.list(self.app.cashier_id)
        except LoketError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._fill, found)

    def _fill(self, found) -> None:
        table = self.query_one("#cashiers", DataTable)
        table.clear()
        for c in found:
            table.add_row(c.id, c.name, c.role_label, "aktif" if c.active else "nonaktif",
                          key=c.id)
        table.focus()

    def _selected(self) -> str | None:
        return selected_key(self.query_one("#cashiers", DataTable))

    def action_add(self) -> None:
        self.app.push_screen(AccountForm(), self._add)

    def action_reset(self) -> None:
        chosen = self._selected()
        if chosen:
            self.app.push_screen(AccountForm(chosen), self._reset)

    def _add(self, form: tuple[str, str, str] | None) -> None:
        if form:
            self.save(False, *form)

    def _reset(self, form: tuple[str, str, str] | None) -> None:
        if form:
            self.save(True, *form)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cashiers")
    def save(self, reset: bool, cashier_id: str, name: str, pin: str) -> None:
        desk, actor = self.app.runtime.accounts, self.app.cashier_id
        try:
            if reset:
                desk.reset_pin(actor, cashier_id, pin)
            else:
                desk.add(actor, cashier_id, name, pin)
        except LoketError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.notify, f"{cashier_id} disimpan")
        self.load()

    def action_deactivate(self) -> None:
        chosen = self._selected()
        if chosen:
            self.deactivate(chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cashiers")
    def deactivate(self, cashier_id: str) -> None:
        try:
            self.app.runtime.accounts.deactivate(self.app.cashier_id, cashier_id)
        except LoketError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.load()
