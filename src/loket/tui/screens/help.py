"""F1: the keys, and the simulator's test numbers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from loket.tui import texts


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "Tutup")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 76; height: auto; max-height: 22; border: round $accent; padding: 0 1;
            background: $surface; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = "Bantuan"
            box.border_subtitle = "Esc tutup"
            yield Static(texts.HELP)
