"""Hostile fault modes: the simulator books a payment, then lies about it (issue 18).

The plain fault modes (``faults.py``) lose requests and answers. These three are what independent
servers written from Digiflazz's and IAK's documentation, behind a proxy, did to loket:

- ``fail_unnamed``: the payment is booked; the answer is a bare failure that names no transaction
  (``{"status": "Gagal", "rc": "02"}``; IAK rc 37 with empty ``ref_id``/``tr_id``).
- ``pending_flip``: the payment is booked; the answer says pending, and the first status query
  after it says failed (naming the transaction) while the ledger says booked; later ones tell the
  truth.
- ``late_booking``: the payment request is held ``latency_ms`` and booked afterwards, whether or
  not the client still waits for it; meanwhile a status query finds nothing.

Each profile's answers are rewritten in its own dialect (``DIALECTS``). Only payment requests are
chosen (at the plan's rate); a flipped transaction's first status query follows.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

HOSTILE = ("fail_unnamed", "pending_flip", "late_booking")


@dataclass(frozen=True)
class Dialect:
    """How one profile names a payment request, a status query and their answers."""

    profile: str

    def call(self, path: str, body: dict) -> str:
        """``pay`` | ``status`` | ``""`` (anything else)."""
        if self.profile == "loket":
            return {"/v1/payment": "pay", "/v1/status": "status"}.get(path, "")
        command = str(body.get("commands", ""))
        if self.profile == "digiflazz":
            return {"pay-pasca": "pay", "status-pasca": "status"}.get(command, "")
        return {"pay-pasca": "pay", "checkstatus": "status"}.get(command, "")

    def booked(self, data: dict) -> bool:
        """The answer to a payment request says it posted."""
        if self.profile == "loket":
            return data.get("status") == "success"
        if self.profile == "digiflazz":
            return data.get("rc") == "00" and bool(data.get("sn"))
        return data.get("response_code") == "00"

    def unnamed_failure(self) -> dict:
        if self.profile == "loket":
            return {"status": "failed", "rc": "84", "message": "Transaksi gagal"}
        if self.profile == "digiflazz":  # as the proxy in front of a real server sent it
            return {"status": "Gagal", "rc": "02"}
        return {"code": "BPJS", "response_code": "37", "message": "PAYMENT FAILED"}

    def pending(self, data: dict) -> dict:
        """The booked answer told as pending: the same transaction, no host reference yet."""
        drop = ("sn", "paid_at", "noref", "datetime")
        told = {k: v for k, v in data.items() if k not in drop}
        if self.profile == "loket":
            return told | {"status": "pending", "rc": "03", "message": "Menunggu jawaban biller"}
        if self.profile == "digiflazz":
            keys = ("ref_id", "customer_no", "buyer_sku_code")
            return {k: data.get(k, "") for k in keys} | {
                "message": "Transaksi Pending",
                "status": "Pending",
                "rc": "03",
            }
        return told | {"response_code": "39", "message": "PENDING"}

    def failed(self, data: dict) -> dict:
        """A status answer for the transaction, told as failed."""
        if self.profile == "loket":
            return {
                "ref_id": data.get("ref_id", ""),
                "status": "failed",
                "rc": "84",
                "message": "Transaksi gagal",
            }
        if self.profile == "digiflazz":
            keys = ("ref_id", "customer_no", "buyer_sku_code")
            return {k: data.get(k, "") for k in keys} | {
                "message": "Transaksi Gagal",
                "status": "Gagal",
                "rc": "02",
            }
        drop = ("noref", "datetime", "balance")
        told = {k: v for k, v in data.items() if k not in drop}
        return told | {"status": 2, "response_code": "37", "message": "PAYMENT FAILED", "noref": ""}

    def ref(self, data: dict) -> str:
        value = data.get("ref_id")
        return value if isinstance(value, str) else ""


class Liar:
    """The hostile modes' memory and rewriting, inside the fault injector."""

    def __init__(self, profile: str) -> None:
        self.dialect = Dialect(profile)
        self.flipped: set[str] = set()  # booked, told pending: the next status says failed

    async def __call__(
        self, mode: str, chosen: bool, latency_ms: int, scope, receive, send, app
    ) -> None:
        """One request of the host's API; ``chosen``: the plan's rate picked it."""
        raw = await _body(receive)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        call = self.dialect.call(scope.get("path", ""), body if isinstance(body, dict) else {})
        replay = _replay(raw)
        if call == "status" and self.flipped:
            status, data, envelope = await _answer(app, scope, replay)
            if data is not None and self.dialect.ref(data) in self.flipped:
                self.flipped.discard(self.dialect.ref(data))
                data = self.dialect.failed(data)
            await _send(send, status, data, envelope)
            return
        if call != "pay" or not chosen or mode not in HOSTILE:
            await app(scope, replay, send)
            return
        if mode == "late_booking":
            await asyncio.sleep(latency_ms / 1000)
            await app(scope, replay, send)  # booked now, answered if anyone still listens
            return
        status, data, envelope = await _answer(app, scope, replay)
        if data is not None and self.dialect.booked(data):
            if mode == "fail_unnamed":
                data = self.dialect.unnamed_failure()
            else:
                self.flipped.add(self.dialect.ref(data))
                data = self.dialect.pending(data)
        await _send(send, status, data, envelope)


async def _body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(raw: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return {"type": "http.disconnect"}  # the whole body was read: nothing more will come

    return receive


async def _answer(app, scope, receive) -> tuple[int, dict | None, dict]:
    """The app's answer: its HTTP status, its ``data`` object and the rest of the envelope."""
    started: dict = {}
    chunks: list[bytes] = []

    async def capture(message) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    try:
        document = json.loads(b"".join(chunks))
    except ValueError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("data"), dict):
        return started.get("status", 500), None, {"raw": b"".join(chunks)}
    return started.get("status", 200), document["data"], document


async def _send(send, status: int, data: dict | None, envelope: dict) -> None:
    body = envelope["raw"] if data is None else json.dumps({**envelope, "data": data}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
