"""The owner picks an open shift (of any cashier) to close."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from loket.domain.shifts import Shift


class ShiftPicker(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "Batal")]
    DEFAULT_CSS = """
    ShiftPicker { align: center middle; }
    #pick { width: 56; height: auto; max-height: 16; border: thick $accent; background: $surface; }
    """

    def __init__(self, open_shifts: list[Shift]) -> None:
        super().__init__()
        self.open_shifts = open_shifts

    def compose(self) -> ComposeResult:
        with Vertical(id="pick") as box:
            box.border_title = "Shift yang masih terbuka"
            options = [Option(f"{s.cashier_id:<12} sejak {s.opened_at[:16].replace('T', ' ')}",
                              id=str(s.id)) for s in self.open_shifts]
            yield OptionList(*options) if options else OptionList(Option("(tidak ada)",
                                                                         disabled=True))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
