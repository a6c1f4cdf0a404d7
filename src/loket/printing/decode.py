"""ESC/POS bytes -> the paper as text: for golden tests and for checking what a file printer holds.

Understands what loket sends: ESC @, ESC ! n, ESC E n, ESC a n, ESC t n, ESC d n, GS V,
GS ( k (QR), GS v 0 (raster image) and LF.
"""

from __future__ import annotations


def decode(data: bytes, columns: int = 32) -> list[str]:
    lines: list[str] = []
    buf = bytearray()
    align, double = 0, False
    i = 0

    def flush() -> None:
        text = buf.decode("ascii", "replace")
        width = columns // 2 if double else columns
        if align == 1:
            text = text.center(width)
        elif align == 2:
            text = text.rjust(width)
        if double:
            text = " ".join(text)
        lines.append(text.rstrip())
        buf.clear()

    while i < len(data):
        b = data[i]
        if b == 0x0A:
            flush()
            i += 1
        elif b == 0x1B:  # ESC
            cmd = data[i + 1]
            if cmd == 0x40:  # @ init
                align, double = 0, False
                i += 2
            elif cmd == 0x21:  # ! print mode
                double = bool(data[i + 2] & 0x30)
                i += 3
            elif cmd == 0x61:  # a align
                align = data[i + 2] % 48 if data[i + 2] >= 48 else data[i + 2]
                i += 3
            elif cmd == 0x64:  # d feed n lines
                lines.extend([""] * data[i + 2])
                i += 3
            else:  # E bold, t code page, - underline, M font …: one argument byte
                i += 3
        elif b == 0x1D:  # GS
            cmd = data[i + 1]
            if cmd == 0x56:  # V cut
                lines.append("[CUT]")
                i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
            elif cmd == 0x28 and data[i + 2] == 0x6B:  # ( k: 2D code
                size = data[i + 3] | data[i + 4] << 8
                fn = data[i + 6]
                if fn == 0x50:  # store data
                    lines.append(f"[QR {data[i + 8 : i + 5 + size].decode('ascii', 'replace')}]")
                i += 5 + size
            elif cmd == 0x76:  # v 0 raster image
                width = data[i + 4] | data[i + 5] << 8
                height = data[i + 6] | data[i + 7] << 8
                lines.append(f"[IMAGE {width * 8}x{height}]")
                i += 8 + width * height
            elif cmd == 0x21:  # ! size
                double = bool(data[i + 2] & 0x11)
                i += 3
            else:
                i += 3
        else:
            buf.append(b)
            i += 1
    if buf:
        flush()
    return lines
