"""The one interface the rest of loket sees of any host, with normalised results.

Three hosts stand behind it, each a package of its own found through ``loket.host.registry``:
the native protocol (``host/native``), which takes a payment with its amount under loket's own
``ref_id`` and books one ``ref_id`` once however often it is sent, and the aggregators Digiflazz
and IAK (``host/digiflazz``, ``host/iak``), which pay only a recent inquiry of their own, by that
inquiry's reference. The forwarder keeps the difference to two questions it asks the adapter: does
it pay a quote (``quote_first``), and what reference does a new attempt use (``new_ref``). What a
host answers reaches the rest of loket as a ``HostReply``: its ``Outcome`` and its ``Meaning``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

from loket.domain.attempts import QuoteRule
from loket.domain.billing import FamilyBill
from loket.domain.outcomes import Meaning, Outcome


@dataclass(frozen=True)
class PaymentRequest:
    ref_id: str  # loket's own reference (the native host's idempotency key)
    customer_no: str
    months_ahead: int
    amount: int  # the premium collected for
    terminal_id: str
    cashier_id: str
    collected_at: str  # ISO 8601 +07:00
    offline: bool = False


@dataclass(frozen=True)
class Ticket:
    """What identifies one attempt at the host: its reference, and the host's transaction id
    for it when the host gives one (IAK's ``tr_id``)."""

    ref: str
    tx: str = ""
    payment_ref: str = ""  # loket's own ref_id of the payment this attempt is for
    customer_no: str = ""  # the number it was inquired for (Digiflazz's status repeats it)


@dataclass(frozen=True)
class HostReply:
    """One answer, as the rest of loket may read it: its class (``outcome``) and what it means
    (``meaning``), set by the adapter from its own codes, with the cashier's words for it
    (``cashier_text``). ``rc`` is the host's own code, kept only for the record (stored, shown in
    a payment's detail, printed as ``(kode NN)``): nothing outside ``host/`` decides on it."""

    outcome: Outcome
    rc: str = ""
    message: str = ""  # the host's own words
    bill: FamilyBill | None = None
    sn: str = ""
    paid_at: str = ""
    balance: int | None = None
    answered: bool = True  # False: no reply at all (unreachable, too slow, 5xx): the host is down
    cashier_text: str = ""  # what the cashier is told of a refusal, in Indonesian
    retry_after_s: float | None = None  # the host asked to be left alone this long (rate limit)
    meaning: Meaning = Meaning.UNKNOWN

    @property
    def quote_only(self) -> bool:
        """Status: the host knows only the inquiry under this reference."""
        return self.meaning is Meaning.ONLY_INQUIRED

    @property
    def paid_up(self) -> bool:
        """Nothing to pay: the months asked for are paid already."""
        return self.meaning is Meaning.ALREADY_PAID


@dataclass(frozen=True)
class Booked:
    """One payment the host booked (posted successfully), as its own ledger says."""

    ref_id: str
    premium: int
    sn: str
    paid_at: str  # ISO 8601, +07:00
    va_no: str
    periods: tuple[str, ...]  # YYYY-MM, oldest first


class HostAdapter(Protocol):
    """Every call answers; transport failures come back as ``Outcome.UNKNOWN``, never raise."""

    profile: str  # "loket" | "digiflazz" | "iak"
    credentials: tuple[str, str]  # the account and its secret, as the host's panel names them
    quote_first: bool  # pays only a recent inquiry of its own, by that inquiry's reference
    pays_ahead: bool  # sells months ahead of the current one (Digiflazz: only what is due)
    quote_rule: QuoteRule  # how long such an inquiry may be paid
    repay_quote: bool  # a quote the host pays at most once may be paid again when not received
    min_status_interval_s: float  # no more than one status query per attempt this often
    total_timeout_s: float  # every call's whole deadline
    # how long after its deadline a payment request that got no answer may still reach the host
    # and post (a request held in a proxy or a queue): "not found" proves nothing until then
    late_request_s: float
    retention_days: int | None  # how far back the host answers status queries
    # the number whose inquiry, in the host's development mode, shows that the product code the
    # agent chose is known (``loket host check``); "" where the agent chooses no product code
    product_test_number: str

    def new_ref(self, payment_ref: str, seq: int) -> str:
        """The host reference for a payment's attempt number ``seq`` (native: its own ref_id,
        every time; aggregators: a fresh reference in the host's alphabet)."""
        ...

    def inquiry(self, ref_id: str, customer_no: str, months_ahead: int = 0) -> HostReply: ...

    def pay(self, ticket: Ticket, request: PaymentRequest) -> HostReply: ...

    def status(self, ticket: Ticket) -> HostReply: ...

    def balance(self) -> HostReply: ...

    def booked(self, day: datetime.date) -> list[Booked] | None:
        """What the host booked on ``day`` (Asia/Jakarta); ``None`` when it cannot say."""
        ...

    def health(self) -> bool: ...

    def close(self) -> None: ...
