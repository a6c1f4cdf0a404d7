"""The counter's number field: a card or VA number, and ``+``/``-`` when they mean months ahead."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input


class NumberInput(Input):
    """The number field. ``+``/``-`` are the screen's keys while they mean "months ahead" (a bill
    is shown and the number untouched, or the family already paid this month); otherwise they
    are typed (a dash in ``0001-0000-00029``)."""

    def __init__(self, months_keys: Callable[[], bool], **kw) -> None:
        super().__init__(**kw)
        self.months_keys = months_keys

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character in ("+", "-") and self.months_keys():
            return False  # leaves the screen's priority binding in place
        return super().check_consume_key(key, character)
