"""A slip is a list of plain elements; layouts build them, renderers turn them into bytes or text."""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass

# Characters NFKD cannot take apart, mapped by hand before the ASCII fold.
_EXTRA = str.maketrans(
    {
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Ł": "L",
        "ł": "l",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "•": "*",
    }
)


_WHITESPACE = "\t\n\r\x0b\x0c"


def ascii_text(text: str) -> str:
    """What a cheap printer's code page can print: NFKD, then printable ASCII (``Siti Ä`` ->
    ``Siti A``). Control bytes never reach the printer (``GS V 0`` would cut the paper): a
    whitespace control becomes a space, any other is dropped."""
    folded = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    return "".join(
        " " if ch in _WHITESPACE else ch
        for ch in ascii_only
        if " " <= ch <= "~" or ch in _WHITESPACE
    )


@dataclass(frozen=True)
class Text:
    text: str
    align: str = "left"  # left | center | right
    bold: bool = False
    double: bool = False  # double width and height: half as many columns


@dataclass(frozen=True)
class QR:
    payload: str


@dataclass(frozen=True)
class Feed:
    lines: int = 1


Element = Text | QR | Feed


class SlipBuilder:
    """Helpers that keep every line within ``columns`` (amounts are never wrapped)."""

    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.elements: list[Element] = []

    def line(self, text: str = "", align: str = "left", bold: bool = False) -> None:
        for part in textwrap.wrap(ascii_text(text), self.columns, break_on_hyphens=False) or [""]:
            self.elements.append(Text(part, align, bold))

    def big(self, text: str) -> None:
        width = self.columns // 2
        for part in textwrap.wrap(ascii_text(text), width):
            self.elements.append(Text(part, "center", True, double=True))

    def rule(self, char: str = "-") -> None:
        self.elements.append(Text(char * self.columns))

    def field(self, label: str, value: str, label_width: int = 11) -> None:
        """``Nama       : SITI AMINAH``. Words that do not fit wrap under the value, so every
        colon and every value stays in its column; one token too long for the value's column (a
        reference) moves under the label, right-aligned, and one longer than the line too
        (a POS's 36-character ref on 58 mm paper) prints in groups of four (``in_groups``)."""
        value = ascii_text(value).strip()
        head = f"{label:<{label_width}}: " if label else " " * (label_width + 2)
        room = self.columns - len(head)
        if len(value) <= room:
            self.elements.append(Text(head + value))
        elif " " in value and room >= 8:
            indent = " " * len(head)
            parts = textwrap.wrap(value, room, break_on_hyphens=False)
            self.elements.append(Text(head + parts[0]))
            self.elements.extend(Text(indent + part) for part in parts[1:])
        else:
            self.elements.append(Text(head.rstrip()))
            parts = [value] if len(value) <= self.columns else in_groups(value, self.columns)
            self.elements.extend(Text(part.rjust(self.columns)) for part in parts)

    def amount(self, label: str, value: str, bold: bool = False) -> None:
        """``TOTAL BAYAR      Rp 107.500``; what does not fit on one line takes two, and an
        amount is never wrapped or cut (a slip must print whatever the payment holds)."""
        label, value = ascii_text(label), ascii_text(value)
        gap = self.columns - len(label) - len(value)
        if gap >= 1:
            self.elements.append(Text(label + " " * gap + value, bold=bold))
            return
        self.elements.append(Text(label[: self.columns], bold=bold))
        self.elements.append(Text(value.rjust(self.columns), bold=bold))

    def qr(self, payload: str) -> None:
        self.elements.append(QR(payload))

    def feed(self, lines: int = 1) -> None:
        self.elements.append(Feed(lines))


def in_groups(token: str, width: int) -> list[str]:
    """A token longer than the line as people read a long code: its prefix (``PAY-``) with the
    first group, then groups of four, spread evenly over the fewest lines of ``width``. Lines
    set flush right then stand each group under a group:
    ``PAY-SU7S NT7R AQBR MVUR`` over ``PMQM 4EE6 XYIJ HU3L``."""
    head, dash, body = token.rpartition("-")
    groups = [body[i : i + 4] for i in range(0, len(body), 4)] or [""]
    groups[0] = head + dash + groups[0]
    for n in range(1, len(groups) + 1):
        per = -(-len(groups) // n)
        lines = [" ".join(groups[i : i + per]) for i in range(0, len(groups), per)]
        if all(len(line) <= width for line in lines):
            return lines
    return textwrap.wrap(token, width, break_on_hyphens=False)  # a prefix wider than the paper


def as_text(elements: list[Element], columns: int) -> list[str]:
    """The paper as plain lines: the on-screen preview (QR shown as a marker line)."""
    out: list[str] = []
    for el in elements:
        if isinstance(el, Feed):
            out.extend([""] * el.lines)
        elif isinstance(el, QR):
            out.append(f"[QR {el.payload}]".center(columns))
        else:
            width = columns // 2 if el.double else columns
            text = {"center": el.text.center(width), "right": el.text.rjust(width)}.get(
                el.align, el.text
            )
            if el.double:
                text = " ".join(text)  # wide letters take two columns each
            out.append(text.rstrip())
    return out
