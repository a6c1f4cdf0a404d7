"""What IAK said, believed only once checked.

A reply is ``{"data": {...}, "meta": [...]}``, decoded with bounds (``host/body.py``) and parsed
into strict models: ``tr_id`` an integer, amounts integers or integral doubles (IAK sends
``52300.0``), the month count as digits, the member count as digits or a number (IAK's examples
give both), text cleaned of control characters. An empty string is an absent field (IAK's own
replies carry ``"hp": ""``, ``"noref": ""``): what money or identity depends on is required
where it matters, by the judge, not by the parser. It is then judged against what was sent: the
same ``ref_id`` and ``tr_id`` back, a code that fits the context and the HTTP status, a
checkstatus ``status`` that agrees with its code, a success that carries the whole bill, a refusal
that decides anything (the cash owed back, a new reference) naming the request it refuses.
Anything that fails is ``UNKNOWN`` (a status query resolves it), never a success or a final one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from loket.clock import WIB, iso
from loket.domain.billing import FamilyBill
from loket.domain.numbers import VA_LENGTH, VA_PREFIXES
from loket.domain.outcomes import HOST_GARBLED, HOST_INCONSISTENT, HOST_MISMATCH, Meaning, Outcome
from loket.host.base import HostReply
from loket.host.body import Refused, decode_json, is_json
from loket.host.iak import codes
from loket.host.replies import (
    MAX_AMOUNT,
    MAX_BALANCE,
    MAX_FEE,
    MAX_MEMBERS,
    MAX_PERIODS,
    Name,
    Reference,
    Words,
)

CODE = "BPJS"


def _whole(value: object) -> object:
    """An amount: an integer, or a double with nothing after the point (IAK's ``Double``);
    anything else goes on to the strict integer check, which refuses it."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("a rupiah amount has no fraction")
        return int(value)
    return value


def _count(value: object) -> int:
    """A count sent as digits (``"02"``, ``"2"``); a number or anything else is refused."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 3:
        raise ValueError("a count is 1 to 3 digits, as text")
    return int(value)


def _members(value: object) -> int:
    """``jumlah_peserta``: digits in the BPJS example, a number in another product's."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 999:
        return value
    return _count(value)


def _blank_is_absent(fields: object) -> object:
    """``""`` for a field is the field left out, but for those in ``KEPT_BLANK`` (a code must
    be one, a status a number; ``desc`` and ``message`` may be empty strings)."""
    if not isinstance(fields, dict):
        return fields
    return {k: v for k, v in fields.items() if not (v == "" and k not in KEPT_BLANK)}


def _ymdhis(value: str) -> str:
    """``YYYYMMDDHHMMSS`` in Jakarta time, as ISO 8601 with its +07:00 offset."""
    if len(value) != 14 or not (value.isascii() and value.isdigit()):
        raise ValueError("datetime is YmdHis")
    when = datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=WIB)
    if not 2000 <= when.year <= 2100:
        raise ValueError("year out of range")
    return iso(when)


Money = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=MAX_AMOUNT + MAX_FEE)]
Fee = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=MAX_FEE)]
Balance = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=MAX_BALANCE)]
Count = Annotated[int, BeforeValidator(_count)]
Members = Annotated[int, BeforeValidator(_members)]
KEPT_BLANK = frozenset({"response_code", "status", "desc", "message"})
Rc = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,3}$")]
RefId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,64}$")]
Hp = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,20}$")]
PaidAt = Annotated[str, StringConstraints(max_length=14), AfterValidator(_ymdhis)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _thin(cls, fields: object) -> object:
        return _blank_is_absent(fields)


class DescIn(_Strict):
    """What loket reads of ``desc`` (``kode_cabang``, ``sisa_pembayaran`` are not read)."""

    nama_cabang: Words = ""
    jumlah_peserta: Members | None = None


class DataIn(_Strict):
    """``data`` of any reply; a failure carries only what identifies the request and its code."""

    response_code: Rc
    message: Words = ""
    tr_id: int | None = Field(None, gt=0, le=2**63 - 1)
    code: Reference | None = None
    hp: Hp | None = None
    ref_id: RefId | None = None
    tr_name: Name | None = None
    period: Count | None = None
    nominal: Money | None = None
    admin: Fee | None = None
    price: Money | None = None
    selling_price: Money | None = None
    desc: DescIn | str | None = None  # a string when empty
    datetime: PaidAt | None = None
    balance: Balance | None = None
    noref: Reference | None = None
    status: Annotated[int, Field(ge=0, le=3)] | None = None  # checkstatus only (never a bool)


class ReplyIn(_Strict):
    data: DataIn  # beside it, ``meta`` (``[]``) carries nothing loket reads


@dataclass(frozen=True)
class Sent:
    """What was asked, to hold the answer against."""

    context: codes.Context
    ref_id: str = ""
    tr_id: int | None = None
    hp: str = ""
    months_ahead: int = 0
    amount: int | None = None  # a payment: the premium collected


class Odd(Exception):
    """Not believed: ``args[0]`` is what the cashier is told, ``args[1]`` why (for the log)."""


def parse(raw: bytes, content_type: str) -> DataIn:
    """``data`` of an IAK envelope; raises ``Refused`` for anything we cannot read."""
    if not is_json(content_type):
        raise Refused(f"content type {content_type[:40]!r}")
    try:
        return ReplyIn.model_validate(decode_json(raw)).data
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
            for e in exc.errors(include_input=False)[:3]
        )
        raise Refused(where) from None


