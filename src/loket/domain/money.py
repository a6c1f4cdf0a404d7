"""Money is an int of rupiah, always. Formatting follows Indonesian usage: ``Rp 1.234.567``."""

from __future__ import annotations

import re

from loket.domain.numbers import ascii_digits
from loket.errors import LoketError

MAX_AMOUNT = 100_000_000  # no cash payment at a counter comes near this: anything above is a typo
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 110.000 / 1.250.000
_SUFFIXES = (("ribu", 1_000), ("rb", 1_000), ("k", 1_000), ("juta", 1_000_000), ("jt", 1_000_000))
HOW = "contoh 110000, 110.000 atau 110rb"


class AmountError(LoketError):
    """A typed amount that is not one; the message is for the cashier."""


def format_rupiah(amount: int) -> str:
    """``150000`` -> ``"Rp 150.000"``; negative amounts keep their sign before ``Rp``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money must be int rupiah, not {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def parse_rupiah(text: str, limit: int = MAX_AMOUNT) -> int:
    """What a cashier types as an amount: ``150000``, ``150.000``, ``Rp 150.000``, ``150rb``,
    ``1,5jt``. Anything else — cents, an English comma, letters, a sign, an amount past ``limit``
    — raises ``AmountError`` with one line for the cashier."""
    cleaned = ascii_digits(text or "").strip().lower().replace(" ", "")
    cleaned = cleaned.removeprefix("rp")
    if not cleaned:
        raise AmountError(f"Jumlah uang belum diisi ({HOW})")
    if len(cleaned) > 20:
        raise AmountError(f"Jumlah uang terlalu panjang ({HOW})")
    multiplier = 1
    for suffix, factor in _SUFFIXES:
        if cleaned.endswith(suffix):
            cleaned, multiplier = cleaned.removesuffix(suffix), factor
            break
    amount = _whole(cleaned) if multiplier == 1 else _scaled(cleaned, multiplier)
    if amount > limit:
        raise AmountError(
            f"Jumlah {format_rupiah(amount)} melebihi batas {format_rupiah(limit)}; periksa ketikan"
        )
    return amount


def _whole(text: str) -> int:
    if text.isascii() and text.isdigit():
        return int(text)
    if _GROUPED.match(text):
        return int(text.replace(".", ""))
    if "," in text or re.match(r"^\d+\.\d{1,2}$", text):
        raise AmountError(f"Jumlah uang tanpa sen dan tanpa koma ({HOW})")
    raise AmountError(f"Jumlah uang harus angka ({HOW})")


def _scaled(text: str, factor: int) -> int:
    """``110`` rb, ``1,5`` jt: a decimal comma is allowed before a word, if the result is whole."""
    whole, _, fraction = text.replace(".", ",").partition(",")
    if not (whole.isascii() and whole.isdigit()) or (
        fraction and not (fraction.isascii() and fraction.isdigit())
    ):
        raise AmountError(f"Jumlah uang harus angka ({HOW})")
    if len(fraction) > len(str(factor)) - 1:
        raise AmountError(f"Jumlah uang tidak bulat rupiah ({HOW})")
    scale: int = 10 ** len(fraction)  # int ** int is typed Any (a negative power is a float)
    return (int(whole) * scale + int(fraction or 0)) * factor // scale


def round_up_to(amount: int, step: int) -> int:
    """The next multiple of ``step`` at or above ``amount`` (quick cash keys)."""
    return -(-amount // step) * step
