"""Text from outside is made safe before anyone sees, stores or prints it."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from loket.domain.text import clean_text
from loket.printing.escpos_render import PrintOptions, render
from loket.printing.slip import SlipBuilder, Text, ascii_text


def test_terminal_and_printer_controls_are_removed_from_a_name():
    assert clean_text("SITI\x1b[2J AMINAH") == "SITI[2J AMINAH"
    assert clean_text("BUDI\x1dV\x00 SANTOSO") == "BUDIV SANTOSO"  # GS V 0: the paper cut
    assert clean_text("RINA\x9b31m") == "RINA31m"  # a C1 CSI
    assert clean_text("\x7fDEL") == "DEL"


def test_bidi_overrides_and_invisible_characters_are_removed():
    assert clean_text("LUNAS \u202e000.05 pR\u202c") == "LUNAS 000.05 pR"
    assert clean_text("A\u200bB\ufeffC\u2066D\u00adE") == "ABCDE"
    assert clean_text("X\ud800Y") == "XY"  # a lone surrogate could not even be encoded


def test_whitespace_is_one_space_and_trimmed_then_cut():
    assert clean_text("  SITI\n\tAMINAH\u2028 ") == "SITI AMINAH"
    assert clean_text("JAKARTA\u00a0PUSAT") == "JAKARTA PUSAT"
    assert clean_text("ABCDEFGH", max_len=4) == "ABCD"
    assert clean_text("ABC DEFGH", max_len=4) == "ABC"


def test_indonesian_and_accented_names_are_kept():
    assert clean_text("Désirée Ñúñez") == "Désirée Ñúñez"
    assert clean_text("  Nur'aini Al-Ḥabsyi ") == "Nur'aini Al-Ḥabsyi"


@given(st.text())
def test_nothing_unsafe_survives_and_cleaning_is_stable(text):
    cleaned = clean_text(text, max_len=50)
    assert len(cleaned) <= 50
    assert cleaned == cleaned.strip()
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in cleaned)
    cleaned.encode("utf-8")  # always encodable
    assert clean_text(cleaned, max_len=50) == cleaned


def test_the_printer_gets_no_control_bytes_from_a_name():
    assert ascii_text("SITI\x1b[2J\x1dV\x00 AMINAH") == "SITI[2JV AMINAH"
    assert ascii_text("A\tB\nC") == "A B C"
    slip = SlipBuilder(32)
    slip.field("Nama", "SITI\x1dV\x00\x1b@AMINAH")
    data = render(slip.elements + [Text("X\x1dV\x00Y")], PrintOptions(cut=False))
    assert b"\x1dV\x00" not in data and b"\x1b@A" not in data
    assert b"SITIV@AMINAH" in data and b"XVY" in data


@given(st.text())
def test_ascii_text_is_printable_ascii_only(text):
    assert all(" " <= c <= "~" for c in ascii_text(text))
