"""What the native host said, believed only once checked.

Every reply is decoded with bounds and parsed into strict models (``loket.host.replies``), then
judged against what was sent: the same ref_id, a status word and rc that agree with each other and
with the HTTP status, on a payment the premium that was sent. Anything that fails is ``UNKNOWN`` —
to be resolved by a status query — never a success. The rest of loket sees only ``HostReply``
(with its ``Meaning``) and ``FamilyBill``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from loket.clock import WIB
from loket.domain.billing import ARREARS_CAP, MAX_MONTHS_AHEAD, FamilyBill, Member
from loket.domain.months import Month
from loket.domain.outcomes import (
    HOST_GARBLED,
    HOST_HTTP_ERROR,
    HOST_INCONSISTENT,
    HOST_MISMATCH,
    Outcome,
)
from loket.host.base import Booked, HostReply
from loket.host.body import Refused
from loket.host.native import codes
from loket.host.native.codes import PROTOCOL_ERROR_RC, STATUS_ONLY_RC
from loket.host.replies import (
    MAX_AMOUNT,
    MAX_BALANCE,
    MAX_FEE,
    MAX_MEMBERS,
    MAX_PERIODS,
    Card,
    Name,
    Period,
    Premium,
    Rc,
    Reference,
    RefId,
    Sn,
    Strict,
    VaNo,
    When,
    Words,
    _present,
    data_envelope,
    parse_as,
)

BODY_STATUSES = frozenset({200, *PROTOCOL_ERROR_RC})  # a 5xx, 3xx, 404 … is not an answer


class MemberIn(Strict):
    card_no: Card
    name: Name
    klass: int = Field(alias="class", ge=1, le=3)


class BillIn(Strict):
    va_no: VaNo
    head_name: Name
    branch: Words = ""
    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS)
    periods: list[Period] = Field(min_length=1, max_length=MAX_PERIODS)
    arrears_months: int = Field(ge=0, le=ARREARS_CAP)
    months_ahead: int = Field(ge=0, le=MAX_MONTHS_AHEAD)
    premium: Premium
    admin: int = Field(ge=0, le=MAX_FEE)
    agent_price: int = Field(ge=0, le=MAX_AMOUNT + MAX_FEE)

    @model_validator(mode="after")
    def _adds_up(self) -> BillIn:
        months = [Month.parse(p) for p in self.periods]
        if any(b.index != a.index + 1 for a, b in zip(months, months[1:], strict=False)):
            raise ValueError("periods must be consecutive months, oldest first")
        if not self.arrears_months <= len(months) <= self.arrears_months + 1 + self.months_ahead:
            raise ValueError("periods do not match arrears and months ahead")
        if len({m.card_no for m in self.members}) != len(self.members):
            raise ValueError("a member is listed twice")
        if not self.premium <= self.agent_price <= self.premium + MAX_FEE:
            raise ValueError("agent price is not the premium plus a fee")
        return self

    def owns(self, customer_no: str) -> bool:
        """The number asked about is this family's VA or one of its members' cards."""
        tails = {self.va_no[-11:], *(m.card_no[-11:] for m in self.members)}
        return customer_no[-11:] in tails

    def to_bill(self, customer_no: str = "", inquired_at: str = "") -> FamilyBill:
        return FamilyBill(
            va_no=self.va_no,
            head_name=self.head_name,
            branch=self.branch,
            members=tuple(Member(m.card_no, m.name, m.klass) for m in self.members),
            periods=tuple(Month.parse(p) for p in self.periods),
            arrears_months=self.arrears_months,
            months_ahead=self.months_ahead,
            premium=self.premium,
            host_admin=self.admin,
            agent_price=self.agent_price,
            customer_no=customer_no,
            inquired_at=inquired_at,
        )


class AnswerIn(Strict):
    """``data`` of every native reply except health and the simulator's ledger."""

    ref_id: RefId | None = None
    status: Literal["success", "pending", "failed"]
    rc: Rc
    message: Words = ""
    bill: BillIn | None = None
    inquired_at: When = ""
    sn: Reference = ""
    paid_at: When = ""
    balance: int | None = Field(None, ge=0, le=MAX_BALANCE)


class EntryIn(Strict):
    ref_id: RefId
    va_no: VaNo
    periods: list[Period] = Field(min_length=1, max_length=MAX_PERIODS)
    premium: Premium
    sn: Sn
    paid_at: Annotated[When, AfterValidator(_present)]


class LedgerIn(Strict):
    entries: list[EntryIn]


class HealthIn(Strict):
    status: Literal["ok"]


# -- judging ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sent:
    """What was asked, to hold the answer against."""

    endpoint: Literal["inquiry", "payment", "status", "balance"]
    ref_id: str = ""
    customer_no: str = ""
    months_ahead: int | None = None
    amount: int | None = None


