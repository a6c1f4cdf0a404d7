"""Keys belong to the screen they were typed on: the one input discipline every loket app keeps
(the counter's, and the owner's hub dashboard), written once (issue #7)."""

from __future__ import annotations

from time import monotonic
from weakref import WeakKeyDictionary

from textual import events
from textual.app import App
from textual.screen import Screen


class KeyedApp(App):
    """An app whose keys act only on the screen that was on top when they were typed."""

    def __init__(self) -> None:
        super().__init__()
        self._typed_on: WeakKeyDictionary[events.Key, Screen] = WeakKeyDictionary()
        self._shown_at = 0.0  # when the screen on top last changed, on the clock keys carry

    def keep_keys_to_their_screen(self) -> None:
        """Start watching screen changes (from ``on_mount``)."""
        self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)

    def _screen_changed(self, _screen: Screen) -> None:
        self._shown_at = monotonic()  # Textual stamps events with the monotonic clock

    async def on_event(self, event: events.Event) -> None:
        """A key acts only on the screen that was on top when it was typed. A burst (a scanner's
        CR, a bouncing Enter, Esc Esc) is typed at once but handled one key at a time: when the
        first key closes a dialog, the rest must not act on the screen that happens to be next.

        So a key stamped before the screen on top appeared is dropped; and a key routed to a
        screen's widget, which comes back here to find its binding, is dropped when that screen
        was replaced meanwhile."""
        if isinstance(event, events.Key):
            if not event.is_forwarded:
                if event.time < self._shown_at:
                    return
                if self.screen_stack:
                    self._typed_on[event] = self.screen
            elif (typed_on := self._typed_on.pop(event, None)) is not None and (
                    typed_on is not self.screen):
                return
        await super().on_event(event)

