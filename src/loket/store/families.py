"""The last bill seen for each family: what a payment taken offline is priced from."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from sqlmodel import col, select

from loket.clock import parse_iso
from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.domain.offline import KnownFamily
from loket.store.db import session, write_session
from loket.store.models import FamilyCache


def _tails(bill: FamilyBill) -> str:
    """`` tail tail … ``: the last 11 digits of every member's card (and so of every VA)."""
    tails = {bill.va_no[-11:], *(m.card_no[-11:] for m in bill.members)}
    return " " + " ".join(sorted(tails)) + " "


def remember(engine: Engine, bill: FamilyBill, now: str) -> None:
    snapshot = {
        "va_no": bill.va_no, "head_name": bill.head_name, "branch": bill.branch,
        "members": [{"card_no": m.card_no, "name": m.name, "class": m.klass} for m in bill.members],
    }
    paid_through = str(bill.periods[0] - 1) if bill.periods else ""
    with write_session(engine) as db:
        db.merge(FamilyCache(va_no=bill.va_no, snapshot=json.dumps(snapshot), inquired_at=now,
                             numbers=_tails(bill), paid_through=paid_through))
        db.commit()


def mark_paid(engine: Engine, va_no: str, last_period: Month) -> None:
    """A confirmed payment moves what we know of the family forward."""
    with write_session(engine) as db:
        family = db.get(FamilyCache, va_no)
        if family is not None and (not family.paid_through
                                   or Month.parse(family.paid_through) < last_period):
            family.paid_through = str(last_period)
            db.add(family)
            db.commit()


def find(engine: Engine, digits: str) -> FamilyCache | None:
    with session(engine) as db:
        query = select(FamilyCache).where(col(FamilyCache.numbers).contains(f" {digits[-11:]} "))
        return db.exec(query).first()


def known(family: FamilyCache) -> KnownFamily:
    return KnownFamily(
        inquired_at=parse_iso(family.inquired_at),
        paid_through=Month.parse(family.paid_through) if family.paid_through else None,
    )


def members(family: FamilyCache) -> tuple[Member, ...]:
    data = json.loads(family.snapshot)
    return tuple(Member(m["card_no"], m["name"], m["class"]) for m in data["members"])


def snapshot(family: FamilyCache) -> dict:
    return json.loads(family.snapshot)
