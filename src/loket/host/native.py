"""The native (``loket``) protocol over httpx: signing, time-outs, rc classes -> domain outcomes."""

from __future__ import annotations

import json
import time
from dataclasses import asdict

import httpx

from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.domain.outcomes import HOST_GARBLED, HOST_UNREACHABLE, Outcome, classify
from loket.host.base import HostReply, PaymentRequest
from loket.host.signing import signed_headers


def parse_bill(data: dict, customer_no: str = "", inquired_at: str = "") -> FamilyBill:
    """The protocol's ``bill`` object -> ``FamilyBill``; raises KeyError/TypeError/ValueError."""
    return FamilyBill(
        va_no=str(data["va_no"]),
        head_name=str(data["head_name"]),
        branch=str(data.get("branch", "")),
        members=tuple(
            Member(str(m["card_no"]), str(m["name"]), int(m["class"])) for m in data["members"]
        ),
        periods=tuple(Month.parse(p) for p in data["periods"]),
        arrears_months=int(data.get("arrears_months", 0)),
        months_ahead=int(data.get("months_ahead", 0)),
        premium=_int(data["premium"]),
        host_admin=_int(data.get("admin", 0)),
        agent_price=_int(data.get("agent_price", 0)),
        customer_no=customer_no,
        inquired_at=inquired_at,
    )


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"amount must be an integer, got {value!r}")
    return value


class NativeHost:
    def __init__(
        self,
        url: str,
        agent_id: str,
        key: str,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 15.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.agent_id = agent_id
        self._key = key
        timeout = httpx.Timeout(read_timeout_s, connect=connect_timeout_s)
        self._http = httpx.Client(base_url=url.rstrip("/"), timeout=timeout, transport=transport)

    def __repr__(self) -> str:  # never show the key
        return f"NativeHost({str(self._http.base_url)!r}, agent={self.agent_id!r})"

    def _post(self, path: str, body: dict) -> tuple[int, dict] | str:
        """``(http status, data)``, or the cashier's words for why there is no answer."""
        raw = json.dumps(body, separators=(",", ":")).encode()
        headers = signed_headers(self.agent_id, self._key, "POST", path, raw, int(time.time()))
        headers["Content-Type"] = "application/json"
        try:
            response = self._http.post(path, content=raw, headers=headers)
        except httpx.HTTPError:
            return HOST_UNREACHABLE
        if response.status_code >= 500:
            return f"Host bermasalah (HTTP {response.status_code})"
        try:
            data = response.json()["data"]
            if not isinstance(data, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return HOST_GARBLED
        return response.status_code, data

    def _reply(self, answer: tuple[int, dict] | str, customer_no: str = "") -> HostReply:
        if isinstance(answer, str):
            return HostReply(Outcome.UNKNOWN, message=answer)
        _status, data = answer
        rc = str(data.get("rc", ""))
        outcome = classify(str(data.get("status", "")), rc)
        try:
            bill = (
                parse_bill(data["bill"], customer_no, str(data.get("inquired_at", "")))
                if isinstance(data.get("bill"), dict)
                else None
            )
            balance = data.get("balance")
            balance = _int(balance) if balance is not None else None
        except (KeyError, TypeError, ValueError):
            return HostReply(Outcome.UNKNOWN, rc=rc, message=HOST_GARBLED)
        return HostReply(
            outcome,
            rc=rc,
            message=str(data.get("message", "")),
            bill=bill,
            sn=str(data.get("sn", "") or ""),
            paid_at=str(data.get("paid_at", "") or ""),
            balance=balance,
        )

    def inquiry(self, ref_id: str, customer_no: str, months_ahead: int = 0) -> HostReply:
        body = {"ref_id": ref_id, "customer_no": customer_no, "months_ahead": months_ahead}
        reply = self._reply(self._post("/v1/inquiry", body), customer_no)
        if reply.outcome is Outcome.SUCCESS and reply.bill is None:
            return HostReply(Outcome.UNKNOWN, rc=reply.rc, message=HOST_GARBLED)
        return reply

    def payment(self, request: PaymentRequest) -> HostReply:
        reply = self._reply(self._post("/v1/payment", asdict(request)), request.customer_no)
        return _require_sn(reply)

    def status(self, ref_id: str) -> HostReply:
        return _require_sn(self._reply(self._post("/v1/status", {"ref_id": ref_id})))

    def balance(self) -> HostReply:
        return self._reply(self._post("/v1/balance", {}))

    def health(self) -> bool:
        try:
            return self._http.get("/v1/health").status_code == 200
        except httpx.HTTPError:
            return False

    def close(self) -> None:
        self._http.close()


def _require_sn(reply: HostReply) -> HostReply:
    """A payment success without the host's reference cannot be trusted: resolve it by status."""
    if reply.outcome is Outcome.SUCCESS and not reply.sn:
        return HostReply(Outcome.UNKNOWN, rc=reply.rc, message=HOST_GARBLED)
    return reply
