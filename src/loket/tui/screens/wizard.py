"""First start with an empty database: create the owner's account."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label, Static

from loket.errors import LoketError
from loket.tui import texts
from loket.tui.screens.base import FORM_KEYS, FormKeys, LoketScreen
from loket.tui.widgets.status_line import StatusLine


class SetupWizard(FormKeys, LoketScreen):
    BINDINGS = [
        *FORM_KEYS,
        Binding("enter", "enter", "Lanjut", priority=True),
        Binding("ctrl+q", "app.quit", texts.QUIT),
    ]
    DEFAULT_CSS = """
    #wizard { width: 64; border: round $accent; padding: 1 2; }
    SetupWizard.-narrow #wizard { padding: 0 1; }
    """

    class Created(Message):
        def __init__(self, error: str = "") -> None:
            super().__init__()
            self.error = error

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Vertical(id="wizard", classes="dialog-box dialog-form") as box:
            box.border_title = "Persiapan pertama"
            yield Static(texts.WELCOME)
            yield Label("ID pemilik")
            yield Input(id="owner-id", value="pemilik", compact=True)
            yield Label("Nama")
            yield Input(id="owner-name", compact=True)
            yield Label(texts.OWNER_PIN_PROMPT)
            yield Input(id="pin1", password=True, restrict=r"[0-9]*", compact=True)
            yield Input(id="pin2", password=True, restrict=r"[0-9]*", compact=True)
            yield Label("", id="wizard-error", classes="dialog-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#owner-name", Input).focus()

    def submit(self) -> None:
        values = {f.id: f.value.strip() for f in self.query(Input)}
        if values["pin1"] != values["pin2"]:
            self._error(texts.PIN_MISMATCH)
            return
        self.busy = True
        self.create(values["owner-id"], values["owner-name"] or values["owner-id"], values["pin1"])

    @work(thread=True, exclusive=True, exit_on_error=False, group="wizard")
    def create(self, owner_id: str, name: str, pin: str) -> None:
        try:
            self.runtime.accounts.create_first_owner(
                owner_id, name, pin, self.runtime.config.counter.pos_account
            )
        except LoketError as exc:
            self.post_message(self.Created(str(exc)))
            return
        self.post_message(self.Created())

    def on_setup_wizard_created(self, created: Created) -> None:
        if not created.error:
            self.loket.owner_created()
            return
        self.busy = False
        self._error(created.error)

    def _error(self, message: str) -> None:
        self.query_one("#wizard-error", Label).update(message)
