"""Who the local API answers: requests addressed to it, from no web page but those the owner
allowed.

A web page the cashier opens can make the browser call ``http://127.0.0.1:8780`` through a name of
its own that it re-points at 127.0.0.1 (DNS rebinding): the browser then sends the page's name as
``Host``. So a request is answered only when its ``Host`` is an address ``loket serve`` listens on,
with its port, and only when it carries no ``Origin`` (a POS program, curl) or one listed in
``[serve] allowed_origins`` (a web front the owner runs).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from starlette.datastructures import Headers

LOOPBACK = ("127.0.0.1", "localhost", "::1")
EVERY_ADDRESS = ("0.0.0.0", "::", "")  # a bind to every interface: reached by the machine's IPs
HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?$")


def _ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Door:
    """The rules for one listening address and port; ``refusal`` says why a request is not
    answered (a stable code and an Indonesian line), or None."""

    def __init__(self, host: str, port: int, origins: Iterable[str] = ()) -> None:
        self.port = port
        bound = host.strip("[]").lower()
        self.any_ip = bound in EVERY_ADDRESS
        self.names = set(LOOPBACK) | ({bound} if not self.any_ip else set())
        self.origins = frozenset(origin.lower() for origin in origins)
        shown = (
            "alamat IP komputer ini" if self.any_ip else (f"[{bound}]" if ":" in bound else bound)
        )
        self.address = f"{shown}:{port}"

    def addressed_here(self, header: str) -> bool:
        match = HOST.match(header)
        if not match:
            return False
        name = match.group(1).strip("[]").lower()
        port = int(match.group(2)) if match.group(2) else 80  # no port: the scheme's, http's
        if port != self.port:
            return False
        return name in self.names or (self.any_ip and _ip(name))

    def refusal(self, headers: Headers) -> tuple[str, str] | None:
        hosts = headers.getlist("host")
        if len(hosts) != 1 or not self.addressed_here(hosts[0]):
            given = hosts[0][:80] if hosts else "(tidak ada)"
            return (
                "host_not_allowed",
                f"Header Host {given} ditolak: loket serve hanya menjawab "
                f"permintaan ke alamatnya sendiri ({self.address})",
            )
        origin = headers.get("origin")
        if origin is not None and origin.lower() not in self.origins:
            return (
                "origin_not_allowed",
                f"Origin {origin[:80]} tidak diizinkan: halaman web "
                "hanya dapat memanggil loket serve dari alamat di [serve] allowed_origins",
            )
        return None
