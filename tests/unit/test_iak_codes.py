"""IAK's codes in the cashier's words: Indonesian, whatever language the host answers in."""

import pytest

from loket.host.iak.codes import cashier_text

PLEASE_PAY_ELSEWHERE = "CAN'T BE PAID IN COUNTER, PLEASE PAY TO THE CORRESPONDING COMPANY"


@pytest.mark.parametrize(
    ("message", "text"),
    [
        (PLEASE_PAY_ELSEWHERE, "Peserta tidak dapat dibayar di loket ini"),
        ("", "Peserta tidak dapat dibayar di loket ini"),
        (
            PLEASE_PAY_ELSEWHERE + " (PBI)",
            "Peserta tidak dapat dibayar di loket ini: peserta PBI, iuran dibayar pemerintah",
        ),
        (
            "peserta PPU",
            "Peserta tidak dapat dibayar di loket ini: peserta PPU, iuran dibayar pemberi kerja",
        ),
    ],
)
def test_rc_41_never_passes_the_host_s_english_on(message, text):
    assert cashier_text("41", message, "inquiry") == text
    assert cashier_text("41", message, "pay") == text
