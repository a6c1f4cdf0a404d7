"""Text from outside (a host reply, a typed field) made safe to show, store and print.

A head-of-family name carrying ``ESC [2J`` would clear the cashier's terminal; one carrying
``GS V 0`` would cut the receipt paper; a right-to-left override would make ``LUNAS 50.000`` read
as something else. Nothing of that kind survives ``clean_text``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

# Whitespace controls become a plain space (a name split over two lines stays two words).
_SPACES = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")
# Unicode categories dropped outright: controls (C0, DEL, C1), format characters (bidi
# overrides and isolates, zero-width joiners, BOM, soft hyphen …), lone surrogates (they cannot
# even be encoded to UTF-8, so SQLite or the terminal would fail on them), private use, unassigned.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean_text(text: str, max_len: int | None = None) -> str:
    """Printable text only: controls and format characters removed, whitespace runs made one
    space, trimmed, then cut to ``max_len`` characters."""
    if text.isascii() and text.isprintable() and "  " not in text and text == text.strip():
        # the common case, already clean (a month's report streams millions of cells through)
        return text if max_len is None else text[:max_len].rstrip()
    kept = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _SPACES or unicodedata.category(ch) == "Zs":
            kept.append(" ")
        elif unicodedata.category(ch) not in _DROPPED:
            kept.append(ch)
    cleaned = " ".join("".join(kept).split())
    if max_len is not None:
        cleaned = cleaned[:max_len].rstrip()
    return cleaned


def clean_cells(row: Iterable[Any]) -> tuple[Any, ...]:
    """A row read from outside with each text in it cleaned; numbers, times and None as they are
    (a database row's cells: whatever its query selects, so ``Any``)."""
    return tuple(clean_text(v) if isinstance(v, str) else v for v in row)


def clean_json(value: object) -> object:
    """Parsed JSON with every string in it cleaned (keys too), its shape kept."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    return value
