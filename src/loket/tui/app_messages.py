"""What the counter app's background work tells it (handled as ``on_loket_app_…``)."""

from __future__ import annotations

from textual.message import Message
from textual.screen import Screen

from loket.service.runtime import Health
from loket.service.slips import PrintResult


class HealthChecked(Message, namespace="loket_app"):
    def __init__(self, health: Health) -> None:
        super().__init__()
        self.health = health


class Forwarded(Message, namespace="loket_app"):
    """The forwarder sent what it could: the status line and the queue screen look again."""


class ForwarderElsewhere(Message, namespace="loket_app"):
    """F5 found another process (``loket sync``) holding the forwarder lock."""


class TestPagePrinted(Message, namespace="loket_app"):
    def __init__(self, result: PrintResult) -> None:
        super().__init__()
        self.result = result


class ShiftFound(Message, namespace="loket_app"):
    """F8 looked up the cashier's shift: close it, or open one."""

    def __init__(self, asked_on: Screen, shift_id: int | None) -> None:
        super().__init__()
        self.asked_on = asked_on
        self.shift_id = shift_id
