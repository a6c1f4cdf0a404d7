"""The native (``loket``) protocol over httpx: signed requests, a total deadline per call, replies
judged by ``loket.host.native.replies``. Every call answers; nothing here raises to the caller."""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, replace

import httpx

from loket.domain.attempts import QuoteRule
from loket.domain.outcomes import Outcome
from loket.host.base import Booked, HostReply, PaymentRequest, Ticket
from loket.host.body import Refused
from loket.host.native import replies
from loket.host.native.codes import cashier_message
from loket.host.native.replies import Sent
from loket.host.registry import Reach
from loket.host.signing import STAMPS, Stamps, signed_headers
from loket.host.transport import (
    MAX_BODY_BYTES,
    DeadlineTransport,
    NoAnswer,
    exchange,
)

log = logging.getLogger("loket.host")
LEDGER_MAX_BYTES = 16 * 1024 * 1024  # the simulator's whole ledger, not one reply


class NativeHost:
    """The reference host: a payment carries its amount and loket's own ``ref_id``, which the
    host keeps idempotent, so every attempt of a payment uses that same reference."""

    profile = "loket"
    credentials = ("ID agen", "kunci host")  # what the agent logs in with, in its words
    quote_first = False
    pays_ahead = True
    quote_rule = QuoteRule()
    repay_quote = False
    min_status_interval_s = 0.0
    late_request_s = 0.0  # a late request and a resend are one booking: the same ref_id
    retention_days: int | None = 90  # the protocol keeps every payment ref_id at least 90 days
    product_test_number = ""  # no product code of the agent's choosing

    def __init__(
        self,
        url: str,
        agent_id: str,
        key: str,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 15.0,
        transport: httpx.BaseTransport | None = None,
        total_timeout_s: float | None = None,
        stamps: Stamps = STAMPS,
    ) -> None:
        self.agent_id = agent_id
        self._key = key
        self._stamps = stamps
        # The whole call — connect, send, headers, body — ends by this, however the host drips.
        self.total_timeout_s = total_timeout_s or connect_timeout_s + read_timeout_s
        timeout = httpx.Timeout(read_timeout_s, connect=connect_timeout_s)
        self._http = httpx.Client(
            base_url=url.rstrip("/"),
            timeout=timeout,
            transport=transport or DeadlineTransport(),
            follow_redirects=False,
        )

    def __repr__(self) -> str:  # never show the key
        return f"NativeHost({str(self._http.base_url)!r}, agent={self.agent_id!r})"

    # -- one exchange -----------------------------------------------------------------------
    def _exchange(
        self,
        method: str,
        path: str,
        body: Mapping[str, object] | None,
        *,
        sign: bool = True,
        cap: int = MAX_BODY_BYTES,
    ) -> tuple[int, str, bytes]:
        """``(http status, content type, body)``; raises ``NoAnswer``."""
        raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()

        def build() -> httpx.Request:
            request = self._http.build_request(
                method,
                path,
                content=raw,
                headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"},
            )
            if sign:  # the target as it goes on the wire: path and query
                target = request.url.raw_path.decode("ascii")
                stamp = self._stamps.issue(self.agent_id, method, str(request.url), raw)
                request.headers.update(
                    signed_headers(self.agent_id, self._key, method, target, raw, stamp)
                )
            return request

        def once() -> tuple[int, str, bytes]:
            return exchange(
                self._http,
                build,
                self.total_timeout_s,
                cap=cap,
                accept=lambda status: status in replies.BODY_STATUSES,
                what=f"host call {method} {path}",
            )

        answer = once()
        if sign and answer[0] == 401:
            # Refused, so nothing was recorded. Another process may have sent this very request in
            # the same second (a replay to the host): once more, stamped a second later.
            answer = once()
        return answer

    def _call(self, path: str, body: Mapping[str, object], sent: Sent) -> HostReply:
        try:
            status, content_type, content = self._exchange("POST", path, body)
        except NoAnswer as none:
            log.info("no answer from the host to %s: %s", path, none.args[0])
            return HostReply(Outcome.UNKNOWN, message=none.args[0], answered=False)
        reply, why = replies.judge(status, content, content_type, sent)
        if why:
            log.warning("host reply to %s not believed: %s", path, why)
        if reply.rc and reply.outcome is not Outcome.SUCCESS:
            reply = replace(reply, cashier_text=cashier_message(reply.rc, reply.message))
        return reply

    # -- the protocol -----------------------------------------------------------------------
    def new_ref(self, payment_ref: str, seq: int) -> str:
        return payment_ref  # idempotent at the host: resending it can never post twice

    def pay(self, ticket: Ticket, request: PaymentRequest) -> HostReply:
        return self.payment(request)

    def inquiry(self, ref_id: str, customer_no: str, months_ahead: int = 0) -> HostReply:
        body = {"ref_id": ref_id, "customer_no": customer_no, "months_ahead": months_ahead}
        return self._call("/v1/inquiry", body, Sent("inquiry", ref_id, customer_no, months_ahead))

    def payment(self, request: PaymentRequest) -> HostReply:
        sent = Sent(
            "payment", request.ref_id, request.customer_no, request.months_ahead, request.amount
        )
        return self._call("/v1/payment", asdict(request), sent)

    def status(self, ticket: Ticket | str) -> HostReply:
        ref_id = ticket.ref if isinstance(ticket, Ticket) else ticket
        return self._call("/v1/status", {"ref_id": ref_id}, Sent("status", ref_id))

    def balance(self) -> HostReply:
        return self._call("/v1/balance", {}, Sent("balance"))

    def health(self) -> bool:
        try:
            status, content_type, content = self._exchange("GET", "/v1/health", None, sign=False)
        except NoAnswer:
            return False
        return replies.healthy(status, content, content_type)

    def booked(self, day: datetime.date) -> list[Booked] | None:
        """The simulator's ``GET /_sim/ledger`` for ``day``; a real host has none (404)."""
        try:
            status, content_type, content = self._exchange(
                "GET", "/_sim/ledger", None, cap=LEDGER_MAX_BYTES
            )
            if status != 200:
                return None
            return replies.booked(content, content_type, day)
        except NoAnswer:
            return None
        except Refused as exc:
            log.warning("host ledger not believed: %s", exc)
            return None

    def close(self) -> None:
        self._http.close()


def build(reach: Reach) -> NativeHost:
    """The adapter ``[host] adapter = "loket"`` names (``loket.host.registry``)."""
    return NativeHost(
        reach.url,
        reach.account,
        reach.key,
        reach.connect_timeout_s,
        reach.read_timeout_s,
        total_timeout_s=reach.total_timeout_s,
    )
