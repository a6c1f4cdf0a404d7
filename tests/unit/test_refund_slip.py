"""The refund slip on 58 mm and 80 mm paper: every line fits, every colon in one column, a long
reason wraps under its value instead of pushing right (issue 7, item 5)."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from loket.printing import layouts
from loket.printing.decode import decode
from loket.printing.escpos_render import PrintOptions, render
from tests import factories

GOLDEN = Path(__file__).parent.parent / "golden"
SHOP = layouts.Shop("WARUNG BU SRI", "Jl. Melati No. 5, Cempaka Putih, Jakarta", "AGT001", "T01")
REFUNDED_AT = "2026-11-21T11:30:00+07:00"


def refunded(**changes):
    payment = replace(
        factories.record("REFUNDED"), host_message="Jumlah berbeda: tagihan 105000, dibayar 100000"
    )
    return replace(payment, **changes)


def paper(payment, columns: int) -> list[str]:
    elements = layouts.refund(payment, SHOP, columns, REFUNDED_AT)
    return decode(render(elements, PrintOptions(columns=columns)), columns)


@pytest.mark.parametrize("columns", [32, 48])
def test_the_refund_slip_matches_golden_paper(columns):
    got = "\n".join(paper(refunded(), columns)) + "\n"
    assert got == (GOLDEN / f"refund_{columns}.txt").read_text()


@pytest.mark.parametrize("columns", [32, 48])
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"head_name": "MUHAMMAD ABDURRAHMAN WAHYUDI SAPUTRA NINGRUM"},
        {
            "host_message": "Ditolak biller, deposit dikembalikan; hubungi https://contoh.id/bantuan-pelanggan-bpjs"
        },
        {"host_message": ""},
        {"head_name": "Siti Äminah Çelik"},
    ],
)
def test_every_line_fits_and_every_colon_is_in_one_column(columns, changes):
    lines = paper(refunded(**changes), columns)
    assert all(len(line) <= columns for line in lines if line != "[CUT]"), lines
    fields = [line for line in lines if re.match(r"[A-Za-z][^:]{0,11}:( |$)", line)]
    assert {line.index(":") for line in fields} == {len("Dikembalikan")}, fields
    labels = [line.split(":")[0].strip() for line in fields]
    assert labels == ["Ref Loket", "Dibayar", "Dikembalikan", "No. VA", "Nama", "Alasan"]
    body = lines[lines.index(next(f for f in fields if f.startswith("Alasan"))) + 1 :]
    for line in body[: body.index("-" * columns)]:  # the reason's further lines: under its value
        assert line.startswith(" " * 14) and line[14] != " ", line


def test_the_amount_is_whole_on_the_narrow_paper():
    lines = paper(refunded(), 32)
    assert "DIKEMBALIKAN          Rp 752.500" in lines
