"""IAK (Mobilepulsa) postpaid, BPJS Kesehatan (product code ``BPJS``).

Every command is ``POST /api/v1/bill/check``, signed ``md5(username + key + X)`` with X the
``ref_id`` (inq-pasca), the ``tr_id`` as decimal text (pay-pasca) or ``"cs"`` (checkstatus).
IAK pays only its own recent inquiry, by that inquiry's ``tr_id``; a status query asks by the
inquiry's ``ref_id``. Each inquiry spends a ``ref_id`` (letters and digits only), so every
attempt of a payment gets a fresh one. Same deadline transport and bounded body as the native
adapter; replies are judged by ``loket.host.iak.replies``. Every call answers; nothing here raises.

Readings of IAK's documentation that it leaves unconfirmed (listed in the README):
- ``month`` is the number of months from the current one (1 = this month, +1 per month paid
  ahead); arrears are billed by the host whatever it says. Either way loket pays only the
  premium the host quoted, and checks it against what was collected.
- An inquiry is paid within 10 minutes of being made (the simulator keeps 900 s; rc 04 covers a
  host that keeps it shorter).
- checkstatus of a ``ref_id`` the host does not know (rc 06) is no news, not "never posted": a
  host that forgets old transactions must not make loket pay twice or refund a paid bill.
- A payment success without ``noref`` is referenced by IAK's own ``tr_id``.
- No balance command is documented for postpaid: the balance is the last one a payment or
  status reply carried (``balance()``), unknown until the first.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import replace

import httpx

from loket.clock import Clock, SystemClock, iso
from loket.domain.attempts import QuoteRule
from loket.domain.outcomes import (
    HOST_GARBLED,
    HOST_HTTP_ERROR,
    Meaning,
    Outcome,
)
from loket.host.base import Booked, HostReply, PaymentRequest, Ticket
from loket.host.body import Refused
from loket.host.iak import codes
from loket.host.iak.replies import Odd, Sent, judge, parse
from loket.host.registry import Reach
from loket.host.transport import (
    DeadlineTransport,
    NoAnswer,
    SeesHostClock,
    exchange,
)

log = logging.getLogger("loket.host")
PATH = "/api/v1/bill/check"
PROBE_REF = "LOKETCEK"  # never inquired: checkstatus of it shows the host answers and signs
NO_BALANCE = "Saldo deposit IAK belum diketahui: IAK memberi saldo bersama pembayaran"
PROBE_OK = "IAK menjawab: username, key dan alamat IP diterima"
NO_TR_ID = "Cek tagihan tanpa nomor transaksi IAK: cek tagihan ulang"
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


class IakHost(SeesHostClock):
    profile = "iak"
    credentials = ("Username", "API key")  # what the agent logs in with, in its words
    quote_first = True
    pays_ahead = True
    quote_rule = QuoteRule(ttl=datetime.timedelta(minutes=10))
    repay_quote = True  # status 0: the tr_id was never received, and may be paid while valid
    retention_days: int | None = None  # how long checkstatus answers is unconfirmed
    product_test_number = ""  # no product code of the agent's choosing

    def __init__(
        self,
        url: str,
        username: str,
        key: str,
        *,
        min_status_interval_s: float = 0.0,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 30.0,
        total_timeout_s: float | None = None,
        late_request_s: float = 300.0,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.username = username
        self._key = key
        self.min_status_interval_s = min_status_interval_s
        self.total_timeout_s = total_timeout_s or connect_timeout_s + read_timeout_s
        self.late_request_s = late_request_s
        self._balance: int | None = None
        self.clock: Clock = clock or SystemClock()  # stamps a quote (IAK's inquiry has no time)
        self._http = httpx.Client(
            base_url=url.rstrip("/"),
            timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
            transport=transport or DeadlineTransport(),
            follow_redirects=False,
        )

    def __repr__(self) -> str:  # never show the key
        return f"IakHost({str(self._http.base_url)!r}, username={self.username!r})"

    def _sign(self, what: str) -> str:
        return hashlib.md5((self.username + self._key + what).encode()).hexdigest()

    # -- one exchange -----------------------------------------------------------------------
    def _exchange(self, body: Mapping[str, object]) -> tuple[int, str, bytes]:
        """``(http status, content type, body)`` of a 200 or 4xx; raises ``NoAnswer``."""
        raw = json.dumps(body, separators=(",", ":")).encode()
        return exchange(
            self._http,
            lambda: self._http.build_request(
                "POST",
                PATH,
                content=raw,
                headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"},
            ),
            self.total_timeout_s,
            accept=lambda status: status == 200 or 400 <= status < 500,
            seen=self.saw,
            what="IAK call",
        )

    def _call(self, body: Mapping[str, object], sent: Sent) -> HostReply:
        try:
            status, content_type, content = self._exchange(body)
        except NoAnswer as none:
            log.info("no answer from IAK to %s: %s", sent.context, none.args[0])
            return HostReply(
                Outcome.UNKNOWN, message=none.args[0], answered=False, cashier_text=none.args[0]
            )
        try:
            data = parse(content, content_type)
        except Refused as exc:
            log.warning("IAK reply to %s not readable (HTTP %s): %s", sent.context, status, exc)
            if status != 200:  # an error page, not IAK speaking
                why = HOST_HTTP_ERROR.format(status=status)
                return HostReply(Outcome.UNKNOWN, answered=False, message=why, cashier_text=why)
            return HostReply(Outcome.UNKNOWN, message=HOST_GARBLED, cashier_text=HOST_GARBLED)
        try:
            reply = judge(status, data, sent)
        except Odd as odd:
            log.warning("IAK reply to %s not believed: %s", sent.context, odd.args[1])
            return HostReply(
                Outcome.UNKNOWN,
                rc=data.response_code,
                message=odd.args[0],
                cashier_text=odd.args[0],
            )
        if reply.balance is not None:
            self._balance = reply.balance
        return _in_indonesian(reply)

    # -- the protocol -----------------------------------------------------------------------
    def new_ref(self, payment_ref: str, seq: int) -> str:
        """Letters and digits only, one per inquiry: the payment's own reference (its random
        tail), the attempt's number, and a random suffix so no two inquiries share one."""
        stem = _NOT_ALNUM.sub("", payment_ref)[-20:]
        return f"{stem}{seq:03d}{secrets.token_hex(3).upper()}"

    def inquiry(self, ref_id: str, customer_no: str, months_ahead: int = 0) -> HostReply:
        body = {
            "commands": "inq-pasca",
            "username": self.username,
            "code": "BPJS",
            "hp": customer_no,
            "ref_id": ref_id,
            "month": months_ahead + 1,
            "sign": self._sign(ref_id),
        }
        asked_at = iso(self.clock.now())  # before the call: a quote is never thought younger
        reply = self._call(
            body, Sent("inquiry", ref_id=ref_id, hp=customer_no, months_ahead=months_ahead)
        )
        if reply.rc == codes.REF_TAKEN and reply.outcome is not Outcome.SUCCESS:
            return self._ref_taken(ref_id, reply)
        if reply.bill is not None:
            return replace(reply, bill=replace(reply.bill, inquired_at=asked_at))
        return reply

    def _ref_taken(self, ref_id: str, reply: HostReply) -> HostReply:
        """rc 11: the reference was used before. Ask what became of it first; an inquiry under
        it is refused either way, and a new reference follows only when nothing posted (under
        whichever number it was used for: loket minted it, so it is loket's)."""
        known = self.status(Ticket(ref_id))
        posted_nothing = known.quote_only or known.outcome in (
            Outcome.NOT_POSTED,
            Outcome.FINAL_FAILURE,
        )
        log.warning("IAK: ref_id %s was already used (status: %s)", ref_id, known.outcome)
        return HostReply(
            Outcome.NOT_POSTED if posted_nothing else Outcome.UNKNOWN,
            rc=reply.rc,
            message=reply.message,
            meaning=Meaning.REFERENCE_REUSED,
            cashier_text=codes.cashier_text(reply.rc, context="inquiry"),
        )

    def pay(self, ticket: Ticket, request: PaymentRequest) -> HostReply:
        tr_id = _tr_id(ticket)
        if tr_id is None:  # nothing to pay by: nothing is sent, a fresh inquiry will follow
            return HostReply(
                Outcome.NOT_POSTED,
                message=NO_TR_ID,
                cashier_text=NO_TR_ID,
                meaning=Meaning.STALE_QUOTE,
            )
        body = {
            "commands": "pay-pasca",
            "username": self.username,
            "tr_id": tr_id,
            "sign": self._sign(str(tr_id)),
        }
        sent = Sent(
            "pay",
            ref_id=ticket.ref,
            tr_id=tr_id,
            hp=request.customer_no,
            months_ahead=request.months_ahead,
            amount=request.amount,
        )
        reply = self._call(body, sent)
        if reply.rc in codes.PAID_ALREADY and reply.outcome is not Outcome.SUCCESS:
            return self._paid_already(ticket, request, reply)
        return reply

    def _paid_already(self, ticket: Ticket, request: PaymentRequest, reply: HostReply) -> HostReply:
        """rc 01/34/40 to a payment: after our own earlier attempt it may be ours. checkstatus
        first; only when the host says this tr_id did not pay is the bill someone else's."""
        known = self._status(
            replace(ticket, customer_no=ticket.customer_no or request.customer_no),
            amount=request.amount,
        )
        if known.outcome in (Outcome.SUCCESS, Outcome.PENDING):
            return known  # ours after all
        if known.quote_only or known.outcome in (Outcome.NOT_POSTED, Outcome.FINAL_FAILURE):
            return reply  # the final failure, in the payment's own words: paid, not by this
        return HostReply(
            Outcome.UNKNOWN,
            rc=reply.rc,
            message=reply.message,
            cashier_text=codes.cashier_text(reply.rc, reply.message),
        )

    def status(self, ticket: Ticket) -> HostReply:
        return self._status(ticket)

    def _status(self, ticket: Ticket, amount: int | None = None) -> HostReply:
        """checkstatus asks by ref_id alone; the answer is still held to the tr_id and the
        customer number the ticket knows (a success for another number is not this payment)."""
        body = {
            "commands": "checkstatus",
            "username": self.username,
            "ref_id": ticket.ref,
            "sign": self._sign("cs"),
        }
        return self._call(
            body,
            Sent(
                "status",
                ref_id=ticket.ref,
                tr_id=_tr_id(ticket),
                hp=ticket.customer_no,
                amount=amount,
            ),
        )

    def balance(self) -> HostReply:
        """The last balance a payment or status reply carried: IAK documents no postpaid balance
        command. Before the first, the probe: SUCCESS with no balance when IAK accepts the
        username, key and address, else its refusal (rc 100, 102 …) or no answer."""
        if self._balance is not None:
            return HostReply(Outcome.SUCCESS, balance=self._balance, meaning=Meaning.OK)
        probed = self.probe()
        if probed.outcome is Outcome.SUCCESS:
            return replace(probed, message=NO_BALANCE, balance=self._balance)
        return probed

    def probe(self) -> HostReply:
        """For ``loket host check``: checkstatus of a reference never inquired. SUCCESS when IAK
        answers it (rc 06, "not found") and so accepts the signature and this address; else
        the refusal (rc 100 signature, 102 IP, 118 suspended …) or no answer."""
        reply = self.status(Ticket(PROBE_REF))
        if reply.answered and reply.rc and reply.outcome is not Outcome.REJECTED:
            return HostReply(
                Outcome.SUCCESS,
                rc=reply.rc,
                message=PROBE_OK,
                balance=self._balance,
                meaning=Meaning.OK,
            )
        return reply

    def health(self) -> bool:
        reply = self.status(Ticket(PROBE_REF))
        return reply.answered and bool(reply.rc)  # IAK spoke, whatever it said

    def booked(self, day: datetime.date) -> list[Booked] | None:
        return None  # IAK lists no bookings: reconciliation asks by status

    def close(self) -> None:
        self._http.close()


def _in_indonesian(reply: HostReply) -> HostReply:
    """IAK's words are English ("PAYMENT FAILED"); what loket keeps of a refusal is shown to the
    cashier and printed on a refund slip, so it leads with the Indonesian, the host's in brackets."""
    said = reply.message
    if reply.outcome is Outcome.SUCCESS or not reply.cashier_text:
        return reply
    words = (
        reply.cashier_text
        if not said or said in reply.cashier_text
        else (f"{reply.cashier_text} ({said})")
    )
    return replace(reply, message=words[:200])


def _tr_id(ticket: Ticket) -> int | None:
    tx = ticket.tx
    return int(tx) if tx.isascii() and tx.isdigit() and 0 < len(tx) <= 18 else None


def build(reach: Reach) -> IakHost:
    """The adapter ``[host] adapter = "iak"`` names (``loket.host.registry``)."""
    return IakHost(
        reach.url,
        reach.account,
        reach.key,
        min_status_interval_s=reach.status_interval_s,
        connect_timeout_s=reach.connect_timeout_s,
        read_timeout_s=reach.read_timeout_s,
        total_timeout_s=reach.total_timeout_s,
        late_request_s=reach.late_request_s,
        clock=reach.clock,
    )
