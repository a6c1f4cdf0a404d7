"""An owner's id and PIN, asked for when a cashier's action needs approval (a refund)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from loket.errors import LoketError


class OwnerApproval(ModalScreen[str | None]):
    """Answers the approving owner's id, or None."""

    BINDINGS = [Binding("escape", "cancel", "Batal")]
    DEFAULT_CSS = """
    OwnerApproval { align: center middle; }
    #approval { width: 56; height: auto; border: thick $warning; padding: 1 2; background: $surface; }
    #approval Input { margin-bottom: 1; }
    #approval-error { color: $error; height: auto; }
    """

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="approval") as box:
            box.border_title = "Persetujuan pemilik"
            box.border_subtitle = "Esc batal"
            yield Static(self.why)
            yield Input(placeholder="ID pemilik", id="owner-id", compact=True)
            yield Input(placeholder="PIN pemilik", id="owner-pin", password=True,
                        restrict=r"[0-9]*", compact=True)
            yield Label("", id="approval-error")

    @on(Input.Submitted, "#owner-id")
    def _to_pin(self) -> None:
        self.query_one("#owner-pin", Input).focus()

    @on(Input.Submitted, "#owner-pin")
    def _submit(self) -> None:
        self.check(self.query_one("#owner-id", Input).value.strip(),
                   self.query_one("#owner-pin", Input).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def check(self, owner_id: str, pin: str) -> None:
        try:
            self.app.runtime.accounts.approve(owner_id, pin)
        except LoketError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        self.app.call_from_thread(self.dismiss, owner_id)

    def _refused(self, message: str) -> None:
        self.query_one("#approval-error", Label).update(message)
        self.query_one("#owner-pin", Input).value = ""

    def action_cancel(self) -> None:
        self.dismiss(None)
