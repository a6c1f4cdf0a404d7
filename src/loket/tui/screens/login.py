"""Login: cashier id and PIN."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from loket.errors import LoketError
from loket.tui import texts
from loket.tui.widgets.status_line import StatusLine


class LoginScreen(Screen):
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    #login-box { width: 60; height: auto; border: round $accent; padding: 1 2; }
    #login-box Input { margin-bottom: 1; }
    #login-error { color: $error; height: auto; }
    #training-hint { background: $warning 30%; padding: 0 1; margin-bottom: 1; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Vertical(id="login-box") as box:
            box.border_title = texts.LOGIN_TITLE
            runtime = self.app.runtime
            if runtime.training:
                yield Static(
                    texts.LOGIN_TRAINING.format(id="latihan", owner="pemilik",
                                                pin=runtime.training_pin),
                    id="training-hint",
                )
            yield Label(texts.LOGIN_ID)
            yield Input(id="cashier-id", compact=True, value="latihan" if runtime.training else "")
            yield Label(texts.LOGIN_PIN)
            yield Input(id="pin", password=True, restrict=r"[0-9]*", max_length=12, compact=True)
            yield Label("", id="login-error")
        yield Footer()

    def on_mount(self) -> None:
        first = self.query_one("#pin" if self.app.runtime.training else "#cashier-id", Input)
        first.focus()

    @on(Input.Submitted, "#cashier-id")
    def _to_pin(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _submit(self) -> None:
        cashier_id = self.query_one("#cashier-id", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        self.query_one("#login-error", Label).update("Memeriksa…")
        self._check(cashier_id, pin)

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def _check(self, cashier_id: str, pin: str) -> None:
        try:  # scrypt takes a moment: off the UI thread
            login = self.app.runtime.accounts.login(cashier_id, pin)
        except LoketError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self.app.logged_in, login)

    def _failed(self, message: str) -> None:
        self.query_one("#login-error", Label).update(message)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()
