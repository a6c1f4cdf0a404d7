"""Count-only bills (Digiflazz, IAK): the slip prints counts and never invents members or months;
what a count-only family's last bill honestly says about its price."""

from pathlib import Path

import pytest

from loket.domain.months import Month
from loket.domain.numbers import is_va
from loket.domain.offline import count_only_paid_through, month_price
from loket.printing import layouts
from loket.printing.decode import decode
from loket.printing.escpos_render import PrintOptions, render
from loket.printing.slip import QR
from tests.count_only import counted_bill, counted_record

GOLDEN = Path(__file__).parent.parent / "golden"
SHOP = layouts.Shop("WARUNG BU SRI", "Jl. Melati No. 5, Cempaka Putih, Jakarta", "AGT001", "T01")
MONTH_NAMES = (
    "JAN ",
    "FEB ",
    "MAR ",
    "APR ",
    "MEI ",
    "JUN ",
    "JUL ",
    "AGU ",
    "SEP ",
    "OKT ",
    "NOV ",
    "DES ",
)


def paper(elements, columns):
    return "\n".join(decode(render(elements, PrintOptions(columns=columns)), columns)) + "\n"


def test_a_count_only_bill_says_so_and_keeps_its_counts():
    bill = counted_bill()
    assert bill.count_only and not bill.members and not bill.periods
    assert (bill.member_count, bill.month_count) == (3, 2)


@pytest.mark.parametrize("columns", [32, 48])
def test_count_only_receipt_matches_golden_paper(columns):
    got = paper(layouts.receipt(counted_record(), SHOP, columns), columns)
    assert got == (GOLDEN / f"receipt_count_only_{columns}.txt").read_text()


@pytest.mark.parametrize("columns", [32, 48])
@pytest.mark.parametrize("maker", [layouts.receipt, layouts.provisional])
def test_count_only_slips_print_counts_fit_the_paper_and_name_no_month(columns, maker):
    state = "SUCCESS" if maker is layouts.receipt else "QUEUED"
    text = paper(maker(counted_record(state), SHOP, columns), columns)
    assert "3 ORANG" in text and "2 BULAN" in text
    assert not any(name in text for name in MONTH_NAMES)  # the host never said which months
    for line in text.splitlines():
        assert len(line) <= columns or line.startswith("[QR"), line


def test_a_card_number_is_labelled_as_a_card_not_a_va():
    text = paper(layouts.receipt(counted_record(), SHOP, 32), 32)
    assert "No. Kartu  : 0001000000029" in text
    assert "No. VA" not in text  # a count-only host echoed the card: no VA to print
    assert text.count("0001000000029") == 1  # and the number is printed once


def test_an_empty_host_reference_prints_a_dash_and_keeps_the_qr_to_the_counters_ref():
    elements = layouts.receipt(counted_record(host_sn=""), SHOP, 32)
    text = paper(elements, 32)
    assert "No. Ref    : -" in text
    assert [e.payload for e in elements if isinstance(e, QR)] == [counted_record().ref_id]


def test_refund_slip_labels_the_number_it_has():
    text = paper(
        layouts.refund(counted_record("REFUND_DUE"), SHOP, 32, "2026-11-21T11:00:00+07:00"), 32
    )
    assert "No. Kartu   : 0001000000029" in text


@pytest.mark.parametrize(
    "digits, va",
    [
        ("8888801000000011", True),
        ("8988801000000011", True),
        ("0001000000011", False),
        ("1234567890123456", False),
    ],
)
def test_is_va(digits, va):
    assert is_va(digits) is va


@pytest.mark.parametrize(
    "premium, months, price",
    [
        (210_000, 2, 105_000),
        (105_000, 1, 105_000),
        (100_001, 2, None),
        (0, 1, None),
        (105_000, 0, None),
        (-70_000, 2, None),
    ],
)
def test_a_month_price_only_when_the_bill_divides_evenly(premium, months, price):
    assert month_price(premium, months) == price


@pytest.mark.parametrize(
    "ahead, count, paid_through",
    [(0, 1, Month(2026, 10)), (0, 3, Month(2026, 8)), (2, 3, Month(2026, 10))],
)
def test_a_count_only_bill_ends_at_the_month_it_was_made_in(ahead, count, paid_through):
    assert count_only_paid_through(Month(2026, 11), ahead, count) == paid_through


@pytest.mark.parametrize("maker", ["receipt", "refund"])
def test_a_host_that_gives_no_va_prints_the_number_typed_once(maker):
    """Digiflazz and IAK name no VA when a card was typed: the card is the family's number."""
    from dataclasses import replace

    record = replace(counted_record("REFUND_DUE" if maker == "refund" else "SUCCESS"), va_no="")
    elements = (
        layouts.refund(record, SHOP, 32, "2026-11-21T11:00:00+07:00")
        if maker == "refund"
        else layouts.receipt(record, SHOP, 32)
    )
    text = paper(elements, 32)
    assert text.count("0001000000029") == 1
    assert [
        line
        for line in text.splitlines()
        if line.startswith(("No. VA", "No. Kartu")) and line.rstrip().endswith(":")
    ] == []
