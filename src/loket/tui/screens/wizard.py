"""First start with an empty database: create the owner's account."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from loket.errors import LoketError
from loket.tui.widgets.status_line import StatusLine

WELCOME = ("Selamat datang di loket. Database masih kosong: buat akun PEMILIK dulu. Pemilik "
           "menambah kasir, melihat laporan dan menyetujui pengembalian uang.")


class SetupWizard(Screen):
    DEFAULT_CSS = """
    SetupWizard { align: center middle; }
    #wizard { width: 64; height: auto; border: round $accent; padding: 1 2; }
    #wizard Input { margin-bottom: 1; }
    #wizard-error { color: $error; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Vertical(id="wizard") as box:
            box.border_title = "Persiapan pertama"
            yield Static(WELCOME)
            yield Label("ID pemilik")
            yield Input(id="owner-id", value="pemilik", compact=True)
            yield Label("Nama")
            yield Input(id="owner-name", compact=True)
            yield Label("PIN (minimal 6 angka), dua kali")
            yield Input(id="pin1", password=True, restrict=r"[0-9]*", compact=True)
            yield Input(id="pin2", password=True, restrict=r"[0-9]*", compact=True)
            yield Label("", id="wizard-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#owner-name", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = ["owner-id", "owner-name", "pin1", "pin2"]
        current = order.index(event.input.id)
        if current < len(order) - 1:
            self.query_one(f"#{order[current + 1]}", Input).focus()
            return
        values = {i: self.query_one(f"#{i}", Input).value.strip() for i in order}
        if values["pin1"] != values["pin2"]:
            self._error("PIN tidak sama")
            return
        self.create(values["owner-id"], values["owner-name"] or values["owner-id"], values["pin1"])

    @work(thread=True, exclusive=True, exit_on_error=False, group="wizard")
    def create(self, owner_id: str, name: str, pin: str) -> None:
        try:
            self.app.runtime.accounts.create_first_owner(owner_id, name, pin)
        except LoketError as exc:
            self.app.call_from_thread(self._error, str(exc))
            return
        self.app.call_from_thread(self.app.owner_created)

    def _error(self, message: str) -> None:
        self.query_one("#wizard-error", Label).update(message)
