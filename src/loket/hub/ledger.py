"""A day's payments of every outlet as the hub holds them, back as the domain's records.

What comes out of the hub is outside data too (another machine wrote it, a person may have
edited it): every row is parsed strictly, and one loket cannot read stops the reading with one
line rather than be reconciled as something it is not. Attempts arrive as ``record`` rows of kind
``attempt`` (counter migration 0008) keyed by the payment's ``ref_id``: local ids repeat across
outlets, ref_ids do not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from loket.domain.attempts import Attempt, AttemptState
from loket.domain.billing import Member
from loket.domain.months import Month
from loket.domain.payment import Payment
from loket.domain.states import PaymentState
from loket.hub.connect import HubError, failure

COLUMNS = (
    "local_id",
    "ref_id",
    "customer_no",
    "va_no",
    "head_name",
    "branch",
    "members",
    "periods",
    "member_count",
    "month_count",
    "months_ahead",
    "arrears_months",
    "premium",
    "admin_fee",
    "total",
    "cash",
    "change",
    "agent_price",
    "cashier_id",
    "terminal",
    "state",
    "offline",
    "host_rc",
    "host_message",
    "host_sn",
    "paid_at",
    "print_count",
    "created_at",
    "updated_at",
    "shift_id",
    "refund_shift_id",
)
SELECT = f"SELECT {', '.join(f'p.{c}' for c in COLUMNS)} FROM payment p"
DAY = text(
    f"{SELECT} WHERE p.created_at >= :start AND p.created_at < :end "
    "ORDER BY p.created_at, p.terminal, p.local_id"
)
BY_REF = text(f"{SELECT} WHERE p.ref_id = ANY(:refs)")
BY_HOST_REF = text(
    f"SELECT r.data->>'host_ref', {SELECT.removeprefix('SELECT ')} JOIN record r "
    "ON r.kind = 'attempt' AND r.terminal = p.terminal AND r.data->>'ref_id' = p.ref_id "
    "WHERE r.data->>'host_ref' = ANY(:refs)"
)
ATTEMPTS = text(
    "SELECT terminal, key, data FROM record WHERE kind = 'attempt' "
    "AND terminal = ANY(:terminals) AND data->>'ref_id' = ANY(:refs)"
)

Text = Annotated[str, StringConstraints(max_length=2000)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class _Member(_Strict):
    card_no: Text
    name: Text
    klass: int = Field(alias="class", ge=0, le=3)


class _Attempt(_Strict):
    """An attempt's payload as the counter's trigger wrote it (migration 0008)."""

    id: int
    payment_id: int
    seq: int = Field(ge=1)
    host_ref: Text
    host_tx: Text
    state: AttemptState = Field(strict=False)  # a JSON string naming a known state
    rc: Text
    message: Text
    quoted_premium: int = Field(ge=0)
    inquired_at: Text
    last_call_at: Text
    created_at: Text
    updated_at: Text
    ref_id: Text = Field(min_length=1)


@dataclass
class HubDay:
    payments: list[Payment] = field(default_factory=list)  # oldest first, every outlet
    attempts: dict[str, list[Attempt]] = field(default_factory=dict)  # by ref_id, by seq


def _payment(row) -> Payment:
    """A hub row as the domain's record. Its columns are typed by PostgreSQL; what a column
    cannot type (the JSON of members and periods, the state's name) is checked here."""
    values = dict(zip(COLUMNS, row, strict=True))
    where = f"{values['terminal']}/{values['ref_id']}"
    try:
        members = [_Member.model_validate(m) for m in _list(values["members"])]
        values["members"] = tuple(Member(m.card_no, m.name, m.klass) for m in members)
        values["periods"] = tuple(Month.parse(p) for p in _list(values["periods"]))
        values["state"] = PaymentState(values["state"])
        if min(values[c] for c in MONEY) < 0:
            raise ValueError("jumlah uang negatif")
    except (ValueError, TypeError, AttributeError, ValidationError) as exc:
        raise HubError(f"Hub: pembayaran {where} tidak terbaca ({_why(exc)})") from None
    values["id"] = values.pop("local_id")
    values["terminal_id"] = values.pop("terminal")
    return Payment(**values, attempts=0, next_attempt_at="")


MONEY = ("premium", "admin_fee", "total", "cash", "change", "agent_price")


def _list(raw: str) -> list:
    value = json.loads(raw)
    if not isinstance(value, list):
        raise TypeError("bukan daftar")
    return value


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"[:120]
    return f"{type(exc).__name__}: {exc}"[:120]


def _attempt(terminal: str, key: str, data: object) -> tuple[str, Attempt]:
    try:
        got = _Attempt.model_validate(data)
        if str(got.id) != key:
            raise ValueError(f"id {got.id} != key {key}")
    except (ValueError, ValidationError) as exc:
        raise HubError(f"Hub: percobaan {terminal}/{key} tidak terbaca ({_why(exc)})") from None
    fields = got.model_dump(exclude={"ref_id"})
    return got.ref_id, Attempt(**fields)


def _read(engine: Engine, statement, params: dict) -> list:
    try:
        with engine.connect() as conn:
            return list(conn.execute(statement, params).all())
    except SQLAlchemyError as exc:
        raise failure(exc) from None


def day(engine: Engine, start: str, end: str) -> HubDay:
    """Every outlet's payments created in [start, end) (ISO text in WIB), and their attempts."""
    found = HubDay([_payment(row) for row in _read(engine, DAY, {"start": start, "end": end})])
    refs = {p.ref_id: p.terminal_id for p in found.payments}
    found.attempts = {ref: [] for ref in refs}
    if refs:
        rows = _read(
            engine, ATTEMPTS, {"terminals": sorted(set(refs.values())), "refs": sorted(refs)}
        )
        for terminal, key, data in rows:
            ref, attempt = _attempt(terminal, key, data)
            if refs.get(ref) == terminal:  # another outlet's ref_id is not this payment's
                found.attempts[ref].append(attempt)
    for group in found.attempts.values():
        group.sort(key=lambda a: a.seq)
    return found


def find(engine: Engine, refs: list[str]) -> dict[str, Payment]:
    """Payments of any day and outlet by their ref_id, or by a host reference one of their
    attempts used (an aggregator's ledger names the attempt, not the payment)."""
    if not refs:
        return {}
    found = {p.ref_id: p for p in map(_payment, _read(engine, BY_REF, {"refs": refs}))}
    missing = [ref for ref in refs if ref not in found]
    if missing:
        for host_ref, *row in _read(engine, BY_HOST_REF, {"refs": missing}):
            found.setdefault(host_ref, _payment(row))
    return found
