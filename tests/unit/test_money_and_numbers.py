import pytest
from hypothesis import given
from hypothesis import strategies as st

from loket.domain.money import format_rupiah, parse_rupiah, round_up_to
from loket.domain.numbers import CustomerNumberError, parse_customer_number, va_for_card


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(0, "Rp 0"), (2500, "Rp 2.500"), (150000, "Rp 150.000"), (1234567, "Rp 1.234.567"),
     (-7500, "-Rp 7.500")],
)
def test_rupiah_is_shown_with_dots(amount, shown):
    assert format_rupiah(amount) == shown


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        format_rupiah(150000.0)


@pytest.mark.parametrize(("typed", "amount"), [("110000", 110000), ("110.000", 110000),
                                                ("Rp 110.000", 110000), ("110rb", 110000)])
def test_cash_as_a_cashier_types_it(typed, amount):
    assert parse_rupiah(typed) == amount


def test_cash_that_is_not_a_number_is_refused_in_indonesian():
    with pytest.raises(ValueError, match="harus angka"):
        parse_rupiah("seratus")


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([10_000, 50_000, 100_000]))
def test_quick_cash_is_the_next_note_at_or_above(amount, step):
    up = round_up_to(amount, step)
    assert up >= amount and up % step == 0 and up - amount < step


@pytest.mark.parametrize("typed", ["0001000000011", "0001-0000-00011", " 0001 0000 00011 ",
                                   "8888801000000011", "8988801000000011"])
def test_card_and_va_numbers_are_accepted(typed):
    assert parse_customer_number(typed).digits in {"0001000000011", "8888801000000011",
                                                   "8988801000000011"}


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "belum diisi"), ("12345", "13 digit"), ("000100000001A", "hanya boleh berisi angka"),
     ("1234567890123456", "88888 atau 89888"), ("00010000000111", "14 digit")],
)
def test_wrong_numbers_get_a_clear_indonesian_message(typed, message):
    with pytest.raises(CustomerNumberError, match=message):
        parse_customer_number(typed)


def test_va_is_prefix_plus_last_eleven_digits_of_the_card():
    assert va_for_card("0001944358911") == "8888801944358911"
    assert parse_customer_number("8888801944358911").tail == parse_customer_number(
        "0001944358911").tail