def _names(data: DataIn, sent: Sent) -> bool:
    """The reply names the request it answers by the identifier that request carried, equal to
    it: the ``tr_id`` a payment was sent by, the ``ref_id`` of an inquiry or a status query."""
    if sent.context == "pay":
        return sent.tr_id is not None and data.tr_id == sent.tr_id
    return bool(sent.ref_id) and data.ref_id == sent.ref_id


def _echoes(data: DataIn, sent: Sent, success: bool) -> None:
    """The reply is for what was sent: its ref_id, tr_id, number and product."""
    if sent.ref_id and (data.ref_id != sent.ref_id) and (success or data.ref_id is not None):
        raise Odd(HOST_MISMATCH, "the reply is for another ref_id")
    if (
        sent.tr_id is not None
        and (data.tr_id != sent.tr_id)
        and (success or data.tr_id is not None)
    ):
        raise Odd(HOST_MISMATCH, "the reply is for another tr_id")
    if sent.hp and data.hp != sent.hp and (success or data.hp is not None):
        raise Odd(HOST_MISMATCH, "the reply is for another number")  # a success must name it
    if data.code is not None and data.code != CODE:
        raise Odd(HOST_MISMATCH, f"the reply is for product {data.code[:10]!r}")


def bill_of(data: DataIn, sent: Sent, *, need_members: bool) -> FamilyBill:
    """The count-only bill a success carries; ``Odd`` when a part is missing or does not add up."""
    desc = data.desc if isinstance(data.desc, DescIn) else DescIn()
    needed = (
        data.tr_id,
        data.ref_id,
        data.tr_name,
        data.period,
        data.nominal,
        data.admin,
        data.price,
        data.selling_price,
    )
    if any(v is None for v in needed):
        raise Odd(HOST_GARBLED, "a success without its bill")
    assert data.nominal is not None and data.admin is not None and data.price is not None
    assert data.selling_price is not None and data.period is not None
    members = desc.jumlah_peserta or 0
    if need_members and members < 1:
        raise Odd(HOST_GARBLED, "an inquiry without its member count")
    if members > MAX_MEMBERS or not 1 <= data.period <= MAX_PERIODS:
        raise Odd(HOST_GARBLED, "member or month count out of range")
    if data.nominal <= 0 or data.price != data.nominal + data.admin:
        raise Odd(HOST_INCONSISTENT, "price is not nominal plus admin")
    if not 0 < data.selling_price <= data.price:
        raise Odd(HOST_INCONSISTENT, "selling_price is not within the price")
    hp = data.hp or sent.hp
    return FamilyBill(
        va_no=hp if len(hp) == VA_LENGTH and hp.startswith(VA_PREFIXES) else "",
        head_name=data.tr_name or "",
        branch=desc.nama_cabang,
        members=(),
        periods=(),
        arrears_months=0,  # a count-only host does not say which months are arrears
        months_ahead=sent.months_ahead,
        premium=int(data.nominal),
        host_admin=int(data.admin),
        agent_price=int(data.selling_price),
        customer_no=hp,
        member_count=members,
        month_count=data.period,
        quote_ref=data.ref_id or "",
        quote_tx=str(data.tr_id),
    )


