"""The receipt at paper width, as the printer would put it."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from loket.printing.slip import QR, Element, as_text
from loket.tui.widgets.qr import qr_text


class ReceiptPreview(VerticalScroll):
    DEFAULT_CSS = """
    ReceiptPreview { width: 35; border: round $accent; background: $surface;
                     scrollbar-size-vertical: 1; }
    ReceiptPreview > Static { width: auto; }
    """

    def __init__(self, elements: list[Element], columns: int, **kw) -> None:
        super().__init__(**kw)
        self.elements = elements
        self.columns = columns
        self.border_title = "Struk"

    def compose(self):
        text = Text(no_wrap=True)
        for element in self.elements:
            if isinstance(element, QR):
                text.append("\n")
                text.append_text(qr_text(element.payload))
                text.append("\n")
            else:
                text.append("\n".join(as_text([element], self.columns)) + "\n")
        yield Static(text)
