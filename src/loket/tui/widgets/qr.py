"""A QR code drawn in the terminal with half blocks, so a customer can scan it off the screen."""

from __future__ import annotations

import qrcode
from rich.text import Text


def qr_text(payload: str, border: int = 1) -> Text:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, border=border)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    lines = []
    for top, bottom in zip(matrix[0::2], matrix[1::2], strict=True):
        # dark modules are drawn as black on a white ground, whatever the terminal's theme
        lines.append(
            "".join(
                "█" if t and b else "▀" if t else "▄" if b else " "
                for t, b in zip(top, bottom, strict=True)
            )
        )
    return Text("\n".join(lines), style="black on white", no_wrap=True)
