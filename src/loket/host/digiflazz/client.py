"""Digiflazz's buyer API for BPJS Kesehatan (postpaid, "Pascabayar") over httpx.

A payment is paid only as a recent inquiry of its own: ``inq-pasca`` under a fresh ``ref_id``,
then ``pay-pasca`` (and ``status-pasca``) repeating that ``ref_id``, ``customer_no`` and SKU, on
the inquiry's Jakarta calendar day. ``sign`` = md5(username + key + ref_id); the balance signs
``"depo"``. Every call answers; nothing here raises to the caller, and the key never leaves the
object (not in ``repr``, logs or replies).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

import httpx
from ulid import ULID

from loket.clock import Clock, SystemClock, iso
from loket.domain.attempts import QuoteRule
from loket.domain.outcomes import Meaning, Outcome
from loket.host.base import Booked, HostReply, PaymentRequest, Ticket
from loket.host.digiflazz import replies
from loket.host.registry import Reach
from loket.host.transport import (
    DeadlineTransport,
    NoAnswer,
    SeesHostClock,
    exchange,
)

log = logging.getLogger("loket.host")
NO_PAYING_AHEAD = (
    "Digiflazz tidak melayani bayar di muka untuk BPJS Kesehatan: bayar tanpa bulan di muka"
)
NO_NUMBER = "Nomor peserta transaksi ini tidak tercatat — tidak dapat dicek ke Digiflazz"
HEALTH_REUSE_S = 5.0  # the status line asks health then balance: one call answers both


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


class DigiflazzHost(SeesHostClock):
    profile = "digiflazz"
    credentials = ("Username", "API key")  # what the agent logs in with, in its words
    quote_first = True
    pays_ahead = False
    quote_rule = QuoteRule(same_day=True, day_end_guard=timedelta(minutes=5))
    repay_quote = False  # a repeated pay-pasca never posts (rc 49): status-pasca decides
    retention_days: int | None = 90  # status-pasca: "Data belum ada" after 90 days
    # the buyer's own SKU: an inquiry of Digiflazz's success test number, in development mode
    product_test_number = "8801234560001"

    def __init__(
        self,
        url: str,
        username: str,
        key: str,
        *,
        sku: str = "bpjs",
        testing: bool = False,
        min_status_interval_s: float = 60.0,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 15.0,
        total_timeout_s: float | None = None,
        late_request_s: float = 300.0,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.username = username
        self.sku = sku
        self.testing = testing
        self.min_status_interval_s = min_status_interval_s
        self._key = key
        self._clock = clock or SystemClock()
        self.total_timeout_s = total_timeout_s or connect_timeout_s + read_timeout_s
        self.late_request_s = late_request_s
        self._http = httpx.Client(
            base_url=url.rstrip("/"),
            timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
            transport=transport or DeadlineTransport(),
            follow_redirects=False,
        )
        self._last_balance: tuple[float, HostReply] | None = None

    def __repr__(self) -> str:  # never show the key
        return (
            f"DigiflazzHost({str(self._http.base_url)!r}, username={self.username!r}, "
            f"sku={self.sku!r}, testing={self.testing})"
        )

    # -- one exchange -----------------------------------------------------------------------
    def _post(self, path: str, body: Mapping[str, object]) -> tuple[int, str, bytes]:
        """``(http status, content type, body)`` of a 2xx/4xx answer; raises ``NoAnswer``."""
        raw = json.dumps(body, separators=(",", ":")).encode()
        return exchange(
            self._http,
            lambda: self._http.build_request(
                "POST",
                path,
                content=raw,
                headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"},
            ),
            self.total_timeout_s,
            accept=lambda status: 200 <= status < 300 or 400 <= status < 500,
            seen=self.saw,
            what=f"digiflazz {path}",
        )

    def _transaction(self, command: str, sent: replies.Sent) -> HostReply:
        body: dict[str, object] = {
            "commands": command,
            "username": self.username,
            "buyer_sku_code": self.sku,
            "customer_no": sent.customer_no,
            "ref_id": sent.ref_id,
            "sign": md5_hex(self.username + self._key + sent.ref_id),
        }
        if self.testing:  # development mode: the documented test numbers answer only with it
            body["testing"] = True
        try:
            status, content_type, content = self._post("/v1/transaction", body)
        except NoAnswer as none:
            log.info("no answer from digiflazz to %s %s: %s", command, sent.ref_id, none.args[0])
            return HostReply(
                Outcome.UNKNOWN, message=none.args[0], answered=False, cashier_text=none.args[0]
            )
        reply, why = replies.judge(status, content, content_type, sent, iso(self._clock.now()))
        if why:
            log.warning("digiflazz reply to %s %s not believed: %s", command, sent.ref_id, why)
            reply = replace(reply, cashier_text=reply.message)
        return reply

    # -- the adapter ------------------------------------------------------------------------
    def new_ref(self, payment_ref: str, seq: int) -> str:
        """A fresh ref_id for every inquiry (Digiflazz inquires a ref_id once): a ULID, letters
        and digits only, unique across counters sharing one account."""
        return str(ULID())

    def inquiry(self, ref_id: str, customer_no: str, months_ahead: int = 0) -> HostReply:
        if months_ahead:
            return HostReply(
                Outcome.FINAL_FAILURE,
                message=NO_PAYING_AHEAD,
                cashier_text=NO_PAYING_AHEAD,
                meaning=Meaning.NOT_PAYABLE,
            )
        return self._transaction(
            "inq-pasca", replies.Sent("inquiry", ref_id, customer_no, self.sku)
        )

    def pay(self, ticket: Ticket, request: PaymentRequest) -> HostReply:
        return self._transaction(
            "pay-pasca",
            replies.Sent("pay", ticket.ref, request.customer_no, self.sku, request.amount),
        )

    def status(self, ticket: Ticket) -> HostReply:
        if not ticket.customer_no:  # status-pasca must repeat the inquiry's customer_no
            return HostReply(Outcome.UNKNOWN, message=NO_NUMBER, cashier_text=NO_NUMBER)
        return self._transaction(
            "status-pasca", replies.Sent("status", ticket.ref, ticket.customer_no, self.sku)
        )

    def balance(self) -> HostReply:
        if self._last_balance is not None:
            at, reply = self._last_balance
            self._last_balance = None
            if time.monotonic() - at < HEALTH_REUSE_S:
                return reply
        body = {
            "cmd": "deposit",
            "username": self.username,
            "sign": md5_hex(self.username + self._key + "depo"),
        }
        try:
            status, content_type, content = self._post("/v1/cek-saldo", body)
        except NoAnswer as none:
            return HostReply(
                Outcome.UNKNOWN, message=none.args[0], answered=False, cashier_text=none.args[0]
            )
        reply, why = replies.deposit(status, content, content_type)
        if why:
            log.warning("digiflazz balance not believed: %s", why)
        return reply

    def health(self) -> bool:
        """Reachable and answering: a balance call (kept a moment for the ``balance`` call that
        follows it on the status line)."""
        reply = self.balance()
        self._last_balance = (time.monotonic(), reply)
        return reply.answered and reply.outcome is not Outcome.UNKNOWN

    def booked(self, day: datetime.date) -> list[Booked] | None:
        return None  # Digiflazz offers no list of a day's transactions

    def close(self) -> None:
        self._http.close()


def build(reach: Reach) -> DigiflazzHost:
    """The adapter ``[host] adapter = "digiflazz"`` names (``loket.host.registry``)."""
    return DigiflazzHost(
        reach.url,
        reach.account,
        reach.key,
        sku=reach.sku,
        testing=reach.testing,
        min_status_interval_s=reach.status_interval_s,
        connect_timeout_s=reach.connect_timeout_s,
        read_timeout_s=reach.read_timeout_s,
        total_timeout_s=reach.total_timeout_s,
        late_request_s=reach.late_request_s,
        clock=reach.clock,
    )