def _paid(data: DataIn, sent: Sent) -> HostReply:
    """A payment success (pay rc 00, or checkstatus status 1): the bill, the time, the host's
    reference (``noref``, "if exist": else IAK's own ``tr_id``), the premium that was sent."""
    bill = bill_of(data, sent, need_members=False)
    if not data.datetime:
        raise Odd(HOST_GARBLED, "a payment success needs its datetime")
    if sent.amount is not None and bill.premium != sent.amount:
        raise Odd(HOST_MISMATCH, f"nominal {bill.premium} paid, {sent.amount} collected")
    return HostReply(
        Outcome.SUCCESS,
        rc=data.response_code,
        message=data.message,
        bill=bill,
        sn=data.noref or str(data.tr_id),
        paid_at=data.datetime,
        balance=None if data.balance is None else int(data.balance),
        meaning=Meaning.PAID,
    )


def judge(http_status: int, data: DataIn, sent: Sent) -> HostReply:
    """The reply as believed; raises ``Odd`` when it is not."""
    rc = data.response_code
    status = data.status
    if sent.context != "status" and status is not None:
        raise Odd(HOST_INCONSISTENT, f"status {status} outside a checkstatus")
    good = rc in (codes.SUCCESS, codes.PENDING) or (sent.context == "status" and status is not None)
    if http_status != 200 and good:
        raise Odd(HOST_INCONSISTENT, f"HTTP {http_status} with rc {rc}")
    _echoes(data, sent, success=rc == codes.SUCCESS)
    balance = None if data.balance is None else int(data.balance)
    if sent.context == "status" and status is not None:
        return _status(data, sent, status)
    if rc == codes.SUCCESS:
        if sent.context == "inquiry":
            return HostReply(
                Outcome.SUCCESS,
                rc=rc,
                message=data.message,
                bill=bill_of(data, sent, need_members=True),
                meaning=Meaning.OK,
            )
        if sent.context == "pay":
            return _paid(data, sent)
        raise Odd(HOST_INCONSISTENT, "a checkstatus success without its status")
    outcome = codes.classify(sent.context, rc)
    if outcome in codes.DECIDES[sent.context] and not _names(data, sent):
        # a failure naming no request could be anyone's: the cash is not owed back on it, nor
        # a new reference minted; a status query settles what became of this one
        raise Odd(codes.unnamed_text(sent.context, rc, data.message), f"rc {rc} names no request")
    if rc == codes.PENDING and outcome is Outcome.PENDING and data.tr_id is None:
        raise Odd(HOST_INCONSISTENT, "pending without its tr_id")
    return HostReply(
        outcome,
        rc=rc,
        message=data.message,
        balance=balance,
        cashier_text=codes.cashier_text(rc, data.message, sent.context),
        meaning=codes.meaning(sent.context, rc),
        retry_after_s=codes.RETRY_AFTER_S if rc == codes.RATE_LIMIT else None,
    )


def _status(data: DataIn, sent: Sent, status: int) -> HostReply:
    """checkstatus: 0 not received (rc 42/02), 1 success (00), 2 failed, 3 pending (39)."""
    rc = data.response_code
    if not _names(data, sent):  # status 0 or 2 lets a new reference be minted: it must be ours
        raise Odd(HOST_MISMATCH, "a status without its ref_id")
    balance = None if data.balance is None else int(data.balance)
    text = codes.cashier_text(rc, data.message)
    if status == 1 and rc == codes.SUCCESS:
        return _paid(data, sent)
    if status == 3 and rc == codes.PENDING:
        return HostReply(
            Outcome.PENDING,
            rc=rc,
            message=data.message,
            balance=balance,
            cashier_text=text,
            meaning=Meaning.PENDING,
        )
    if status == 0 and rc in codes.NOT_RECEIVED:
        return HostReply(
            Outcome.UNKNOWN,
            rc=rc,
            message=data.message,
            balance=balance,
            cashier_text=text,
            meaning=Meaning.ONLY_INQUIRED,
        )
    if status == 2 and rc not in codes.CONTRADICT_FAILED:
        # failed: final, unless its code says the reference is merely spent (a new one may pay)
        spent = rc in codes.REJECTED | codes.USED_UP
        return HostReply(
            Outcome.NOT_POSTED if spent else Outcome.FINAL_FAILURE,
            rc=rc,
            message=data.message,
            balance=balance,
            cashier_text=text,
            meaning=codes.MEANINGS.get(rc, Meaning.FAILED),
        )
    raise Odd(HOST_INCONSISTENT, f"status {status} with rc {rc}")
