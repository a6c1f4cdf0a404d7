"""A QR code drawn in the terminal with half blocks, so a customer can scan it off the screen."""

from __future__ import annotations

from functools import lru_cache

from rich.text import Text
from textual.widget import Widget

from loket.tui import texts


@lru_cache(maxsize=16)
def qr_matrix(payload: str, border: int = 1) -> tuple[tuple[bool, ...], ...]:
    """The modules, dark ones True, with ``border`` light modules of quiet zone around."""
    import qrcode  # with its PIL parts, only when a QR is shown: not at start

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, border=border)
    qr.add_data(payload)
    qr.make(fit=True)
    return tuple(tuple(row) for row in qr.get_matrix())


def qr_text(payload: str, border: int = 1, scale: int = 1) -> Text:
    """Each module ``scale`` cells wide and ``scale`` half-cells tall: square on a terminal,
    whose cells are about twice as tall as they are wide."""
    rows = [
        [dark for dark in row for _ in range(scale)]
        for row in qr_matrix(payload, border)
        for _ in range(scale)
    ]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        lines.append(
            "".join(
                "█" if t and b else "▀" if t else "▄" if b else " "
                for t, b in zip(top, bottom, strict=True)
            )
        )
    # dark modules are drawn as black on a white ground, whatever the terminal's theme
    return Text("\n".join(lines), style="black on white", no_wrap=True, end="")


def qr_size(payload: str, border: int, scale: int) -> tuple[int, int]:
    """Columns and rows the QR takes at ``scale``."""
    modules = len(qr_matrix(payload, border)) * scale
    return modules, (modules + 1) // 2


class QrView(Widget):
    """The QR as large as the space it is given allows, centred; never cut."""

    DEFAULT_CSS = """
    QrView { width: 1fr; height: 1fr; }
    """

    BORDERS = (2, 1)  # quiet zone in modules: two if there is room, one on a small terminal

    def __init__(self, payload: str, **kw) -> None:
        super().__init__(**kw)
        self.payload = payload

    def fit(self) -> tuple[int, int]:
        """The largest scale that fits, and the quiet zone it has room for; (0, 0) if none."""
        width, height = self.content_size
        for border in self.BORDERS:
            fits = [
                s for s in range(1, 9) if _fits(qr_size(self.payload, border, s), width, height)
            ]
            if fits:
                return max(fits), border
        return 0, 0

    def scale(self) -> int:
        return self.fit()[0]

    def render(self) -> Text:
        scale, border = self.fit()
        if not scale:
            return Text(texts.QR_TOO_SMALL, style="bold")
        qr = qr_text(self.payload, border, scale)
        width, height = self.content_size
        qr_width, qr_height = qr_size(self.payload, border, scale)
        # centred by hand: the quiet zone is leading spaces, which must stay where they are
        left = " " * ((width - qr_width) // 2)
        centred = Text("\n" * ((height - qr_height) // 2), no_wrap=True, overflow="crop", end="")
        for i, line in enumerate(qr.split("\n")):
            centred.append(("\n" if i else "") + left)
            centred.append_text(line)
        return centred


def _fits(size: tuple[int, int], width: int, height: int) -> bool:
    return size[0] <= width and size[1] <= height
