"""Time in Asia/Jakarta (WIB, UTC+7, no daylight saving), behind a small interface for tests."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol

WIB = timezone(timedelta(hours=7), "WIB")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SettableClock(Clock, Protocol):
    """A clock that can be moved: the simulator's, for ``/_sim/clock``."""

    def set(self, now: datetime) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(WIB)


class FixedClock:
    """A clock that stands still until moved: for tests and the simulator's ``/_sim/clock``."""

    def __init__(self, now: datetime) -> None:
        self._now = now.astimezone(WIB)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, now: datetime) -> None:
        with self._lock:
            self._now = now.astimezone(WIB)

    def advance(self, **delta: float) -> None:
        with self._lock:
            self._now += timedelta(**delta)


class OffsetClock:
    """Real time shifted by an offset: the simulator's clock after ``/_sim/clock`` (time flows on)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(WIB) + self.offset

    def set(self, now: datetime) -> None:
        self.offset = now.astimezone(WIB) - datetime.now(WIB)


def iso(when: datetime) -> str:
    """ISO 8601 with the +07:00 offset, to the second."""
    return when.astimezone(WIB).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(WIB)
