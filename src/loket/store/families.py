"""The last bill seen for each family: what a payment taken offline is priced from.

A native bill is cached with its members (priced again from the tariff table). A count-only
bill (Digiflazz, IAK) has no members or months to cache, so its snapshot keeps only what is
honestly known (``aggregators.md`` §4.7): the member count and, when a bill divides evenly, the
family's total for one month and the day it was seen (``month_price``, ``priced_at``), from the
last inquiry or confirmed payment. No migration: it is the same JSON snapshot.
"""

from __future__ import annotations

import json

from sqlalchemy import Engine
from sqlmodel import col, select

from loket.clock import parse_iso
from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.domain.offline import KnownFamily, count_only_paid_through, month_price
from loket.store.db import session, write_session
from loket.store.models import FamilyCache


def _tails(bill: FamilyBill) -> str:
    """`` tail tail … ``: the last 11 digits of every member's card (and so of every VA)."""
    tails = {bill.va_no[-11:], *(m.card_no[-11:] for m in bill.members)}
    return " " + " ".join(sorted(tails)) + " "


def remember(engine: Engine, bill: FamilyBill, now: str) -> None:
    snapshot: dict[str, object] = {
        "va_no": bill.va_no, "head_name": bill.head_name, "branch": bill.branch,
        "members": [{"card_no": m.card_no, "name": m.name, "class": m.klass} for m in bill.members],
    }
    paid_through = str(bill.periods[0] - 1) if bill.periods else ""
    if bill.count_only and bill.month_count:
        snapshot.update(count_only=True, member_count=bill.member_count,
                        **_price(bill.premium, bill.month_count, now))
        paid_through = str(count_only_paid_through(Month.of(parse_iso(now)), bill.months_ahead,
                                                   bill.month_count))
    with write_session(engine) as db:
        db.merge(FamilyCache(va_no=bill.va_no, snapshot=json.dumps(snapshot), inquired_at=now,
                             numbers=_tails(bill), paid_through=paid_through))
        db.commit()


def _price(premium: int, months: int, seen_at: str) -> dict:
    """The per-month price a bill shows, or none at all: a bill that does not divide evenly
    says the last price may no longer hold, so it is dropped rather than kept."""
    price = month_price(premium, months)
    return {"month_price": price, "priced_at": seen_at if price else ""}


def mark_paid(engine: Engine, va_no: str, last_period: Month,
              confirmed: tuple[int, int, str] | None = None) -> None:
    """A confirmed payment moves what we know of the family forward; for a count-only family
    ``confirmed`` (premium, months, when) is its newest price."""
    with write_session(engine) as db:
        family = db.get(FamilyCache, va_no)
        if family is None:
            return
        changed = not family.paid_through or Month.parse(family.paid_through) < last_period
        if changed:
            family.paid_through = str(last_period)
        data = json.loads(family.snapshot)
        if confirmed is not None and data.get("count_only"):
            data.update(_price(*confirmed))
            family.snapshot, changed = json.dumps(data), True
        if changed:
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
