"""The parts of a stored time people read: as it was written, whatever zone it carries."""

from __future__ import annotations

from datetime import date

from loket.domain import times

AT = "2026-12-07T09:05:33+07:00"


def test_the_parts_of_a_stored_time():
    assert times.day(AT) == "2026-12-07"
    assert times.month(AT) == "2026-12"
    assert times.clock_hm(AT) == "09:05"
    assert times.minute(AT) == "2026-12-07 09:05"
    assert times.second(AT) == "2026-12-07 09:05:33"
    assert times.short_minute(AT) == "12-07 09:05"
    assert times.compact(AT) == "20261207090533"
    assert times.date_of(AT) == date(2026, 12, 7)


def test_the_wall_time_as_written_not_moved_to_another_zone():
    """Late in the evening UTC is already the next day in WIB: the text's own day is read."""
    late = "2026-12-07T23:30:00+00:00"
    assert times.day(late) == "2026-12-07"
    assert times.clock_hm(late) == "23:30"


def test_fractions_of_a_second_and_a_day_alone():
    assert times.second("2026-12-07T09:05:33.123456+07:00") == "2026-12-07 09:05:33"
    assert times.date_of("2026-12-01") == date(2026, 12, 1)
    assert times.minute("2026-12-01") == "2026-12-01 00:00"
