"""Login: cashier id and PIN."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label, Static

from loket.errors import LoketError
from loket.service.accounts import Login
from loket.tui import texts
from loket.tui.screens.base import FORM_KEYS, FormKeys, LoketScreen
from loket.tui.widgets.status_line import StatusLine


class LoginScreen(FormKeys, LoketScreen):
    BINDINGS = [
        *FORM_KEYS,
        Binding("enter", "enter", "Masuk", priority=True),
        Binding("f1", "app.help", "Bantuan"),
        Binding("ctrl+q", "app.quit", texts.QUIT),
    ]
    DEFAULT_CSS = """
    #login-box { width: 60; border: round $accent; padding: 1 2; }
    #training-hint { background: $warning 30%; padding: 0 1; margin-bottom: 1; height: auto; }
    LoginScreen.-narrow #login-box { padding: 0 1; }
    """

    class Checked(Message):
        """The login worker's answer: who logged in, or why not."""

        def __init__(self, login: Login | None, error: str = "") -> None:
            super().__init__()
            self.login, self.error = login, error

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Vertical(id="login-box", classes="dialog-box dialog-form") as box:
            box.border_title = texts.LOGIN_TITLE
            runtime = self.runtime
            if runtime.training:
                host = runtime.training_host
                yield Static(
                    texts.LOGIN_TRAINING.format(
                        host=host.name if host else texts.TRAINING_HOST,
                        id="latihan",
                        owner="pemilik",
                        pin=runtime.training_pin,
                    ),
                    id="training-hint",
                    markup=False,
                )
            yield Label(texts.LOGIN_ID)
            yield Input(id="cashier-id", compact=True, value="latihan" if runtime.training else "")
            yield Label(texts.LOGIN_PIN)
            yield Input(id="pin", password=True, restrict=r"[0-9]*", max_length=12, compact=True)
            yield Label("", id="login-error", classes="dialog-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        first = self.query_one("#pin" if self.runtime.training else "#cashier-id", Input)
        first.focus()

    def submit(self) -> None:
        cashier_id = self.query_one("#cashier-id", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        self.query_one("#login-error", Label).update(texts.CHECKING)
        self.busy = True  # scrypt takes a moment: one check at a time
        self.check(cashier_id, pin)

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def check(self, cashier_id: str, pin: str) -> None:
        try:
            login = self.runtime.accounts.login(cashier_id, pin)
        except LoketError as exc:
            self.post_message(self.Checked(None, str(exc)))
            return
        self.post_message(self.Checked(login))

    def on_login_screen_checked(self, checked: Checked) -> None:
        if checked.login is not None:
            if self.is_active:
                self.loket.logged_in(checked.login)
            return
        self.busy = False
        self.query_one("#login-error", Label).update(checked.error)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        self.set_focus(pin)
