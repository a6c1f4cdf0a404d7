"""F10 (owner): admin fee, offline limits, printer test; the host key is never shown."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from loket.errors import LoketError
from loket.service.owner_settings import FIELDS
from loket.tui.widgets.status_line import StatusLine


class SettingsScreen(Screen):
    BINDINGS = [
        Binding("escape,f10", "app.pop_screen", "Kembali"),
        Binding("ctrl+s", "save", "Simpan"),
        Binding("ctrl+t", "app.print_test", "Uji printer"),
        Binding("f3", "cashiers", "Kasir"),
    ]
    DEFAULT_CSS = """
    SettingsScreen { padding: 0 1; }
    #settings-grid { grid-size: 2; grid-columns: 40 1fr; grid-rows: 1; grid-gutter: 0 1;
                     height: auto; }
    #host-info { border: round $accent; padding: 0 1; height: auto; margin-top: 1; }
    #settings-status { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield StatusLine()
        runtime = self.app.runtime
        values = runtime.settings.values(self.app.cashier_id)
        with VerticalScroll():
            with Grid(id="settings-grid"):
                for field in FIELDS:
                    yield Label(field.label)
                    yield Input(values[field.key], id=field.key.replace(".", "-"), compact=True)
            host = runtime.config.host
            key_source = (f"dari variabel {host.key_env}" if host.key_env
                          else "kunci sesi latihan" if runtime.training else "di file konfigurasi")
            info = Static(f"Host {host.url}  ·  agen {host.agent_id}\n"
                          f"Kunci host: disembunyikan ({key_source})\n"
                          f"Printer: {runtime.config.printer.backend}, "
                          f"{runtime.config.printer.columns} kolom", id="host-info")
            info.border_title = "Koneksi (dari file konfigurasi)"
            yield info
            yield Label("Ctrl+S simpan · Ctrl+T uji printer · F3 kelola kasir",
                        id="settings-status")
        yield Footer()

    def action_save(self) -> None:
        typed = {f.key: self.query_one(f"#{f.key.replace('.', '-')}", Input).value
                 for f in FIELDS}
        self.save(typed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings")
    def save(self, typed: dict[str, str]) -> None:
        try:
            changed = self.app.runtime.settings.change(self.app.cashier_id, typed)
        except LoketError as exc:
            message = str(exc)
        else:
            message = f"{changed} pengaturan disimpan" if changed else "Tidak ada perubahan"
        self.app.call_from_thread(self.query_one("#settings-status", Label).update, message)

    def action_cashiers(self) -> None:
        from loket.tui.screens.cashiers import CashiersScreen

        self.app.push_screen(CashiersScreen())
