"""F1: the keys, and the simulator's test numbers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Footer, Static

from loket.tui import texts
from loket.tui.screens.base import Dialog


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Tutup")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help { width: 64; max-width: 100%; height: auto; max-height: 1fr; border: round $accent;
            padding: 0 1; background: $surface; scrollbar-size-vertical: 1; }
    #help-grid { grid-size: 1; grid-gutter: 1 2; height: auto; }
    #help-grid Static { width: 1fr; height: auto; }
    HelpScreen.-wide #help { width: 116; }
    HelpScreen.-wide #help-grid { grid-size: 2; grid-columns: 58 1fr; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = "Bantuan"
            box.border_subtitle = "↑↓ gulir · Esc tutup"
            with Grid(id="help-grid"):
                yield Static(texts.HELP_KEYS)
                yield Static(texts.HELP_NUMBERS)
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.decide(None)
