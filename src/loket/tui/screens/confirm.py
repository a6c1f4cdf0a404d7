"""A yes/no question before something that cannot be undone (closing a shift, deactivating a
cashier). Yes is ``Y``, not Enter: the Enter that asked the question, pressed twice, must not
answer it."""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, Static

from loket.tui.screens.base import Dialog


class Confirm(Dialog[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Ya"),
        Binding("escape,n,t", "answer(False)", "Tidak"),
    ]
    DEFAULT_CSS = """
    #confirm-box { width: 64; border: thick $error; padding: 1 2; }
    #confirm-keys { margin-top: 1; text-style: bold; }
    """

    def __init__(self, title: str, body: RenderableType, keys: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog-box") as box:
            box.border_title = self.title_text
            yield Static(self.body)
            yield Label(self.keys, id="confirm-keys")
        yield Footer(compact=True)

    def action_answer(self, yes: bool) -> None:
        self.decide(yes)
