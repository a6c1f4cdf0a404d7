"""The owner picks an open shift (of any cashier) to close."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from loket.domain import times
from loket.domain.shifts import Shift
from loket.errors import LoketError
from loket.tui import texts
from loket.tui.screens.base import Dialog
from loket.tui.screens.shift import ShiftCloseScreen


class ShiftPicker(Dialog[None]):
    BINDINGS = [Binding("escape", "cancel", "Batal")]
    DEFAULT_CSS = """
    #pick { width: 56; max-height: 16; border: thick $accent; }
    """

    class Loaded(Message):
        def __init__(self, shifts: list[Shift], error: str = "") -> None:
            super().__init__()
            self.shifts, self.error = shifts, error

    def compose(self) -> ComposeResult:
        with Vertical(id="pick", classes="dialog-box") as box:
            box.border_title = "Shift yang masih terbuka"
            box.border_subtitle = texts.SHIFT_PICK_KEYS
            yield OptionList(Option(texts.LOADING, disabled=True), id="shifts")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="shift")
    def load(self) -> None:
        try:
            found = self.runtime.counter.shifts.open_ones(self.loket.cashier_id)
        except LoketError as exc:
            self.post_message(self.Loaded([], str(exc)))
            return
        self.post_message(self.Loaded(found))

    def on_shift_picker_loaded(self, loaded: Loaded) -> None:
        options = self.query_one("#shifts", OptionList)
        options.clear_options()
        if loaded.error or not loaded.shifts:
            options.add_option(Option(loaded.error or texts.NO_OPEN_SHIFTS, disabled=True))
            return
        options.add_options(
            Option(f"{s.cashier_id:<12} sejak {times.minute(s.opened_at)}", id=str(s.id))
            for s in loaded.shifts
        )
        options.highlighted = 0
        self.set_focus(options)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self.can_act() and event.option.id is not None:
            self.decided = True  # replaced by the shift, in one step
            self.app.switch_screen(ShiftCloseScreen(int(event.option.id)))

    def action_cancel(self) -> None:
        self.decide(None)
