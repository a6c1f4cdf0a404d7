"""What every loket screen shares: a typed way to the app, and one discipline for input.

The counter is worked fast (a barcode scanner, a cashier who presses Enter twice), so every screen
follows the same rules, written once here and in ``LoketApp`` (issue #7):

- a key acts only on the screen it was typed on: ``LoketApp.on_event`` drops a key whose screen
  was replaced before the key was handled, instead of letting it act on the next screen;
- a screen acts only while it is on top and not busy: ``check_action`` for bindings,
  ``can_act()`` for message handlers (an ``Input.Submitted`` queued twice is handled once);
- a dialog decides once: ``Dialog.decide`` dismisses at most once, and only from the top;
- work that must not happen twice (a payment, closing a shift) runs in one worker started once,
  with the screen ``busy`` until it answers with a message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from loket.service.runtime import Runtime
    from loket.tui.app import LoketApp

T = TypeVar("T")


class LoketScreen(Screen[T]):
    APP_KEYS: ClassVar[bool] = True
    """Whether the app's keys (F4 history, F6 queue, F8 shift, Ctrl+P …) may act over this screen."""

    busy: reactive[bool] = reactive(False, bindings=True)
    """Set while this screen's decisive worker runs: its keys are shown dimmed and do nothing."""

    @property
    def loket(self) -> LoketApp:
        return cast("LoketApp", self.app)

    @property
    def runtime(self) -> Runtime:
        return self.loket.runtime

    def can_act(self) -> bool:
        """On top and not waiting for a worker: the only time a screen may act."""
        return self.is_active and not self.busy

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_active:
            return False
        return None if self.busy else True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker of this screen raised: the screen takes keys again, the app says what did not
        happen (and logs why)."""
        if event.state is WorkerState.ERROR:
            self.busy = False
            self.loket.worker_failed(event.worker)

    def on_mount(self) -> None:
        if not self.loket.blink:  # snapshot tests: the cursor cell must not depend on timing
            for field in self.query(Input):
                field.cursor_blink = False


class Dialog(LoketScreen[T], ModalScreen[T]):
    """A modal question: answers once, by ``decide``, and only while it is on top."""

    APP_KEYS = False

    def __init__(self) -> None:
        super().__init__()
        self.decided = False

    def can_act(self) -> bool:
        return super().can_act() and not self.decided

    def decide(self, result: T) -> None:
        if not self.can_act():
            return
        self.decided = True
        self.dismiss(result)


def after_typed(fields: Sequence[Widget], then: Callable[[], None]) -> None:
    """Run ``then`` once every key already sent to ``fields`` has landed in them.

    Keys are queued on the widget that had focus when they arrived; a callback queued behind them
    on each field in turn runs after all of them, so a form read then holds what was typed.
    """
    if not fields:
        then()
        return
    first, rest = fields[0], fields[1:]
    first.call_later(after_typed, rest, then)


FORM_KEYS = [
    Binding("tab", "next_field", show=False, priority=True),
    Binding("shift+tab", "previous_field", show=False, priority=True),
]


if TYPE_CHECKING:  # a mixin for LoketScreen subclasses: typed as one, a plain class at run time
    _Form = LoketScreen[Any]
else:
    _Form = object


class FormKeys(_Form):
    """Tab, Shift+Tab and Enter for a screen of fields, safe at a scanner's speed.

    Focus moves when the key arrives (priority bindings), so the next key already goes to the next
    field; and a form is read only after every key typed before Enter has landed (``after_typed``).
    The screen binds ``enter`` to ``action_enter`` with ``priority=True`` and implements ``submit``;
    any other key of the form that changes a field (F5 "exact amount") is a priority binding too,
    so that it happens in the order typed, before an Enter that follows it.
    """

    def form_fields(self) -> list[Input]:
        return [field for field in self.query(Input) if field.focusable]

    def submit(self) -> None:
        raise NotImplementedError

    def _move(self, step: int) -> None:
        fields = self.form_fields()
        if not fields:
            return
        at = fields.index(self.focused) if self.focused in fields else -step
        self.set_focus(fields[(at + step) % len(fields)])

    def action_next_field(self) -> None:
        self._move(1)

    def action_previous_field(self) -> None:
        self._move(-1)

    def action_enter(self) -> None:
        fields = self.form_fields()
        if self.focused in fields and self.focused is not fields[-1]:
            self._move(1)
            return
        self.busy = True  # until the form is read: a second Enter does nothing
        after_typed(fields, self._read_form)

    def _read_form(self) -> None:
        self.busy = False
        if self.is_active:
            self.submit()
