"""Money is an int of rupiah, always. Formatting follows Indonesian usage: ``Rp 1.234.567``."""

from __future__ import annotations


def format_rupiah(amount: int) -> str:
    """``150000`` -> ``"Rp 150.000"``; negative amounts keep their sign before ``Rp``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money must be int rupiah, not {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def parse_rupiah(text: str) -> int:
    """What a cashier types as cash: ``150000``, ``150.000``, ``Rp 150.000``, ``150rb``.

    Raises ``ValueError`` with an Indonesian message for anything else.
    """
    cleaned = text.strip().lower().replace("rp", "").replace(" ", "").replace(".", "")
    multiplier = 1
    if cleaned.endswith(("rb", "k")):
        multiplier = 1000
        cleaned = cleaned.removesuffix("rb").removesuffix("k")
    if not cleaned.isdigit():
        raise ValueError("Jumlah uang harus angka, contoh 150000")
    return int(cleaned) * multiplier


def round_up_to(amount: int, step: int) -> int:
    """The next multiple of ``step`` at or above ``amount`` (quick cash keys)."""
    return -(-amount // step) * step
