"""A hostile host on loopback: speaks the native protocol well enough to be used, then lies.

Raw sockets rather than a framework, so that every byte can be wrong on purpose: dripped
headers, truncated bodies, a gzip bomb, a redirect. By default it is a small, honest host for any
card number (a family of three, Kelas III, owing the current month); ``set(mode, on=…, only=…)``
makes the replies of the chosen endpoints (``inquiry``, ``payment``, ``status``, ``balance``) for
the chosen customer numbers hostile. A hostile reply never books anything.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from functools import cache

PREMIUM = 105_000
PAID_AT = "2026-11-21T10:00:05+07:00"
DRIP_S = 0.2  # one byte every 0.2 s: each read answers well within any read time-out

# Every way a reply can be wrong, and what a hostile reply looks like in it.
MODES = (
    "good",
    "negative_premium",
    "zero_premium",
    "empty_periods",
    "unauthorized_success",
    "other_ref",
    "failed_rc00",
    "success_rc84",
    "premium_differs",
    "paid_at_words",
    "huge_body",
    "deep_nesting",
    "truncated",
    "wrong_content_type",
    "duplicate_keys",
    "gzip_bomb",
    "redirect",
    "drip_headers",
    "drip_body",
    "control_chars",
    "not_json",
    "json_list",
    "numbers_as_strings",
    "float_money",
    "bool_ints",
    "nan",
    "null_data",
    "error_500",
    "drop",
    "sn_missing",
    "another_family",
)
# Modes in which the reply, though odd in its text, is well-formed and so believed (cleaned).
BELIEVED = frozenset({"good", "control_chars"})
EVIL_TEXT = "SITI\x1b[2J\x1dV\x00 AMINAH\u202e"


def bill_for(customer_no: str, months_ahead: int = 0, premium: int = PREMIUM) -> dict:
    tail = customer_no[-11:]
    periods = [
        f"2026-{m:02d}" if m <= 12 else f"2027-{m - 12:02d}" for m in range(11, 12 + months_ahead)
    ]
    return {
        "va_no": "88888" + tail,
        "head_name": "SITI AMINAH",
        "branch": "JAKARTA PUSAT",
        "members": [
            {"card_no": "00" + tail, "name": "SITI AMINAH", "class": 3},
            {"card_no": "0002" + tail[2:], "name": "BUDI SANTOSO", "class": 3},
            {"card_no": "0003" + tail[2:], "name": "RINA SANTOSO", "class": 3},
        ],
        "periods": periods,
        "arrears_months": 0,
        "months_ahead": months_ahead,
        "premium": premium * len(periods),
        "admin": 2500,
        "agent_price": premium * len(periods) + 1000,
    }


@cache
def gzip_bomb() -> bytes:
    """64 MiB of zeros inside ~64 KiB of gzip: under any raw cap, far over any decoded one."""
    return gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


@dataclass
class Request:
    method: str
    target: str
    headers: dict
    body: dict

    @property
    def endpoint(self) -> str:
        return self.target.split("?")[0].rsplit("/", 1)[-1]


@dataclass
class State:
    mode: str = "good"
    on: frozenset = frozenset({"inquiry", "payment", "status", "balance"})
    only: frozenset | None = None  # customer numbers the mode applies to (None: all)
    paid: dict = field(default_factory=dict)  # ref_id -> the success answer
    customers: dict = field(default_factory=dict)  # payment ref_id -> customer_no
    seen: list = field(default_factory=list)  # every Request
    lock: threading.Lock = field(default_factory=threading.Lock)


class HostileHost:
    def __init__(self) -> None:
        self.state = State()
        self.stopping = threading.Event()
        host = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                host._serve(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True, name="hostile-host"
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HostileHost:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def set(self, mode: str, on=("inquiry", "payment", "status", "balance"), only=None) -> None:
        assert mode in MODES, mode
        with self.state.lock:
            self.state.mode = mode
            self.state.on = frozenset(on)
            self.state.only = frozenset(only) if only is not None else None

    @property
    def seen(self) -> list[Request]:
        with self.state.lock:
            return list(self.state.seen)

    # -- the wire ---------------------------------------------------------------------------
    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(10)
        try:
            request = _read_request(sock)
            if request is None:
                return
            with self.state.lock:
                self.state.seen.append(request)
            self._answer(sock, request)
        except OSError:
            pass  # the client gave up: that is what a deadline is for
        finally:
            sock.close()

    def _hostile(self, request: Request) -> str:
        state = self.state
        with state.lock:
            customer = request.body.get("customer_no") or state.customers.get(
                request.body.get("ref_id")
            )
            if request.endpoint == "payment" and customer:
                state.customers[request.body.get("ref_id")] = customer
            applies = request.endpoint in state.on and (
                state.only is None or customer in state.only
            )
            return state.mode if applies else "good"

    def _answer(self, sock: socket.socket, request: Request) -> None:
        mode = self._hostile(request)
        if request.target == "/v1/health":
            return _send(sock, 200, {"data": {"status": "ok", "time": PAID_AT}})
        good_status, good = self._good(request, book=mode == "good")
        if mode in ("good",):
            return _send(sock, good_status, good)
        wire = WIRE_MODES.get(mode)
        if wire is not None:
            return wire(self, sock, good)
        status, body = _lie(mode, good, request)
        return _send(sock, status, body)

    def _good(self, request: Request, book: bool) -> tuple[int, dict]:
        body, endpoint = request.body, request.endpoint
        ref_id = body.get("ref_id", "")
        customer = body.get("customer_no", "")
        if endpoint == "inquiry":
            return 200, {
                "data": {
                    "ref_id": ref_id,
                    "status": "success",
                    "rc": "00",
                    "message": "Tagihan ditemukan",
                    "bill": bill_for(customer, body.get("months_ahead", 0)),
                    "inquired_at": "2026-11-21T10:00:00+07:00",
                }
            }
        if endpoint == "balance":
            return 200, {"data": {"status": "success", "rc": "00", "balance": 5_000_000}}
        with self.state.lock:
            stored = self.state.paid.get(ref_id)
        if stored is not None:
            return 200, {"data": stored}
        if endpoint == "status":  # in a hostile mode, pretend it was paid (a lie to judge)
            if book:
                return 200, {
                    "data": {
                        "ref_id": ref_id,
                        "status": "failed",
                        "rc": "50",
                        "message": "Transaksi tidak ditemukan",
                    }
                }
            customer = self.state.customers.get(ref_id, "0001000000011")
            body = {"months_ahead": 0, "amount": PREMIUM}
        bill = bill_for(customer, body.get("months_ahead", 0))
        if body.get("amount") != bill["premium"]:
            return 200, {
                "data": {
                    "ref_id": ref_id,
                    "status": "failed",
                    "rc": "84",
                    "message": "Jumlah berbeda",
                    "bill": bill,
                }
            }
        answer = {
            "ref_id": ref_id,
            "status": "success",
            "rc": "00",
            "message": "Pembayaran berhasil",
            "bill": bill,
            "sn": hashlib.sha1(ref_id.encode()).hexdigest()[:16].upper(),
            "paid_at": PAID_AT,
            "balance": 5_000_000,
        }
        if book:
            with self.state.lock:
                self.state.paid[ref_id] = answer
        return 200, {"data": answer}

    # -- hostile wire-level replies ------------------------------------------------------------
    def _drip(self, sock: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self.stopping.is_set():
                return
            sock.sendall(data[i : i + 1])
            time.sleep(DRIP_S)

    def _drip_headers(self, sock, good) -> None:
        body = json.dumps(good).encode()
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + b"X-Padding: "
            + b"a" * 2000
            + b"\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        self._drip(sock, head + body)

    def _drip_body(self, sock, good) -> None:
        body = json.dumps({**good, "padding": "a" * 2000}).encode()
        sock.sendall(_head(200, len(body)))
        self._drip(sock, body)

    def _truncated(self, sock, good) -> None:
        body = json.dumps(good).encode()
        sock.sendall(_head(200, len(body)) + body[: len(body) // 2])

    def _gzip_bomb(self, sock, _good) -> None:
        bomb = gzip_bomb()
        sock.sendall(_head(200, len(bomb), extra=b"Content-Encoding: gzip\r\n") + bomb)

    def _redirect(self, sock, _good) -> None:
        sock.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: "
            + self.url.encode()
            + b"/v1/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )

    def _wrong_content_type(self, sock, good) -> None:
        body = json.dumps(good).encode()
        sock.sendall(_head(200, len(body), content_type=b"text/html") + body)

    def _drop(self, sock, _good) -> None:
        sock.shutdown(socket.SHUT_RDWR)


def _huge(host, sock, good) -> None:
    body = json.dumps({"data": {**good["data"], "message": "x" * (2 * 1024 * 1024)}}).encode()
    sock.sendall(_head(200, len(body)) + body)


WIRE_MODES = {
    "drip_headers": HostileHost._drip_headers,
    "drip_body": HostileHost._drip_body,
    "truncated": HostileHost._truncated,
    "gzip_bomb": HostileHost._gzip_bomb,
    "redirect": HostileHost._redirect,
    "wrong_content_type": HostileHost._wrong_content_type,
    "drop": HostileHost._drop,
    "huge_body": _huge,
    "deep_nesting": lambda h, s, g: _payload(s, b'{"data": ' + b"[" * 200_000),
    "not_json": lambda h, s, g: _payload(s, b"<html>502 Bad Gateway \x00\xff</html>"),
    "json_list": lambda h, s, g: _payload(s, json.dumps([g]).encode()),
    "nan": lambda h, s, g: _payload(
        s,
        json.dumps(g)
        .replace('"balance": 5000000', '"balance": NaN')
        .replace('"premium": 105000', '"premium": NaN')
        .encode(),
    ),
}


def _payload(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(_head(200, len(payload)) + payload)


def _lie(mode: str, good: dict, request: Request) -> tuple[int, object]:
    """A well-formed HTTP reply whose JSON lies in the way ``mode`` says."""
    data = json.loads(json.dumps(good["data"]))
    bill = data.get("bill")
    if mode == "negative_premium" and bill:
        bill["premium"] = -PREMIUM
    elif mode == "zero_premium" and bill:
        bill["premium"], bill["agent_price"] = 0, 1000
    elif mode == "empty_periods" and bill:
        bill["periods"] = []
    elif mode == "unauthorized_success":
        return 401, {"data": data}
    elif mode == "other_ref":
        data["ref_id"] = "PAY-SOMEONE-ELSE"
    elif mode == "failed_rc00":
        data["status"], data["rc"] = "failed", "00"
    elif mode == "success_rc84":
        data["status"], data["rc"] = "success", "84"
    elif mode == "premium_differs" and bill:
        bill["premium"] += 5000
        bill["agent_price"] += 5000
    elif mode == "paid_at_words":
        data["paid_at"] = "kemarin sore"
        data["inquired_at"] = "kemarin sore"
    elif mode == "control_chars":
        if bill:
            bill["head_name"] = EVIL_TEXT
            bill["branch"] = "JAKARTA\x1b[31m PUSAT"
            bill["members"][0]["name"] = EVIL_TEXT
        if "sn" in data:
            data["sn"] = "SN\x1dV\x00" + data["sn"]
        data["message"] = "Berhasil\x1b[2J"
    elif mode == "numbers_as_strings":
        if bill:
            bill["premium"] = str(bill["premium"])
        data["balance"] = "5000000"
    elif mode == "float_money":
        if bill:
            bill["premium"] = float(bill["premium"])
        data["balance"] = 5_000_000.0
    elif mode == "bool_ints":
        if bill:
            bill["members"][0]["class"] = True
            bill["arrears_months"] = False
        data["balance"] = True
    elif mode == "null_data":
        return 200, {"data": None}
    elif mode == "error_500":
        return 500, {"data": {**data, "status": "success", "rc": "00"}}
    elif mode == "sn_missing":
        data.pop("sn", None)
    elif mode == "another_family" and bill:
        other = bill_for("0001999888777")
        data["bill"] = {**other, "premium": bill["premium"], "agent_price": bill["agent_price"]}
    elif mode == "duplicate_keys":
        raw = json.dumps({"data": {**data, "status": "failed"}})
        return 200, _Raw(
            raw.replace('"status": "failed"', '"status": "failed", "status": "success"', 1)
        )
    return 200, {"data": data}


class _Raw(str):
    """Body text sent as is (JSON that ``json.dumps`` could never produce)."""


def _head(
    status: int, length: int, content_type: bytes = b"application/json", extra: bytes = b""
) -> bytes:
    reason = {200: b"OK", 401: b"Unauthorized", 500: b"Internal Server Error"}.get(status, b"X")
    return (
        b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%sConnection: close\r\n\r\n"
        % (status, reason, content_type, length, extra)
    )


def _send(sock: socket.socket, status: int, body: object) -> None:
    payload = (body if isinstance(body, _Raw) else json.dumps(body)).encode()
    sock.sendall(_head(status, len(payload)) + payload)


def _read_request(sock: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    try:
        body = json.loads(rest[:length] or b"{}")
    except ValueError:
        body = {}
    return Request(method, target, headers, body if isinstance(body, dict) else {})
