"""The parts of a stored time that people read: its day, its minute, its clock time.

loket stores times as ISO 8601 text with their offset (``loket.clock.iso``: WIB, to the second).
These read such a text as a time (``datetime.fromisoformat``) and say the part asked for, as it
was written: the wall time of the offset it carries, never moved to another zone. A date alone
(``2026-12-07``) reads as that day's midnight.
"""

from __future__ import annotations

from datetime import date, datetime


def moment(text: str) -> datetime:
    """The time ``text`` writes, in the offset it was written with."""
    return datetime.fromisoformat(text)


def date_of(text: str) -> date:
    """The calendar day of ``text``, for date arithmetic."""
    return moment(text).date()


def day(text: str) -> str:
    """``YYYY-MM-DD``."""
    return f"{moment(text):%Y-%m-%d}"


def month(text: str) -> str:
    """``YYYY-MM``."""
    return f"{moment(text):%Y-%m}"


def clock_hm(text: str) -> str:
    """``HH:MM``."""
    return f"{moment(text):%H:%M}"


def minute(text: str) -> str:
    """``YYYY-MM-DD HH:MM``."""
    return f"{moment(text):%Y-%m-%d %H:%M}"


def second(text: str) -> str:
    """``YYYY-MM-DD HH:MM:SS``."""
    return f"{moment(text):%Y-%m-%d %H:%M:%S}"


def short_minute(text: str) -> str:
    """``MM-DD HH:MM``: a time within a report's period, the year left out."""
    return f"{moment(text):%m-%d %H:%M}"


def compact(text: str) -> str:
    """``YYYYMMDDHHMMSS``, the form some host APIs write a time in."""
    return f"{moment(text):%Y%m%d%H%M%S}"
