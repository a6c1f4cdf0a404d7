"""What Digiflazz said, believed only once checked.

Digiflazz answers every ``/v1/transaction`` command with ``{"data": {…}}``: ``ref_id``,
``customer_no`` and ``buyer_sku_code`` echoed, ``status`` (Sukses, Pending, Gagal), ``rc`` and
``message``; a Sukses adds the bill (``customer_name``, ``admin``, ``price`` — what the buyer is
charged —, ``selling_price``, ``desc`` with ``jumlah_peserta`` and ``lembar_tagihan``) and, to a
payment, the ``sn``; ``buyer_last_saldo`` may come with any of them. Digiflazz gives no time of
its own: a payment counts as made when its answer came.

The body is decoded with bounds (``host/body.py``), parsed into strict models (amounts typed Int
are JSON integers, never floats, strings or booleans; counts in range; text cleaned), then judged
against what was sent: the same ref_id, customer_no and SKU, a status word that agrees with the
rc, and — for a payment counted as made — a bill and a non-empty ``sn``. Anything that fails is
``UNKNOWN``, to be resolved by a status query, never a success.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from loket.domain.billing import FamilyBill
from loket.domain.numbers import VA_LENGTH, VA_PREFIXES
from loket.domain.outcomes import (
    HOST_GARBLED,
    HOST_HTTP_ERROR,
    HOST_INCONSISTENT,
    HOST_MISMATCH,
    Meaning,
    Outcome,
)
from loket.host.base import HostReply
from loket.host.body import Refused
from loket.host.digiflazz import codes
from loket.host.replies import (
    MAX_AMOUNT,
    MAX_BALANCE,
    MAX_FEE,
    MAX_MEMBERS,
    MAX_PERIODS,
    Name,
    Words,
    data_envelope,
    parse_as,
)
from loket.host.replies import Reference as Text64

QUOTE_ONLY = "Pembayaran belum sampai di Digiflazz (baru cek tagihan) — status akan dicek ulang"
Rc = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
RefId = Annotated[str, StringConstraints(max_length=64)]
Count = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}$")]
Money = Annotated[int, Field(ge=0, le=MAX_AMOUNT + MAX_FEE)]
Balance = Annotated[int | float, Field(ge=0, le=MAX_BALANCE, allow_inf_nan=False)]


class _Strict(BaseModel):
    # extra fields are ignored (a host may add some); every field read is checked
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class DescIn(_Strict):
    jumlah_peserta: Count
    lembar_tagihan: int = Field(ge=1, le=MAX_PERIODS)
    alamat: Words = ""


class AnswerIn(_Strict):
    """``data`` of every ``/v1/transaction`` reply; the bill fields only on a Sukses."""

    ref_id: RefId | None = None
    customer_no: RefId | None = None
    buyer_sku_code: RefId | None = None
    status: Literal["Sukses", "Pending", "Gagal"]
    rc: Rc
    message: Words = ""
    customer_name: Name | None = None
    admin: Money | None = None
    price: Money | None = None
    selling_price: Money | None = None
    buyer_last_saldo: Balance | None = None
    sn: Text64 = ""
    desc: DescIn | None = None


class DepositIn(_Strict):
    deposit: Balance


class RefusalIn(_Strict):
    """A ``/v1/cek-saldo`` refusal: only the rc and the message."""

    rc: Rc
    message: Words = ""


@dataclass(frozen=True)
class Sent:
    context: codes.Context
    ref_id: str
    customer_no: str
    sku: str
    amount: int | None = None  # pay: the premium collected


class Odd(Exception):
    """Not believed: ``args[0]`` is what the cashier is told, ``args[1]`` why (for the log)."""


def _garbled(http_status: int) -> str:
    """A 4xx that is not Digiflazz's JSON (a 404 page: a wrong URL) says so by its status."""
    return HOST_HTTP_ERROR.format(status=http_status) if http_status != 200 else HOST_GARBLED


