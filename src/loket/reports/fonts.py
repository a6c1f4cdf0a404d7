"""The reports' typeface, embedded in every PDF they write.

The standard Helvetica is never embedded: each viewer draws it with a substitute of other widths,
and poppler then reads and shows words apart (``R p``, ``J umlah``). Bitstream Vera Sans comes with
reportlab itself (``reportlab/fonts/Vera*.ttf``, a licence that lets it be bundled and embedded;
DejaVu Sans grew from it): no new dependency and no font file of ours. It has every character
the reports write (``—``, ``·``, ``…``) and all of Latin-1; a name beyond that would show a gap.
"""

from __future__ import annotations

from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SANS = "Vera"
SANS_BOLD = "Vera-Bold"
SANS_ITALIC = "Vera-Italic"
SANS_BOLD_ITALIC = "Vera-BoldItalic"
_FILES = {
    SANS: "Vera.ttf",
    SANS_BOLD: "VeraBd.ttf",
    SANS_ITALIC: "VeraIt.ttf",
    SANS_BOLD_ITALIC: "VeraBI.ttf",
}
# what reportlab's sample styles name, and ours in its place
_INSTEAD = {
    "Helvetica": SANS,
    "Helvetica-Bold": SANS_BOLD,
    "Helvetica-Oblique": SANS_ITALIC,
    "Helvetica-BoldOblique": SANS_BOLD_ITALIC,
}


def register() -> None:
    """Make the fonts known to reportlab (once a process); ``<b>`` in a paragraph stays Vera."""
    if SANS in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, file))  # found on reportlab's own font path
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD_ITALIC
    )


def styles() -> StyleSheet1:
    """reportlab's sample styles (Normal, Title, Heading3, …) set in the embedded fonts."""
    register()
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        font = getattr(style, "fontName", None)
        if font in _INSTEAD:
            style.fontName = _INSTEAD[font]
    return sheet
