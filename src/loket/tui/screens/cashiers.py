"""The owner's list of accounts (F10, F3): add a cashier, reset a PIN, deactivate, reactivate."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Label

from loket.domain.accounts import Account
from loket.errors import LoketError
from loket.service.accounts import check_new_id, check_new_pin
from loket.tui import texts
from loket.tui.screens.base import FORM_KEYS, Dialog, FormKeys, LoketScreen
from loket.tui.screens.confirm import Confirm
from loket.tui.widgets.status_line import StatusLine
from loket.tui.widgets.tables import selected_key, selected_row


class AccountForm(FormKeys, Dialog[str | None]):
    """A new cashier (ID, name, PIN twice), or a new PIN for one: checked and saved here, so a
    mistake is shown beside what was typed and nothing typed is lost. Answers the saved ID."""

    BINDINGS = [
        *FORM_KEYS,
        Binding("enter", "enter", "Simpan", priority=True),
        Binding("escape", "cancel", "Batal"),
    ]
    DEFAULT_CSS = """
    #account { width: 56; border: thick $accent; padding: 1 2; }
    """

    class Saved(Message):
        def __init__(self, error: str = "") -> None:
            super().__init__()
            self.error = error

    def __init__(self, account: Account | None = None) -> None:
        super().__init__()
        self.account = account  # None: a new cashier

    def compose(self) -> ComposeResult:
        with Vertical(id="account", classes="dialog-box dialog-form") as box:
            if self.account is None:
                box.border_title = "Kasir baru"
                yield Label(texts.ACCOUNT_ID_PROMPT)
                yield Input(id="acc-id", compact=True)
                yield Label("Nama")
                yield Input(id="acc-name", compact=True)
            else:
                box.border_title = f"Reset PIN {self.account.id} ({self.account.name})"
            yield Label(texts.ACCOUNT_PIN_PROMPT)
            yield Input(id="acc-pin1", password=True, restrict=r"[0-9]*", compact=True)
            yield Label("Ulangi PIN")
            yield Input(id="acc-pin2", password=True, restrict=r"[0-9]*", compact=True)
            yield Label("", id="account-error", classes="dialog-error")
        yield Footer(compact=True)

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value.strip()

    def _error(self, message: str) -> None:
        self.query_one("#account-error", Label).update(message)

    def submit(self) -> None:
        pin1, pin2 = self._value("acc-pin1"), self._value("acc-pin2")
        try:
            cashier_id = self.account.id if self.account else self._value("acc-id")
            if self.account is None:
                check_new_id(cashier_id)
            check_new_pin(pin1)
        except LoketError as exc:
            self._error(str(exc))
            return
        if pin1 != pin2:
            self._error(texts.PIN_MISMATCH_RETYPE)
            return
        self._error(texts.SAVING)
        self.busy = True
        name = "" if self.account else self._value("acc-name")
        self.save(cashier_id, name, pin1)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cashiers")
    def save(self, cashier_id: str, name: str, pin: str) -> None:
        desk, actor = self.runtime.accounts, self.loket.cashier_id
        try:
            if self.account is not None:
                desk.reset_pin(actor, cashier_id, pin)
            else:
                desk.add(actor, cashier_id, name, pin)
        except LoketError as exc:
            self.post_message(self.Saved(str(exc)))
            return
        self.post_message(self.Saved())

    def on_account_form_saved(self, saved: Saved) -> None:
        self.busy = False
        if saved.error:
            self._error(saved.error)
            return
        self.decide(self.account.id if self.account else self._value("acc-id"))

    def action_cancel(self) -> None:
        self.decide(None)


class CashiersScreen(LoketScreen):
    BINDINGS = [
        Binding("a", "add", "Tambah"),
        Binding("p", "reset", "Reset PIN"),
        Binding("d", "deactivate", "Nonaktifkan"),
        Binding("u", "reactivate", "Aktifkan lagi"),
        Binding("escape", "close", "Kembali"),
    ]
    DEFAULT_CSS = """
    CashiersScreen { padding: 0 1; }
    #cashiers { height: 1fr; }
    #cashiers-status { height: auto; color: $text-muted; }
    """

    class Loaded(Message):
        def __init__(self, found: list[Account], error: str = "") -> None:
            super().__init__()
            self.found, self.error = found, error

    class Changed(Message):
        def __init__(self, message: str, ok: bool) -> None:
            super().__init__()
            self.message, self.ok = message, ok

    def __init__(self) -> None:
        super().__init__()
        self.accounts: dict[str, Account] = {}

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label("Akun kasir dan pemilik", id="cashiers-title")
        table: DataTable[str] = DataTable(id="cashiers", cursor_type="row")
        table.add_columns("ID", "Nama", "Peran", "Status")
        yield table
        yield Label(texts.LOADING, id="cashiers-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#cashiers", DataTable).focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        chosen = self._selected()
        hidden = {
            "deactivate": chosen is None or not chosen.active or chosen.id == self.loket.cashier_id,
            "reactivate": chosen is None or chosen.active,
            "reset": chosen is None,
        }
        if hidden.get(action, False):
            return False
        return super().check_action(action, parameters)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cashiers")
    def load(self) -> None:
        try:
            found = self.runtime.accounts.list(self.loket.cashier_id)
        except LoketError as exc:
            self.post_message(self.Loaded([], str(exc)))
            return
        self.post_message(self.Loaded(found))

    def on_cashiers_screen_loaded(self, loaded: Loaded) -> None:
        if loaded.error:
            self.query_one("#cashiers-status", Label).update(loaded.error)
            return
        table = self.query_one("#cashiers", DataTable)
        keep = selected_key(table)
        table.clear()
        self.accounts = {a.id: a for a in loaded.found}
        for a in loaded.found:
            table.add_row(a.id, a.name, a.role_label, "aktif" if a.active else "nonaktif", key=a.id)
        if keep in self.accounts:
            table.move_cursor(row=table.get_row_index(keep))
        active = sum(1 for a in loaded.found if a.active)
        self.query_one("#cashiers-status", Label).update(
            texts.ACCOUNTS_COUNT.format(count=len(loaded.found), active=active)
        )
        self.refresh_bindings()

    @on(DataTable.RowHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()  # d or u, depending on the row

    def _selected(self) -> Account | None:
        tables = self.query("#cashiers").results(DataTable)
        table = next(tables, None)
        return selected_row(table, self.accounts) if table is not None else None

    def action_add(self) -> None:
        self.app.push_screen(AccountForm(), self._saved)

    def action_reset(self) -> None:
        chosen = self._selected()
        if chosen:
            self.app.push_screen(AccountForm(chosen), self._saved)

    def _saved(self, cashier_id: str | None) -> None:
        if cashier_id:
            self.notify(texts.ACCOUNT_SAVED.format(cashier=cashier_id))
            self.load()

    def action_deactivate(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return

        def answered(yes: bool | None) -> None:
            if yes and self.is_active:
                self.set_active(chosen.id, False)

        self.app.push_screen(
            Confirm(
                "Nonaktifkan kasir",
                texts.DEACTIVATE_QUESTION.format(cashier=chosen.id, name=chosen.name),
                texts.DEACTIVATE_KEYS,
            ),
            answered,
        )

    def action_reactivate(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.set_active(chosen.id, True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cashiers")
    def set_active(self, cashier_id: str, active: bool) -> None:
        desk, actor = self.runtime.accounts, self.loket.cashier_id
        try:
            if active:
                desk.reactivate(actor, cashier_id)
            else:
                desk.deactivate(actor, cashier_id)
        except LoketError as exc:
            self.post_message(self.Changed(str(exc), False))
            return
        done = texts.ACCOUNT_REACTIVATED if active else texts.ACCOUNT_DEACTIVATED
        self.post_message(self.Changed(done.format(cashier=cashier_id), True))

    def on_cashiers_screen_changed(self, changed: Changed) -> None:
        self.notify(changed.message, severity="information" if changed.ok else "error")
        self.load()

    def action_close(self) -> None:
        self.loket.close_screen(self)
