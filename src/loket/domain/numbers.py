"""The numbers a cashier types or scans: a 13-digit JKN-KIS card or a 16-digit family VA.

No check digit is published for either, so only length, digits and the VA prefix are checked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from loket.errors import LoketError

VA_PREFIXES = ("88888", "89888")  # 88888: most channels; 89888: Bank Mandiri
CARD_LENGTH = 13
VA_LENGTH = 16
_SEPARATORS = re.compile(r"[\s\-./]")

INVALID_NUMBER = "Nomor harus 13 digit (kartu) atau 16 digit (VA 88888…)"


class CustomerNumberError(LoketError):
    """A number that is neither a card nor a VA; the message is for the cashier."""


@dataclass(frozen=True)
class CustomerNumber:
    digits: str

    @property
    def tail(self) -> str:
        """The last 11 digits: shared by a card and its VA."""
        return self.digits[-11:]

    def __str__(self) -> str:
        return self.digits


def ascii_digits(text: str) -> str:
    """Every decimal digit as its ASCII digit (full-width ``１``, Arabic-Indic ``١`` …), so numbers
    and amounts read the same however a keyboard or scanner sends them. Characters that only look
    like digits (superscripts, circled) are left alone, for the caller to refuse."""
    return "".join(
        str(unicodedata.decimal(c))
        if not c.isascii() and unicodedata.decimal(c, None) is not None
        else c
        for c in text
    )


def parse_customer_number(text: str) -> CustomerNumber:
    digits = _SEPARATORS.sub("", ascii_digits(text or ""))
    if not digits:
        raise CustomerNumberError("Nomor kartu atau VA belum diisi")
    if len(digits) > 40:
        raise CustomerNumberError(INVALID_NUMBER)
    if not (digits.isascii() and digits.isdigit()):
        raise CustomerNumberError("Nomor hanya boleh berisi angka. " + INVALID_NUMBER)
    if len(digits) == CARD_LENGTH:
        return CustomerNumber(digits)
    if len(digits) == VA_LENGTH:
        if not digits.startswith(VA_PREFIXES):
            raise CustomerNumberError("Nomor VA harus diawali 88888 atau 89888")
        return CustomerNumber(digits)
    raise CustomerNumberError(f"{INVALID_NUMBER} — yang diketik {len(digits)} digit")


def is_va(digits: str) -> bool:
    """A family's VA (16 digits, 88888…/89888…) rather than one member's card: what a number is
    labelled on a slip or screen (a count-only host echoes whichever the cashier typed)."""
    return len(digits) == VA_LENGTH and digits.startswith(VA_PREFIXES)


def va_for_card(card_no: str, prefix: str = "88888") -> str:
    """Card ``0001944358911`` -> VA ``8888801944358911``."""
    return prefix + card_no[-11:]