def _whole(value: int | float | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and not value.is_integer():
        raise Odd(HOST_GARBLED, "a balance in fractions of a rupiah")
    return int(value)


def _bill(answer: AnswerIn, sent: Sent, inquired_at: str) -> FamilyBill:
    """A count-only bill: the premium is ``selling_price`` less ``admin``; the deposit is
    charged ``price`` (the premium and Digiflazz's margin)."""
    if None in (
        answer.customer_name,
        answer.admin,
        answer.price,
        answer.selling_price,
        answer.desc,
    ):
        raise Odd(HOST_GARBLED, "a Sukses without its bill")
    assert answer.admin is not None and answer.price is not None
    assert answer.selling_price is not None and answer.desc is not None
    premium = answer.selling_price - answer.admin
    if not 0 < premium <= MAX_AMOUNT or answer.admin > MAX_FEE:
        raise Odd(HOST_GARBLED, f"premium {premium}, admin {answer.admin}")
    if not premium <= answer.price <= premium + MAX_FEE:
        raise Odd(HOST_GARBLED, f"price {answer.price} is not the premium plus a fee")
    members = int(answer.desc.jumlah_peserta)
    if not 1 <= members <= MAX_MEMBERS:
        raise Odd(HOST_GARBLED, f"{members} members")
    number = sent.customer_no
    is_va = len(number) == VA_LENGTH and number.startswith(VA_PREFIXES)
    return FamilyBill(
        va_no=number if is_va else "",
        head_name=answer.customer_name or "",
        branch=answer.desc.alamat,
        members=(),
        periods=(),
        arrears_months=0,
        months_ahead=0,
        premium=premium,
        host_admin=answer.admin,
        agent_price=answer.price,
        customer_no=number,
        inquired_at=inquired_at,
        member_count=members,
        month_count=answer.desc.lembar_tagihan,
        quote_ref=sent.ref_id,
    )


def _judge(http_status: int, raw: bytes, content_type: str, sent: Sent, now: str) -> HostReply:
    try:
        answer = parse_as(AnswerIn, data_envelope(raw, content_type))
    except Refused as exc:
        raise Odd(_garbled(http_status), str(exc)) from None
    assert isinstance(answer, AnswerIn)
    for field, value in (
        ("ref_id", sent.ref_id),
        ("customer_no", sent.customer_no),
        ("buyer_sku_code", sent.sku),
    ):
        echoed = getattr(answer, field) or None  # an empty string is an absent field
        # a refusal may leave an identifier out; whatever is there must be what was sent
        if echoed != value and (echoed is not None or answer.status != "Gagal"):
            raise Odd(HOST_MISMATCH, f"{field} {echoed!r} is not what was sent")
    if not codes.consistent(answer.status, answer.rc) or (
        http_status != 200 and answer.status != "Gagal"
    ):
        raise Odd(HOST_INCONSISTENT, f"HTTP {http_status} with {answer.status}/{answer.rc}")
    outcome = codes.classify(sent.context, answer.rc)
    if sent.context != "inquiry" and not answer.ref_id and outcome is not Outcome.REJECTED:
        # about a payment, only an answer that names it is news of it: a failure that names no
        # transaction may come after the host booked it (a proxy's, a gateway's). A refusal
        # that records nothing (a bad signature) changes nothing, named or not.
        raise Odd(HOST_MISMATCH, f"a {answer.status}/{answer.rc} that names no transaction")
    balance = _whole(answer.buyer_last_saldo)
    bill, quote_only = None, False
    meaning = codes.meaning(sent.context, answer.rc, answer.message)
    if outcome is Outcome.SUCCESS:
        bill = _bill(answer, sent, now)
        if sent.context != "inquiry" and not answer.sn:
            if sent.context == "pay":
                raise Odd(HOST_GARBLED, "a payment Sukses without an sn")
            # status of a reference that was only inquired: no payment (yet) under it
            outcome, quote_only, meaning = Outcome.UNKNOWN, True, Meaning.ONLY_INQUIRED
        if sent.amount is not None and bill.premium != sent.amount:
            raise Odd(HOST_MISMATCH, f"premium {bill.premium} paid, {sent.amount} sent")
    reply = HostReply(
        outcome,
        rc=answer.rc,
        message=answer.message,
        bill=bill,
        sn=answer.sn if outcome is Outcome.SUCCESS else "",
        paid_at=now if outcome is Outcome.SUCCESS and sent.context != "inquiry" else "",
        balance=balance,
        meaning=meaning,
        retry_after_s=codes.retry_after(answer.rc),
    )
    if quote_only:
        reply = replace(reply, cashier_text=QUOTE_ONLY)
    elif outcome is not Outcome.SUCCESS:
        reply = replace(reply, cashier_text=codes.cashier_text(answer.rc, answer.message))
    return reply


def judge(
    http_status: int, raw: bytes, content_type: str, sent: Sent, now: str
) -> tuple[HostReply, str]:
    """The reply as believed, and why it was not (``""`` when it was). ``now``: when it came,
    which is when a payment counts as made (Digiflazz gives no time of its own)."""
    try:
        return _judge(http_status, raw, content_type, sent, now), ""
    except Odd as odd:
        message, why = odd.args
        return HostReply(Outcome.UNKNOWN, message=message), why


def deposit(http_status: int, raw: bytes, content_type: str) -> tuple[HostReply, str]:
    """``/v1/cek-saldo``: the balance, or the rc it was refused with."""
    try:
        data = data_envelope(raw, content_type)
        if isinstance(data, dict) and "deposit" in data:
            found = parse_as(DepositIn, data)
            assert isinstance(found, DepositIn)
            if http_status != 200:
                raise Odd(HOST_INCONSISTENT, f"a balance with HTTP {http_status}")
            return HostReply(
                Outcome.SUCCESS,
                rc=codes.SUCCESS_RC,
                balance=_whole(found.deposit),
                meaning=Meaning.OK,
            ), ""
        refused = parse_as(RefusalIn, data)
        assert isinstance(refused, RefusalIn)
    except Refused as exc:
        return HostReply(Outcome.UNKNOWN, message=_garbled(http_status)), str(exc)
    except Odd as odd:
        return HostReply(Outcome.UNKNOWN, message=odd.args[0]), odd.args[1]
    if refused.rc == codes.SUCCESS_RC:
        return HostReply(Outcome.UNKNOWN, message=HOST_INCONSISTENT), "rc 00 without a deposit"
    outcome = codes.classify("status", refused.rc)  # a refused question: no payment involved
    return HostReply(
        outcome,
        rc=refused.rc,
        message=refused.message,
        cashier_text=codes.cashier_text(refused.rc, refused.message),
        meaning=codes.meaning("status", refused.rc, refused.message),
    ), ""
