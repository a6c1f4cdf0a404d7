"""Nothing to pay: how far a family is paid, and which months ahead reach the next month."""

from loket.domain.months import Month
from loket.service.inquiry import paid_up

NOV = Month(2026, 11)


def test_paid_through_the_months_asked_the_next_is_one_further():
    result = paid_up("lunas", "34", NOV + 1, None, NOV, ahead_limit=12)
    assert (result.paid_through, result.next_ahead, result.already_paid) == (NOV + 1, 2, True)


def test_a_later_month_known_paid_here_counts():
    result = paid_up("lunas", "34", NOV, NOV + 3, NOV, ahead_limit=12)
    assert (result.paid_through, result.next_ahead) == (NOV + 3, 4)


def test_no_next_month_beyond_the_limit_or_where_months_ahead_are_not_sold():
    assert paid_up("lunas", "34", NOV + 2, None, NOV, ahead_limit=2).next_ahead is None
    assert paid_up("lunas", "34", NOV, None, NOV, ahead_limit=0).next_ahead is None
