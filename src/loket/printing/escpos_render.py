"""Elements -> ESC/POS bytes with python-escpos (rendered on its ``Dummy``, sent in one piece).

python-escpos (with its capability database, barcode, yaml and PIL) takes about half a second to
import, so it is imported when a slip is rendered, not when loket starts (issue 11). Left to
itself it parses its YAML printer database on every import and leaves the result, a 300 kB
pickle, in a new temporary folder each time; loket points it at one folder in the user's cache.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from loket.printing.slip import QR, Element, Feed, Text, ascii_text

if TYPE_CHECKING:
    from escpos.capabilities import Profile

DOTS = {32: 384, 48: 576}  # 58 mm and 80 mm paper, Font A


@dataclass(frozen=True)
class PrintOptions:
    columns: int = 32
    qr: str = "native"  # native | image | none
    cut: bool = True


def _escpos_cache() -> None:
    """python-escpos parses its printer database (YAML) on import unless a pickle of it is at
    hand, and writes that pickle where ``ESCPOS_CAPABILITIES_PICKLE_DIR`` says (else into a new
    temporary folder every time). loket keeps one in its cache folder. The library writes the
    file in place, so a process starting beside another could read it half-written: the first
    import writes into a folder of its own, and the file is then moved into the shared folder in
    one atomic step."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    import platform

    import platformdirs

    folder = Path(platformdirs.user_cache_dir("loket", appauthor=False)) / "escpos"
    name = f"{platform.python_version()}.capabilities.pickle"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if (folder / name).exists():
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)
            return
        own = Path(tempfile.mkdtemp(dir=folder))
    except OSError:  # no cache folder: python-escpos's own temporary one, as before
        return
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(own)
    try:
        import escpos.capabilities  # noqa: F401  (writes the pickle into our own folder)

        os.replace(own / name, folder / name)
    except OSError:
        pass  # the next start tries again; this one has its capabilities
    finally:
        shutil.rmtree(own, ignore_errors=True)
        if (folder / name).exists():  # what children of this process read
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)
        else:
            del os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]


def paper_profile(dots: int) -> Profile:
    """python-escpos's default profile with the paper's width in dots (an image QR is centred on
    it). Its data is a copy: the library's profile data is shared by every printer object."""
    from escpos.capabilities import Profile

    profile = Profile()
    profile.profile_data = copy.deepcopy(Profile.profile_data)
    profile.profile_data["media"]["width"]["pixels"] = dots
    profile.features = profile.profile_data["features"]  # Profile() alone would support none
    return profile


def render(elements: list[Element], options: PrintOptions) -> bytes:
    _escpos_cache()
    from escpos.printer import Dummy

    printer = Dummy(profile=paper_profile(DOTS.get(options.columns, 384)))
    printer.hw("INIT")  # reset first: a previous slip may have left bold or a size on
    for el in elements:
        if isinstance(el, Text):
            printer.set(
                align=el.align,
                bold=el.bold,
                normal_textsize=not el.double,
                double_width=el.double or None,
                double_height=el.double or None,
            )
            printer.text(ascii_text(el.text) + "\n")
        elif isinstance(el, QR):
            if options.qr == "none":
                continue
            printer.set(align="center", bold=False, normal_textsize=True)
            if options.qr == "native":
                printer.qr(el.payload, native=True, size=6)
            else:  # many 58 mm printers have no QR command: print it as a raster image
                printer.qr(el.payload, native=False, size=5, center=True)
        elif isinstance(el, Feed):
            printer.ln(el.lines)
    printer.set(align="left", bold=False, normal_textsize=True)
    if options.cut:
        printer.cut()
    else:
        printer.ln(4)  # feed past the tear bar
    return printer.output
