"""Keys belong to the screen they were typed on: the one input discipline every loket app keeps
(the counter's, and the owner's hub dashboard), written once (issue #7)."""

from __future__ import annotations

from time import monotonic
from typing import ClassVar
from weakref import WeakKeyDictionary

from textual import events
from textual.app import App
from textual.screen import Screen


class KeyedApp(App):
    """An app whose keys act only on the screen that was on top when they were typed."""

    KEYS_WHILE_BUSY: ClassVar[frozenset[str]] = frozenset({"ctrl+q"})
    """Keys still heard while the screen on top is busy (quitting then says why it waits)."""

    def __init__(self) -> None:
        super().__init__()
        self._typed_on: WeakKeyDictionary[events.Key, Screen] = WeakKeyDictionary()
        self._shown_at = 0.0  # when the screen on top last changed, on the clock keys carry
        self._shown_before = 0.0

    def keep_keys_to_their_screen(self) -> None:
        """Start watching screen changes (from ``on_mount``)."""
        self.screen_change_signal.subscribe(self, self._screen_changed, immediate=True)

    def _screen_changed(self, _screen: Screen) -> None:
        self._shown_before, self._shown_at = self._shown_at, monotonic()  # Textual's clock

    def keep_typing(self) -> None:
        """The screen just shown takes the keys typed before it appeared: the rest of a number
        scanned on the screen that closed for it."""
        self._shown_at = self._shown_before

    def screen_busy(self) -> bool:
        """Whether the screen on top is deciding something a key started (checking a PIN,
        opening the payment, sending it): the keys typed meanwhile are dropped."""
        return False

    async def on_event(self, event: events.Event) -> None:
        """A key acts only on the screen that was on top when it was typed. A burst (a scanner's
        CR, a bouncing Enter, Esc Esc) is typed at once but handled one key at a time: when the
        first key closes a dialog, the rest must not act on the screen that happens to be next.

        So a key stamped before the screen on top appeared is dropped; a key that arrives while
        the screen on top is busy opening the next one (a worker deciding) is dropped, rather than
        typed into the screen that will be underneath; and a key routed to a screen's widget,
        which comes back here to find its binding, is dropped when that screen was replaced
        meanwhile. (A key that opens a screen is bound with ``priority=True``, so that it acts
        when it arrives, before the keys behind it are routed.)"""
        if isinstance(event, events.Key):
            if not event.is_forwarded:
                if event.time < self._shown_at:
                    return
                if self.screen_busy() and event.key not in self.KEYS_WHILE_BUSY:
                    return
                if self.screen_stack:
                    self._typed_on[event] = self.screen
            elif (typed_on := self._typed_on.pop(event, None)) is not None and (
                typed_on is not self.screen
            ):
                return
        await super().on_event(event)
