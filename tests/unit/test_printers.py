"""Printers on the shop's PC: python-escpos's shared profile is left alone, and a Windows printer
(win32raw) prints through the spooler or, where there is none, says so in one Indonesian line."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
from escpos.capabilities import get_profile_class
from escpos.printer import win32raw

from loket.printing import layouts
from loket.printing.backends import WIN32_MISSING, Delivery, PrinterError, PrinterSettings
from loket.printing.escpos_render import PrintOptions, render
from tests import factories

SHOP = layouts.Shop("WARUNG BU SRI", "Jl. Melati No. 5", "AGT001", "T01")
RASTER = b"\x1dv0\x00"  # GS v 0: a raster image, then its width in bytes (8 dots each)


def slip(columns: int, qr: str) -> bytes:
    return render(
        layouts.receipt(factories.record("SUCCESS"), SHOP, columns),
        PrintOptions(columns=columns, qr=qr),
    )


def test_rendering_leaves_the_libraries_shared_profile_as_it_was(capsys):
    shared = get_profile_class("default").profile_data
    before = copy.deepcopy(shared)
    for columns in (32, 48):
        for qr in ("native", "image"):
            slip(columns, qr)
    assert shared == before
    assert capsys.readouterr().out == ""  # python-escpos prints a warning when it has no width


@pytest.mark.parametrize(("columns", "width_bytes"), [(32, 48), (48, 72)])
def test_an_image_qr_is_centred_on_the_papers_width(columns, width_bytes):
    data = slip(columns, "image")
    at = data.index(RASTER) + len(RASTER)
    assert data[at : at + 2] == bytes([width_bytes, 0])  # 384 or 576 dots: the paper's width


def test_win32raw_without_a_windows_spooler_says_so_in_one_line():
    delivery = Delivery(PrinterSettings(backend="win32raw", name="POS-58"))
    assert not win32raw.is_usable()  # this machine has no pywin32
    with pytest.raises(PrinterError) as caught:
        delivery.send(b"\x1b@slip")
    assert str(caught.value) == WIN32_MISSING
    assert "\n" not in WIN32_MISSING and "Windows" in WIN32_MISSING
    assert delivery.check() == (False, "POS-58")


class Spooler:
    """What ``win32print`` does with a RAW job, kept in memory."""

    PRINTER_ENUM_NAME = 8

    def __init__(self, printers: list[str]) -> None:
        self.printers, self.jobs, self.open_handles = printers, [], 0

    def EnumPrinters(self, _flags, _name, _level):  # noqa: N802 (win32print's names)
        return [{"pPrinterName": name} for name in self.printers]

    def GetDefaultPrinter(self):  # noqa: N802
        return self.printers[0]

    def OpenPrinter(self, name):  # noqa: N802
        self.open_handles += 1
        return SimpleNamespace(name=name, data=b"", pages=0)

    def StartDocPrinter(self, handle, _level, doc):  # noqa: N802
        assert doc[2] == "RAW"
        self.jobs.append(handle)

    def StartPagePrinter(self, handle):  # noqa: N802
        handle.pages += 1

    def WritePrinter(self, handle, data):  # noqa: N802
        handle.data += data

    def EndPagePrinter(self, _handle):  # noqa: N802
        pass

    def EndDocPrinter(self, _handle):  # noqa: N802
        pass

    def ClosePrinter(self, _handle):  # noqa: N802
        self.open_handles -= 1


@pytest.fixture
def spooler(monkeypatch):
    fake = Spooler(["Microsoft Print to PDF", "POS-58"])
    monkeypatch.setattr(win32raw, "_DEP_WIN32PRINT", True)
    monkeypatch.setattr(win32raw, "win32print", fake, raising=False)
    monkeypatch.setattr(win32raw, "pywintypes", SimpleNamespace(error=OSError), raising=False)
    return fake


def test_win32raw_sends_the_slip_as_one_raw_job_to_the_named_printer(spooler):
    delivery = Delivery(PrinterSettings(backend="win32raw", name="POS-58"))
    assert delivery.check() == (True, "POS-58")
    data = slip(32, "native")
    delivery.send(data)
    [job] = spooler.jobs
    assert (job.name, job.data, job.pages) == ("POS-58", data, 1)
    assert spooler.open_handles == 0  # the job was closed


def test_win32raw_names_a_printer_windows_does_not_have(spooler):
    delivery = Delivery(PrinterSettings(backend="win32raw", name="EPSON"))
    assert delivery.check() == (False, "EPSON")
    with pytest.raises(PrinterError, match=r"^Printer tidak dapat dipakai \(win32raw\)"):
        delivery.send(b"\x1b@slip")
    assert spooler.jobs == []
