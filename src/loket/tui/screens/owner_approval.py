"""An owner's id and PIN, asked for when a cashier's action needs approval (a refund)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label, Static

from loket.errors import LoketError
from loket.tui import texts
from loket.tui.screens.base import FORM_KEYS, Dialog, FormKeys


class OwnerApproval(FormKeys, Dialog[str | None]):
    """Answers the approving owner's id, or None."""

    BINDINGS = [
        *FORM_KEYS,
        Binding("enter", "enter", "Setujui", priority=True),
        Binding("escape", "cancel", "Batal"),
    ]
    DEFAULT_CSS = """
    #approval { width: 56; border: thick $warning; padding: 1 2; }
    """

    class Checked(Message):
        def __init__(self, owner_id: str | None, error: str = "") -> None:
            super().__init__()
            self.owner_id, self.error = owner_id, error

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="approval", classes="dialog-box dialog-form") as box:
            box.border_title = "Persetujuan pemilik"
            box.border_subtitle = texts.ESC_CANCEL
            yield Static(self.why)
            yield Label("ID pemilik")
            yield Input(id="owner-id", compact=True)
            yield Label("PIN pemilik")
            yield Input(id="owner-pin", password=True, restrict=r"[0-9]*", compact=True)
            yield Label("", id="approval-error", classes="dialog-error")
        yield Footer(compact=True)

    def submit(self) -> None:
        self.busy = True
        self.check(
            self.query_one("#owner-id", Input).value.strip(),
            self.query_one("#owner-pin", Input).value,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def check(self, owner_id: str, pin: str) -> None:
        try:
            self.runtime.accounts.approve(owner_id, pin)
        except LoketError as exc:
            self.post_message(self.Checked(None, str(exc)))
            return
        self.post_message(self.Checked(owner_id))

    def on_owner_approval_checked(self, checked: Checked) -> None:
        self.busy = False
        if checked.owner_id:
            self.decide(checked.owner_id)
            return
        self.query_one("#approval-error", Label).update(checked.error)
        self.query_one("#owner-pin", Input).value = ""

    def action_cancel(self) -> None:
        self.decide(None)
