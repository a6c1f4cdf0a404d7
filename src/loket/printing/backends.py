"""Where the bytes go: file, serial, network, USB, CUPS/lp, a Windows printer, dummy or nowhere."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from loket.config.sections import PrinterConfig  # the printer section only
from loket.store.files import appending


class PrinterError(Exception):
    """Printing failed; the message is for the cashier. The payment is never affected."""


WIN32_MISSING = (
    "Printer win32raw hanya bisa dipakai di Windows dengan pywin32 terpasang; "
    "pilih printer lain di [printer] backend"
)

# The validated ``[printer]`` section is the printer's settings; one type for both.
PrinterSettings = PrinterConfig


@dataclass
class Delivery:
    """Sends rendered bytes to the configured printer."""

    settings: PrinterSettings
    sent: list[bytes] = field(default_factory=list)  # the dummy backend keeps what it got

    def send(self, data: bytes) -> None:
        s = self.settings
        try:
            if s.backend == "none":
                return
            if s.backend == "dummy":
                self.sent.append(data)
            elif s.backend == "file":  # append: a file printer keeps every slip
                with appending(Path(s.path)) as out:  # slips hold names and money: 0600
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
            elif s.backend == "network":
                with socket.create_connection((s.host, s.port), timeout=5) as conn:
                    conn.sendall(data)
            elif s.backend == "serial":
                import serial  # pyserial

                with serial.Serial(s.device, s.baudrate, timeout=5, write_timeout=5) as port:
                    port.write(data)
                    port.flush()
            else:  # usb, cups, win32raw: python-escpos's own connections
                printer = _escpos_printer(s)
                printer.open()
                try:
                    printer._raw(data)
                finally:
                    printer.close()
        except PrinterError:
            raise
        except Exception as exc:  # an unplugged or unpowered printer fails in many ways
            raise PrinterError(
                f"Printer tidak dapat dipakai ({s.backend}): {_reason(exc)}"
            ) from exc

    def check(self) -> tuple[bool, str]:
        """A quick, side-effect-free look: is the printer there?"""
        s = self.settings
        if s.backend in ("none", "dummy"):
            return True, "tanpa printer" if s.backend == "none" else "dummy"
        if s.backend == "file":
            parent = Path(s.path).parent
            return os.access(parent if parent.exists() else parent.parent, os.W_OK), "file"
        if s.backend == "serial":
            return Path(s.device).exists(), s.device
        if s.backend == "network":
            try:
                socket.create_connection((s.host, s.port), timeout=1).close()
                return True, f"{s.host}:{s.port}"
            except OSError:
                return False, f"{s.host}:{s.port}"
        if s.backend == "win32raw":
            try:  # the spooler's list of printers: asks, prints nothing
                return s.name in _escpos_printer(s).printers, s.name
            except Exception:
                return False, s.name
        return True, s.backend


def _escpos_printer(s: PrinterSettings):
    from escpos import printer

    if s.backend == "usb":
        return printer.Usb(s.vendor_id, s.product_id)
    if s.backend == "cups":
        if printer.CupsPrinter.is_usable():
            return printer.CupsPrinter(s.name)
        return printer.LP(s.name)
    if s.backend == "win32raw":  # the Windows spooler, RAW: the printer's own driver name
        if not printer.Win32Raw.is_usable():
            raise PrinterError(WIN32_MISSING)
        return printer.Win32Raw(s.name)
    raise PrinterError(f"Jenis printer tidak dikenal: {s.backend}")


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:80]
