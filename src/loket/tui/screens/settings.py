"""F10 (owner): admin fee, offline limits, printer test, cashiers; the host key is never shown."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Input, Label, Static

from loket.errors import LoketError
from loket.service.owner_settings import FIELDS
from loket.tui import texts
from loket.tui.screens.base import FORM_KEYS, FormKeys, LoketScreen, after_typed
from loket.tui.widgets.status_line import StatusLine


def field_id(key: str) -> str:
    return key.replace(".", "-")


class SettingsScreen(FormKeys, LoketScreen):
    BINDINGS = [
        *FORM_KEYS,
        Binding("enter", "enter", "Berikutnya", priority=True, show=False),
        Binding("ctrl+s", "save", "Simpan"),
        Binding("f3", "cashiers", "Kasir"),
        Binding("ctrl+t", "app.print_test", "Uji printer"),
        Binding("escape", "close", "Kembali"),
    ]
    DEFAULT_CSS = """
    SettingsScreen { padding: 0 1; }
    #settings-box { height: auto; max-width: 90; border: round $accent; padding: 0 1; }
    #settings-grid { grid-size: 2; grid-columns: 1fr 16; grid-rows: 1; grid-gutter: 0 1;
                     height: auto; }
    #host-info { border: round $accent; padding: 0 1; height: auto; max-width: 90;
                 margin-top: 1; }
    #settings-status { height: auto; margin-top: 1; }
    #settings-status.error { color: $error; text-style: bold; }
    """

    class Loaded(Message):
        def __init__(self, values: dict[str, str], error: str = "") -> None:
            super().__init__()
            self.values, self.error = values, error

    class Saved(Message):
        def __init__(self, message: str, ok: bool) -> None:
            super().__init__()
            self.message, self.ok = message, ok

    def compose(self) -> ComposeResult:
        yield StatusLine()
        runtime = self.runtime
        with VerticalScroll():
            with Vertical(id="settings-box") as box:
                box.border_title = "Pengaturan (pemilik)"
                box.border_subtitle = texts.SETTINGS_KEYS
                with Grid(id="settings-grid"):
                    for field in FIELDS:
                        yield Label(field.label)
                        yield Input(id=field_id(field.key), compact=True, disabled=True)
            host = runtime.config.host
            key_source = (
                texts.KEY_FROM_ENV.format(name=host.key_env)
                if host.key_env
                else texts.KEY_TRAINING
                if runtime.training
                else texts.KEY_IN_CONFIG
            )
            printer = runtime.config.printer
            info = Static(
                texts.SETTINGS_CONNECTION.format(
                    url=host.url,
                    account=host.account,
                    key_source=key_source,
                    printer=printer.backend,
                    columns=printer.columns,
                ),
                id="host-info",
            )
            info.border_title = "Koneksi (dari file konfigurasi)"
            yield info
            yield Label(texts.LOADING, id="settings-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings")
    def load(self) -> None:
        try:
            values = self.runtime.settings.values(self.loket.cashier_id)
        except LoketError as exc:
            self.post_message(self.Loaded({}, str(exc)))
            return
        self.post_message(self.Loaded(values))

    def on_settings_screen_loaded(self, loaded: Loaded) -> None:
        if loaded.error:
            self._status(loaded.error, ok=False)
            return
        for field in FIELDS:
            box = self.query_one(f"#{field_id(field.key)}", Input)
            box.value = loaded.values[field.key]
            box.disabled = False
        self.set_focus(self.query_one(f"#{field_id(FIELDS[0].key)}", Input))
        self._status(texts.SETTINGS_HINT)

    def _status(self, message: str, ok: bool = True) -> None:
        label = self.query_one("#settings-status", Label)
        label.set_class(not ok, "error")
        label.update(message)

    def submit(self) -> None:
        self.busy = True
        self._save_typed()

    def action_save(self) -> None:
        self.busy = True  # read the fields once every key typed before Ctrl+S is in them
        after_typed(self.form_fields(), self._save_typed)

    def _save_typed(self) -> None:
        self.save({f.key: self.query_one(f"#{field_id(f.key)}", Input).value for f in FIELDS})

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings")
    def save(self, typed: dict[str, str]) -> None:
        try:
            changed = self.runtime.settings.change(self.loket.cashier_id, typed)
        except LoketError as exc:
            self.post_message(self.Saved(str(exc), False))
            return
        self.post_message(
            self.Saved(
                texts.SETTINGS_SAVED.format(count=changed) if changed else texts.SETTINGS_UNCHANGED,
                True,
            )
        )

    def on_settings_screen_saved(self, saved: Saved) -> None:
        self.busy = False
        self._status(saved.message, saved.ok)

    def action_cashiers(self) -> None:
        from loket.tui.screens.cashiers import CashiersScreen

        self.app.push_screen(CashiersScreen())

    def action_close(self) -> None:
        self.loket.close_screen(self)
