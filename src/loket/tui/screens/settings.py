"""F10 (owner): admin fee, offline limits, printer test; the host key is never shown."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from loket.clock import iso
from loket.store import settings
from loket.tui.widgets.status_line import StatusLine

FIELDS = (
    ("fees.admin", "Biaya admin per transaksi (Rp)"),
    ("offline.enabled", "Terima pembayaran offline (ya/tidak)"),
    ("offline.family_max_age_days", "Data keluarga paling lama (hari)"),
    ("offline.max_payment", "Maks. per pembayaran offline (Rp)"),
    ("offline.max_total", "Maks. total antre (Rp)"),
    ("offline.max_count", "Maks. jumlah antre"),
    ("offline.max_age_hours", "Maks. umur antre (jam)"),
)


def current_values(runtime) -> dict[str, object]:
    limits = runtime.counter.offline.limits
    values = {"fees.admin": runtime.counter.settings.admin_fee}
    for key, _label in FIELDS[1:]:
        values[key] = getattr(limits, key.split(".", 1)[1])
    return values


def parse(key: str, text: str) -> object:
    kind = settings.EDITABLE[key]
    if kind is bool:
        if text.strip().lower() not in ("ya", "tidak"):
            raise ValueError("isi ya atau tidak")
        return text.strip().lower() == "ya"
    cleaned = text.replace(".", "").strip()
    if not cleaned.isdigit():
        raise ValueError("harus angka")
    return int(cleaned)


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
        values = current_values(runtime)
        with VerticalScroll():
            with Grid(id="settings-grid"):
                for key, label in FIELDS:
                    yield Label(label)
                    value = values[key]
                    shown = ("ya" if value else "tidak") if isinstance(value, bool) else str(value)
                    yield Input(shown, id=key.replace(".", "-"), compact=True)
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
        changes = {}
        before = current_values(self.app.runtime)
        for key, label in FIELDS:
            text = self.query_one(f"#{key.replace('.', '-')}", Input).value
            try:
                value = parse(key, text)
            except ValueError as exc:
                self.query_one("#settings-status", Label).update(f"{label}: {exc}")
                return
            if value != before[key]:
                changes[key] = value
        self.save(changes)

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings")
    def save(self, changes: dict) -> None:
        runtime = self.app.runtime
        now = iso(runtime.clock.now())
        for key, value in changes.items():
            settings.change(runtime.engine, key, value, self.app.cashier_id, now)
        runtime.apply_settings()
        message = f"{len(changes)} pengaturan disimpan" if changes else "Tidak ada perubahan"
        self.app.call_from_thread(self.query_one("#settings-status", Label).update, message)

    def action_cashiers(self) -> None:
        from loket.tui.screens.cashiers import CashiersScreen

        self.app.push_screen(CashiersScreen())
