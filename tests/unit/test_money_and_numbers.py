import pytest
from hypothesis import given
from hypothesis import strategies as st

from loket.domain.money import MAX_AMOUNT, AmountError, format_rupiah, parse_rupiah, round_up_to
from loket.domain.numbers import CustomerNumberError, parse_customer_number, va_for_card


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "Rp 0"),
        (2500, "Rp 2.500"),
        (150000, "Rp 150.000"),
        (1234567, "Rp 1.234.567"),
        (-7500, "-Rp 7.500"),
    ],
)
def test_rupiah_is_shown_with_dots(amount, shown):
    assert format_rupiah(amount) == shown


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        format_rupiah(150000.0)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("110000", 110000),
        ("110.000", 110000),
        ("Rp 110.000", 110000),
        ("110rb", 110000),
        ("110 rb", 110000),
        ("150k", 150000),
        ("1,5jt", 1_500_000),
        ("1.250.000", 1_250_000),
        ("１１０000", 110000),
        ("١١٠٠٠٠", 110000),
    ],
)  # full-width and Arabic-Indic digits read the same
def test_cash_as_a_cashier_types_it(typed, amount):
    assert parse_rupiah(typed) == amount


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("seratus", "harus angka"),
        ("110000.50", "tanpa sen"),
        ("110,000", "tanpa koma"),
        ("-5000", "harus angka"),
        ("²²⁰⁰⁰", "harus angka"),
        ("", "belum diisi"),
        ("9223372036854775807", "melebihi batas"),
        ("100000001", "melebihi batas"),
        ("1" * 400, "terlalu panjang"),
        ("1,2345678jt", "tidak bulat"),
    ],
)
def test_cash_that_is_not_an_amount_is_refused_in_indonesian(typed, why):
    """Issue 8: `--cash 110000.50` became Rp 11.000.050; 2^63 raised OverflowError."""
    with pytest.raises(AmountError, match=why):
        parse_rupiah(typed)


@given(st.text(max_size=30))
def test_any_text_as_cash_is_refused_clearly_or_read_as_a_whole_bounded_amount(text):
    try:
        amount = parse_rupiah(text)
    except AmountError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(amount, int) and 0 <= amount <= MAX_AMOUNT


@given(st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_every_amount_reads_back_from_how_it_is_shown(amount):
    assert parse_rupiah(format_rupiah(amount)) == amount
    assert parse_rupiah(str(amount)) == amount


@given(st.text(max_size=40))
def test_any_text_as_a_number_is_refused_clearly_or_gives_thirteen_or_sixteen_ascii_digits(text):
    try:
        number = parse_customer_number(text)
    except CustomerNumberError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert number.digits.isascii() and number.digits.isdigit()
        assert len(number.digits) in (13, 16)


def test_superscript_digits_in_a_number_are_refused_not_sent():
    """Issue 8: superscript digits in a customer number made the simulator answer 500."""
    with pytest.raises(CustomerNumberError):
        parse_customer_number("000100000001²")
    assert parse_customer_number("０００１０００００００１１").digits == "0001000000011"


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from([10_000, 50_000, 100_000]))
def test_quick_cash_is_the_next_note_at_or_above(amount, step):
    up = round_up_to(amount, step)
    assert up >= amount and up % step == 0 and up - amount < step


@pytest.mark.parametrize(
    "typed",
    [
        "0001000000011",
        "0001-0000-00011",
        " 0001 0000 00011 ",
        "8888801000000011",
        "8988801000000011",
    ],
)
def test_card_and_va_numbers_are_accepted(typed):
    assert parse_customer_number(typed).digits in {
        "0001000000011",
        "8888801000000011",
        "8988801000000011",
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "belum diisi"),
        ("12345", "13 digit"),
        ("000100000001A", "hanya boleh berisi angka"),
        ("1234567890123456", "88888 atau 89888"),
        ("00010000000111", "14 digit"),
    ],
)
def test_wrong_numbers_get_a_clear_indonesian_message(typed, message):
    with pytest.raises(CustomerNumberError, match=message):
        parse_customer_number(typed)


def test_va_is_prefix_plus_last_eleven_digits_of_the_card():
    assert va_for_card("0001944358911") == "8888801944358911"
    assert (
        parse_customer_number("8888801944358911").tail
        == parse_customer_number("0001944358911").tail
    )