class Odd(Exception):
    """The reply is not believed; ``args[0]`` is what the cashier is told, ``args[1]`` why."""


def _outcome(http_status: int, answer: AnswerIn, sent: Sent) -> Outcome:
    """Status word, rc and HTTP status must tell the same story."""
    if http_status != 200:  # a protocol error: its own rc, and it can only be a refusal
        if answer.status != "failed" or answer.rc != PROTOCOL_ERROR_RC[http_status]:
            raise Odd(HOST_INCONSISTENT, f"HTTP {http_status} with {answer.status}/{answer.rc}")
        return Outcome.REJECTED
    paired = {"success": "00", "pending": "03"}
    if answer.status in paired:
        if answer.rc != paired[answer.status] or (
            answer.status == "pending" and sent.endpoint not in ("payment", "status")
        ):
            raise Odd(HOST_INCONSISTENT, f"{answer.status} with rc {answer.rc}")
    elif answer.rc in ("00", "03", *PROTOCOL_ERROR_RC.values()) or (
        answer.rc == STATUS_ONLY_RC and sent.endpoint != "status"
    ):
        raise Odd(HOST_INCONSISTENT, f"failed with rc {answer.rc}")
    return codes.classify(answer.status, answer.rc)


def _check_success(answer: AnswerIn, sent: Sent) -> None:
    bill = answer.bill
    if sent.endpoint == "balance":
        if answer.balance is None:
            raise Odd(HOST_GARBLED, "balance missing")
        return
    if bill is None:
        raise Odd(HOST_GARBLED, "success without a bill")
    if sent.endpoint in ("payment", "status") and not (answer.sn and answer.paid_at):
        raise Odd(HOST_GARBLED, "a payment success needs sn and paid_at")
    if sent.amount is not None and bill.premium != sent.amount:
        raise Odd(HOST_MISMATCH, f"premium {bill.premium} paid, {sent.amount} sent")
    if sent.months_ahead is not None and bill.months_ahead != sent.months_ahead:
        raise Odd(HOST_MISMATCH, "months ahead differ from the request")


def _judge(http_status: int, raw: bytes, content_type: str, sent: Sent) -> HostReply:
    if http_status not in BODY_STATUSES:
        raise Odd(HOST_HTTP_ERROR.format(status=http_status), f"HTTP {http_status}")
    try:
        answer = parse_as(AnswerIn, data_envelope(raw, content_type))
    except Refused as exc:
        raise Odd(HOST_GARBLED, str(exc)) from None
    if (
        sent.ref_id
        and (answer.ref_id != sent.ref_id)
        and (http_status == 200 or answer.ref_id is not None)
    ):
        raise Odd(HOST_MISMATCH, "the reply is for another ref_id")
    outcome = _outcome(http_status, answer, sent)
    if answer.bill is not None and sent.customer_no and not answer.bill.owns(sent.customer_no):
        raise Odd(HOST_MISMATCH, "the bill is another family's")
    if outcome is Outcome.SUCCESS:
        _check_success(answer, sent)
    bill = answer.bill.to_bill(sent.customer_no, answer.inquired_at) if answer.bill else None
    return HostReply(
        outcome,
        rc=answer.rc,
        message=answer.message,
        bill=bill,
        sn=answer.sn,
        paid_at=answer.paid_at,
        balance=answer.balance,
        meaning=codes.meaning(answer.status, answer.rc, sent.endpoint),
    )


def judge(http_status: int, raw: bytes, content_type: str, sent: Sent) -> tuple[HostReply, str]:
    """The reply as believed, and why it was not (``""`` when it was)."""
    try:
        return _judge(http_status, raw, content_type, sent), ""
    except Odd as odd:
        message, why = odd.args
        return HostReply(Outcome.UNKNOWN, message=message), why


def healthy(http_status: int, raw: bytes, content_type: str) -> bool:
    """``GET /v1/health`` said ``{"data": {"status": "ok"}}`` with HTTP 200."""
    if http_status != 200:
        return False
    try:
        parse_as(HealthIn, data_envelope(raw, content_type))
    except Refused:
        return False
    return True


def booked(raw: bytes, content_type: str, day: date) -> list[Booked]:
    """The simulator's ledger entries paid on ``day`` (WIB). Raises ``Refused`` if any entry
    is odd: a ledger that is partly unreadable cannot say what was booked."""
    ledger = parse_as(LedgerIn, data_envelope(raw, content_type))
    return [
        Booked(
            ref_id=e.ref_id,
            premium=e.premium,
            sn=e.sn,
            paid_at=e.paid_at,
            va_no=e.va_no,
            periods=tuple(e.periods),
        )
        for e in ledger.entries
        if datetime.fromisoformat(e.paid_at).astimezone(WIB).date() == day
    ]
