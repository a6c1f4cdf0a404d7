"""Time in Asia/Jakarta (WIB, UTC+7, no daylight saving), behind a small interface for tests.

Every reading of the wall clock in loket goes through ``SystemClock`` (or a clock handed in, in
tests). One way moves it for a whole process tree: ``LOKET_NOW`` in the environment, an ISO 8601
time with its offset. A process that finds it set starts its clock at that moment and lets time
flow on from there; every process it starts inherits the variable. Tests set it (tests/conftest.py)
so that a ``loket`` child process lives on the same day as the test that started it, whatever
today's date is.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Protocol

from loket.errors import LoketError

WIB = timezone(timedelta(hours=7), "WIB")
CLOCK_ENV = "LOKET_NOW"

log = logging.getLogger("loket.clock")


class ClockSettingError(LoketError):
    """``LOKET_NOW`` is set but is not a time loket can read (exit 2, as any setting)."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class SettableClock(Clock, Protocol):
    """A clock that can be moved: the simulator's, for ``/_sim/clock``."""

    def set(self, now: datetime) -> None: ...


def read_clock_env(text: str) -> datetime:
    """``LOKET_NOW``'s value as an aware time; a time without an offset is refused (it would
    be read differently on every machine)."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockSettingError(
            f"{CLOCK_ENV}={text!r} bukan waktu ISO 8601 (contoh 2026-11-21T10:00:00+07:00)"
        ) from None
    if when.tzinfo is None:
        raise ClockSettingError(f"{CLOCK_ENV}={text!r} tanpa zona waktu (contoh +07:00)")
    return when.astimezone(WIB)


@cache
def process_offset() -> timedelta:
    """How far this process's clock is from the machine's: zero unless ``LOKET_NOW`` is set,
    read once, the first time any clock is read (every clock of a process agrees)."""
    text = os.environ.get(CLOCK_ENV, "").strip()
    if not text:
        return timedelta(0)
    start = read_clock_env(text)
    log.info("clock moved by %s: it started at %s", CLOCK_ENV, start.isoformat())
    return start - MachineClock().now()


def check_clock_env() -> None:
    """Raise ``ClockSettingError`` now, at start-up, rather than on the first payment."""
    process_offset()


class SystemClock:
    """The machine's time in WIB, moved by ``LOKET_NOW`` when that is set: the business clock."""

    def now(self) -> datetime:
        offset = process_offset()  # first: the first reading is LOKET_NOW itself, never before
        return MachineClock().now() + offset


class MachineClock:
    """The machine's own time, never moved by ``LOKET_NOW``: only for what is compared with
    another machine's clock (the host's HTTP ``Date``: is this computer's clock right?)."""

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
    """The system clock shifted by an offset: the simulator's clock after ``/_sim/clock`` (time
    flows on)."""

    def __init__(self, base: Clock | None = None) -> None:
        self.base: Clock = base or SystemClock()
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self.base.now() + self.offset

    def set(self, now: datetime) -> None:
        self.offset = now.astimezone(WIB) - self.base.now()


def iso(when: datetime) -> str:
    """ISO 8601 with the +07:00 offset, to the second."""
    return when.astimezone(WIB).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(WIB)
