"""The worked examples of shared/domain/bpjs-kesehatan.md, and properties of the billing math."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loket.domain.billing import billable_periods, counter_total, family_premium
from loket.domain.months import Month, describe_periods
from loket.domain.tariffs import TariffError, TariffTable, default_tariffs

NOV_2026 = Month(2026, 11)


def test_example_1_family_of_three_class_three_current_month():
    periods = billable_periods(paid_through=Month(2026, 10), current=NOV_2026)
    premium = family_premium([3, 3, 3], periods)
    assert premium == 105_000
    assert counter_total(premium, 2_500, len(periods)) == 107_500


def test_example_2_two_months_arrears_plus_current():
    periods = billable_periods(paid_through=Month(2026, 8), current=NOV_2026)
    assert [str(p) for p in periods] == ["2026-09", "2026-10", "2026-11"]
    assert family_premium([1, 2], periods) == 750_000


def test_example_3_thirty_months_arrears_bills_only_twenty_four_plus_current():
    periods = billable_periods(paid_through=NOV_2026 - 31, current=NOV_2026)
    assert len(periods) == 25
    assert periods[0] == NOV_2026 - 24
    assert family_premium([3], periods) == 875_000


@pytest.mark.parametrize(
    ("klass", "month", "premium"),
    [
        (1, "2020-05", 80_000),
        (1, "2020-06", 80_000),
        (1, "2020-07", 150_000),
        (3, "2020-12", 25_500),
        (3, "2021-01", 35_000),
        (2, "2020-02", 110_000),
        (1, "2014-01", 59_500),
        (2, "2030-06", 100_000),
    ],
)
def test_example_4_tariff_lookup_across_changes(klass, month, premium):
    assert default_tariffs().premium(klass, Month.parse(month)) == premium


def test_example_5_family_of_four_current_plus_two_ahead():
    periods = billable_periods(paid_through=Month(2026, 10), current=NOV_2026, months_ahead=2)
    assert describe_periods(periods) == "NOV 2026 - JAN 2027"
    assert family_premium([2, 2, 2, 2], periods) == 1_200_000


def test_nothing_to_pay_when_paid_through_the_current_month():
    assert billable_periods(paid_through=NOV_2026, current=NOV_2026) == []
    assert billable_periods(paid_through=NOV_2026, current=NOV_2026, months_ahead=1) == [
        Month(2026, 12)
    ]


def test_months_before_the_first_tariff_are_an_error_not_zero():
    with pytest.raises(TariffError):
        default_tariffs().premium(3, Month(2013, 12))


def test_tariff_table_must_be_contiguous():
    text = """
[[period]]
from = "2014-01"
until = "2015-01"
basis = "a"
class_1 = 1
class_2 = 1
class_3 = 1
[[period]]
from = "2016-01"
basis = "b"
class_1 = 1
class_2 = 1
class_3 = 1
"""
    with pytest.raises(ValueError, match="contiguous"):
        TariffTable.from_toml(text)


months = st.builds(Month, st.integers(2021, 2030), st.integers(1, 12))
classes = st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=7)


@given(current=months, behind=st.integers(-12, 60), ahead=st.integers(0, 12))
def test_periods_are_contiguous_capped_and_end_at_current_plus_ahead(current, behind, ahead):
    periods = billable_periods(current - behind, current, ahead)
    if not periods:
        assert current - behind >= current + ahead
        return
    assert periods[-1] == current + ahead
    assert all(b.index - a.index == 1 for a, b in zip(periods, periods[1:], strict=False))
    assert sum(1 for p in periods if p < current) <= 24
    assert len(periods) <= 24 + 1 + ahead


@given(
    members=classes,
    current=st.builds(Month, st.integers(2023, 2030), st.integers(1, 12)),
    behind=st.integers(1, 40),
    ahead=st.integers(0, 12),
)
def test_family_premium_is_members_times_months_at_a_flat_tariff(members, current, behind, ahead):
    # from 2023 on, the 24-month arrears cap keeps every billed month in the 2021+ tariff
    periods = billable_periods(current - behind, current, ahead)
    per_month = {1: 150_000, 2: 100_000, 3: 35_000}  # in force for all of 2021+
    assert family_premium(members, periods) == len(periods) * sum(per_month[k] for k in members)
    assert isinstance(family_premium(members, periods), int)


@given(members=classes, current=months, behind=st.integers(1, 40))
def test_more_members_never_cost_less(members, current, behind):
    periods = billable_periods(current - behind, current)
    assert family_premium([*members, 3], periods) > family_premium(members, periods)


@given(st.integers(0, 10**9), st.integers(0, 10_000), st.integers(1, 37))
def test_admin_fee_is_once_per_transaction_by_default(premium, admin, months):
    assert counter_total(premium, admin, months) == premium + admin
    assert counter_total(premium, admin, months, admin_per_month=True) == premium + admin * months
