"""An IAK postpaid host on loopback, written from ``aggregators.md`` §2 alone (not the simulator):
one family (the documented BPJS example), every command on ``POST /api/v1/bill/check``, signed
``md5(username + key + X)``. Honest by default; ``lie_to(command, how)`` rewrites the answers to
one command after the host has done what it does (a payment is booked all the same), so a test
can hold loket to a reply shaped as the documentation allows: empty strings, missing
identifiers, another customer's number.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USERNAME, KEY = "081234567890", "iak-loopback-key"
HP = "8801234560001"
# §2.3, the inquiry example; a payment adds datetime, balance and noref
EXAMPLE = {
    "code": "BPJS",
    "tr_name": "VERGIE",
    "period": "02",
    "nominal": 50000,
    "admin": 2500,
    "price": 52500,
    "selling_price": 52300,
    "desc": {
        "kode_cabang": "0901",
        "nama_cabang": "JAKARTA PUSAT",
        "sisa_pembayaran": "0",
        "jumlah_peserta": "2",
    },
}
PAID_AT, NOREF, BALANCE = "20261121100005", "148732328035714773", 999_490_800
# A reply the host chose to send: the data of ``{"data": …, "meta": []}``, or (HTTP status, bytes).
Reply = dict | tuple[int, bytes]


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class IakHost:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inquiries: dict[str, dict] = {}  # ref_id -> {tr_id, hp, state}
        self.booked: list[int] = []  # tr_ids paid, in order
        self.lies: dict[str, Callable[[dict], Reply]] = {}
        self.failing = False  # the biller fails every payment (rc 37, checkstatus status 2)
        self.next_tr_id = 9_732_787
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("content-length", "0"))
                status, body = host.answer(self.rfile.read(length))
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/json" if isinstance(body, dict) else "text/html"
                )
                payload = json.dumps(body).encode() if isinstance(body, dict) else body
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> IakHost:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def lie_to(self, command: str, how: Callable[[dict], Reply]) -> None:
        """``how`` gets the honest ``data`` of every ``command`` reply and returns what is sent."""
        with self.lock:
            self.lies[command] = how

    def answer(self, raw: bytes) -> tuple[int, dict | bytes]:
        req = json.loads(raw or b"{}")
        command = req.get("commands", "")
        with self.lock:
            status, data = self._honest(command, req)
            how = self.lies.get(command)
        reply = how(data) if how else data
        if isinstance(reply, tuple):
            return reply
        return status, {"data": reply, "meta": []}

    # -- the documented host ---------------------------------------------------------------
    def _honest(self, command: str, req: dict) -> tuple[int, dict]:
        x = {
            "inq-pasca": req.get("ref_id"),
            "pay-pasca": str(req.get("tr_id")),
            "checkstatus": "cs",
        }.get(command)
        if (
            x is None
            or req.get("username") != USERNAME
            or req.get("sign") != md5(USERNAME + KEY + str(x))
        ):
            return 400, {
                "ref_id": "",
                "hp": "",
                "response_code": "100",
                "message": "INVALID SIGNATURE",
            }
        if command == "inq-pasca":
            return self._inquiry(req)
        if command == "pay-pasca":
            return self._pay(req)
        return self._status(req)

    def _inquiry(self, req: dict) -> tuple[int, dict]:
        ref_id = req["ref_id"]
        if ref_id in self.inquiries:
            return 400, {
                "ref_id": ref_id,
                "hp": "",
                "response_code": "11",
                "message": "DUPLICATE REF ID",
            }
        tr_id, self.next_tr_id = self.next_tr_id, self.next_tr_id + 1
        self.inquiries[ref_id] = {"tr_id": tr_id, "hp": req["hp"], "state": "inquired"}
        return 200, self._bill(ref_id) | {"response_code": "00", "message": "INQUIRY SUCCESS"}

    def _pay(self, req: dict) -> tuple[int, dict]:
        found = [ref for ref, inq in self.inquiries.items() if inq["tr_id"] == req["tr_id"]]
        if not found:
            return 200, {
                "tr_id": req["tr_id"],
                "ref_id": "",
                "hp": "",
                "response_code": "06",
                "message": "INQUIRY ID NOT FOUND",
            }
        ref_id = found[0]
        if self.inquiries[ref_id]["state"] == "paid":
            return 200, self._bill(ref_id) | {
                "response_code": "34",
                "message": "BILL HAS BEEN PAID",
            }
        if self.failing:
            self.inquiries[ref_id]["state"] = "failed"
            return 200, self._bill(ref_id) | {
                "response_code": "37",
                "message": "PAYMENT FAILED",
                "balance": BALANCE,
                "noref": "",
            }
        self.inquiries[ref_id]["state"] = "paid"
        self.booked.append(req["tr_id"])
        return 200, self._paid(ref_id)

    def _status(self, req: dict) -> tuple[int, dict]:
        ref_id = req.get("ref_id", "")
        inq = self.inquiries.get(ref_id)
        if inq is None:  # the shape of finding 6: IAK's own empty strings
            return 200, {
                "ref_id": ref_id,
                "hp": "",
                "code": "BPJS",
                "response_code": "06",
                "message": "INQUIRY ID NOT FOUND",
            }
        if inq["state"] == "paid":
            return 200, self._paid(ref_id) | {"status": 1}
        if inq["state"] == "failed":  # §2.3 "failed", with IAK's empty strings for the rest
            return 200, {
                "tr_id": inq["tr_id"],
                "ref_id": ref_id,
                "hp": "",
                "code": "BPJS",
                "datetime": "",
                "tr_name": "",
                "period": "",
                "nominal": "",
                "admin": "",
                "price": "",
                "selling_price": "",
                "balance": BALANCE,
                "status": 2,
                "response_code": "37",
                "message": "PAYMENT FAILED",
                "noref": "",
                "desc": "",
            }
        return 200, self._bill(ref_id) | {
            "status": 0,
            "response_code": "42",
            "message": "REQUEST PEMBAYARAN BELUM DITERIMA",
        }

    def _bill(self, ref_id: str) -> dict:
        inq = self.inquiries[ref_id]
        return {"tr_id": inq["tr_id"], "hp": inq["hp"], "ref_id": ref_id} | EXAMPLE

    def _paid(self, ref_id: str) -> dict:
        return self._bill(ref_id) | {
            "response_code": "00",
            "message": "PAYMENT SUCCESS",
            "datetime": PAID_AT,
            "balance": BALANCE,
            "noref": NOREF,
        }
