"""Q on a result or a payment's detail: the receipt's QR, big and alone, for the customer to scan
or photograph when the paper ran out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label

from loket.tui import texts
from loket.tui.screens.base import Dialog
from loket.tui.widgets.qr import QrView


class QrScreen(Dialog[None]):
    BINDINGS = [Binding("escape,q", "close", "Tutup")]
    DEFAULT_CSS = """
    #qr-box { width: 100%; height: 1fr; border: round $accent; background: $surface;
              padding: 0 1; }
    #qr-ref { width: 100%; text-align: center; height: 1; }
    """

    def __init__(self, payload: str, ref: str) -> None:
        super().__init__()
        self.payload = payload
        self.ref = ref

    def compose(self) -> ComposeResult:
        with Vertical(id="qr-box") as box:
            box.border_title = "QR struk"
            box.border_subtitle = texts.ESC_CLOSE
            yield QrView(self.payload)
            yield Label(f"Ref {self.ref}", id="qr-ref")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.decide(None)
