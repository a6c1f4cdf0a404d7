"""The receipt at paper width, as the printer would put it."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from loket.printing.slip import QR, Element, as_text
from loket.tui import texts
from loket.tui.widgets.qr import qr_text


class ReceiptPreview(VerticalScroll):
    """The slip's lines; when there is no slip (a failed payment), the reason instead."""

    DEFAULT_CSS = """
    ReceiptPreview { border: round $accent; background: $surface;
                     scrollbar-size-vertical: 1; }
    ReceiptPreview > Static { width: auto; }
    ReceiptPreview > Static.reason { width: 1fr; color: $text-muted; padding: 1 1; }
    """

    def __init__(self, elements: list[Element], columns: int, reason: str = "", **kw) -> None:
        super().__init__(**kw)
        self.elements = elements
        self.columns = columns
        self.reason = reason
        self.border_title = "Struk"
        self.styles.width = columns + 3  # the paper, its frame and a scroll bar

    def compose(self):
        if not self.elements:
            yield Static(self.reason or texts.NO_SLIP, classes="reason")
            return
        text = Text(no_wrap=True)
        for element in self.elements:
            if isinstance(element, QR):
                text.append("\n")
                text.append_text(qr_text(element.payload))
                text.append("\n")
            else:
                text.append("\n".join(as_text([element], self.columns)) + "\n")
        yield Static(text)
