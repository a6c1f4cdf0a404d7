"""A slip as a file for a POS or a web page: ESC/POS bytes, the paper as text, a PNG or a PDF.

Text, PNG and PDF are drawn from the paper as the printer would print it (``decode``), so all
four say the same thing line for line; the QR is drawn as a real QR code. Pillow, qrcode and
reportlab are imported only when such a file is asked for.
"""

from __future__ import annotations

import io
from dataclasses import replace

from loket.printing.decode import decode
from loket.printing.escpos_render import PrintOptions, render
from loket.printing.slip import Element

KINDS = {  # what ``?format=`` accepts -> media type
    "escpos": "application/octet-stream",
    "text": "text/plain; charset=utf-8",
    "png": "image/png",
    "pdf": "application/pdf",
}
PAPER_MM = {32: 58, 48: 80}
SCALE = 2  # the PNG's 6x11-dot bitmap font, doubled: about a thermal printer's 12x24 dots


def paper_lines(elements: list[Element], options: PrintOptions) -> list[str]:
    """The slip as printed, one string per line; a QR as ``[QR payload]``, no cut mark."""
    raw = render(elements, replace(options, qr="native"))  # the QR's payload, not its pixels
    lines = [line for line in decode(raw, options.columns) if line != "[CUT]"]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def receipt_as(kind: str, elements: list[Element], options: PrintOptions) -> tuple[bytes, str]:
    """(content, media type); ``ValueError`` for a kind not in ``KINDS``."""
    if kind not in KINDS:
        raise ValueError(kind)
    if kind == "escpos":
        return render(elements, options), KINDS[kind]
    lines = paper_lines(elements, options)
    if kind == "text":
        return ("\n".join(lines) + "\n").encode("utf-8"), KINDS[kind]
    draw = _png if kind == "png" else _pdf
    return draw(lines, options.columns), KINDS[kind]


def _qr_payload(line: str) -> str | None:
    return line[4:-1] if line.startswith("[QR ") and line.endswith("]") else None


def _qr_modules(payload: str) -> list[list[bool]]:
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    return code.get_matrix()


def _png(lines: list[str], columns: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default_imagefont()  # fixed width: the slip's columns line up
    cell_w, cell_h = 6, 12
    margin = 6
    width = columns * cell_w + 2 * margin
    blocks: list[tuple[str, object]] = []
    height = margin
    for line in lines:
        payload = _qr_payload(line)
        if payload is None:
            blocks.append(("text", line))
            height += cell_h
        else:
            modules = _qr_modules(payload)
            dot = max(1, (width // 2) // len(modules))
            blocks.append(("qr", (modules, dot)))
            height += len(modules) * dot + cell_h // 2
    image = Image.new("L", (width, height + margin), 255)
    pen = ImageDraw.Draw(image)
    y = margin
    for kind, value in blocks:
        if kind == "text":
            pen.text((margin, y), str(value), font=font, fill=0)
            y += cell_h
            continue
        modules, dot = value  # type: ignore[misc]
        left = (width - len(modules) * dot) // 2
        for row, cells in enumerate(modules):
            for col, dark in enumerate(cells):
                if dark:
                    x0, y0 = left + col * dot, y + row * dot
                    pen.rectangle((x0, y0, x0 + dot - 1, y0 + dot - 1), fill=0)
        y += len(modules) * dot + cell_h // 2
    image = image.resize((image.width * SCALE, image.height * SCALE), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _pdf(lines: list[str], columns: int) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    width = PAPER_MM.get(columns, 58) * mm
    margin = 3 * mm
    size = (width - 2 * margin) / (0.6 * columns)  # Courier: each glyph 0.6 em wide
    leading = size * 1.25
    qr_side = width / 2
    height = 2 * margin + sum(
        qr_side + leading / 2 if _qr_payload(line) is not None else leading for line in lines
    )
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=(width, height), pageCompression=1)
    pdf.setTitle("Struk loket")
    y = height - margin
    for line in lines:
        payload = _qr_payload(line)
        if payload is None:
            y -= leading
            pdf.setFont("Courier", size)
            pdf.drawString(margin, y + leading * 0.2, line)
            continue
        modules = _qr_modules(payload)
        dot = qr_side / len(modules)
        left = (width - qr_side) / 2
        y -= qr_side
        for row, cells in enumerate(modules):
            for col, dark in enumerate(cells):
                if dark:
                    pdf.rect(
                        left + col * dot,
                        y + (len(modules) - 1 - row) * dot,
                        dot,
                        dot,
                        stroke=0,
                        fill=1,
                    )
        y -= leading / 2
    pdf.showPage()
    pdf.save()
    return out.getvalue()
