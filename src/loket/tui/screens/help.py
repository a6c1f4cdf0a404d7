"""F1: the keys the counter offers on this host, and in training the simulated host's own test
numbers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.markup import escape
from textual.widgets import Footer, Static

from loket.service.runtime import TrainingHost
from loket.tui import texts
from loket.tui.screens.base import Dialog


def numbers_text(host: TrainingHost) -> str:
    lines = [texts.HELP_NUMBERS.format(host=escape(host.name))]
    lines += [f"  {number:<13}  {escape(shows)}" for number, shows in host.numbers]
    return "\n".join(lines)


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Tutup")]
    DEFAULT_CSS = """
    #help { width: 64; max-height: 1fr; border: round $accent; padding: 0 1;
            scrollbar-size-vertical: 1; }
    #help-grid { grid-size: 1; grid-gutter: 1 2; height: auto; }
    #help-grid Static { width: 1fr; height: auto; }
    HelpScreen.-wide #help { width: 116; }
    HelpScreen.-wide #help-grid { grid-size: 2; grid-columns: 58 1fr; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog-box") as box:
            box.border_title = "Bantuan"
            box.border_subtitle = texts.HELP_SCROLL_KEYS
            with Grid(id="help-grid"):
                ahead = texts.HELP_AHEAD if self.runtime.counter.pays_ahead else ""
                yield Static(texts.HELP_KEYS.format(ahead=ahead))
                if self.runtime.training_host is not None:
                    yield Static(numbers_text(self.runtime.training_host), id="help-numbers")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.decide(None)
