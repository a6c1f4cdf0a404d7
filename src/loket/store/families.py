"""The last bill seen for each family: what a payment taken offline is priced from.

A native bill is cached with its members (priced again from the tariff table). A count-only
bill (Digiflazz, IAK) has no members or months to cache — those hosts answer with how many people
and how many months, and one sum — so its snapshot keeps only what is honestly known: the member
count and, when the sum divides evenly by the months, the family's total for one month and the
day it was seen (``month_price``, ``priced_at``), from the last inquiry or confirmed payment.
Nothing is invented that the host did not say.

A family is found by every number it is known by (``FamilyNumber``): the number typed, its VA,
its members' cards. Digiflazz and IAK asked by card give no VA, so the VA alone cannot name a
family; and no family is ever found by an empty number (migration 0010, issue 18).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select

from loket.clock import parse_iso
from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.domain.offline import KnownFamily, count_only_paid_through, month_price
from loket.store.db import session, write_session
from loket.store.models import FamilyCache, FamilyNumber
from loket.store.writing import Writing

TAIL = 11  # a card and the VA made from it (88888/89888 + the card's last 11 digits) share these


def numbers_of(bill: FamilyBill) -> set[str]:
    """What the bill's family is known by: the number typed, the VA, every member's card."""
    known = (bill.customer_no, bill.va_no, *(m.card_no for m in bill.members))
    return {number[-TAIL:] for number in known if number}


def remember(engine: Engine, bill: FamilyBill, now: str) -> None:
    numbers = numbers_of(bill)
    if not numbers:  # nothing could find it again
        return
    snapshot: dict[str, object] = {
        "va_no": bill.va_no,
        "head_name": bill.head_name,
        "branch": bill.branch,
        "members": [{"card_no": m.card_no, "name": m.name, "class": m.klass} for m in bill.members],
    }
    paid_through = str(bill.periods[0] - 1) if bill.periods else ""
    if bill.count_only and bill.month_count:
        snapshot.update(
            count_only=True,
            member_count=bill.member_count,
            **_price(bill.premium, bill.month_count, now),
        )
        paid_through = str(
            count_only_paid_through(Month.of(parse_iso(now)), bill.months_ahead, bill.month_count)
        )
    with write_session(engine) as db:
        owners = {
            row.number: row.family_id
            for row in db.exec(select(FamilyNumber).where(col(FamilyNumber.number).in_(numbers)))
        }
        family = _family(db, owners.get(bill.family_no[-TAIL:])) or FamilyCache(
            snapshot="", inquired_at=now
        )
        family.va_no, family.snapshot = bill.va_no, json.dumps(snapshot)
        family.inquired_at, family.paid_through = now, paid_through
        db.add(family)
        db.flush()
        assert family.id is not None
        _name(db, family.id, numbers)
        _forget_unnamed(db, set(owners.values()) - {family.id})
        db.commit()


def _name(db: Session, family_id: int, numbers: set[str]) -> None:
    """The numbers the last bill named are this family's, and only they are: a number another
    family had (a member who moved) is taken over."""
    db.exec(
        delete(FamilyNumber).where(
            col(FamilyNumber.family_id) == family_id, col(FamilyNumber.number).not_in(numbers)
        )
    )
    for number in numbers:
        db.merge(FamilyNumber(number=number, family_id=family_id))
    db.flush()


def _family(db: Session, family_id: int | None) -> FamilyCache | None:
    return db.get(FamilyCache, family_id) if family_id is not None else None


def _forget_unnamed(db: Session, family_ids: set[int]) -> None:
    """Families whose every number another bill has since named: nothing finds them any more."""
    for family_id in family_ids:
        if db.exec(select(FamilyNumber).where(col(FamilyNumber.family_id) == family_id)).first():
            continue
        family = _family(db, family_id)
        if family is not None:
            db.delete(family)


def _price(premium: int, months: int, seen_at: str) -> dict[str, Any]:
    """The per-month price a bill shows, or none at all: a bill that does not divide evenly
    says the last price may no longer hold, so it is dropped rather than kept."""
    price = month_price(premium, months)
    return {"month_price": price, "priced_at": seen_at if price else ""}


def mark_paid(
    engine: Engine, number: str, last_period: Month, confirmed: tuple[int, int, str] | None = None
) -> None:
    """A confirmed payment moves what we know of the family ``number`` names forward (the
    payment's ``family_no``); for a count-only family ``confirmed`` (premium, months, when) is
    its newest price."""
    if not number:
        return
    with write_session(engine) as db:
        if _mark(db, number, last_period, confirmed):
            db.commit()


def mark_paid_in(
    w: Writing, number: str, last_period: Month, confirmed: tuple[int, int, str] | None = None
) -> None:
    """``mark_paid`` inside the transaction that confirms the payment (``w``), in a savepoint of
    its own: if it fails, only it is undone, never the confirmation."""
    if not number:
        return
    with Session(bind=w.conn, join_transaction_mode="create_savepoint") as db:
        _mark(db, number, last_period, confirmed)
        db.commit()  # the savepoint; the payment's transaction commits it


def _mark(
    db: Session, number: str, last_period: Month, confirmed: tuple[int, int, str] | None
) -> bool:
    family = _named(db, number)
    if family is None:
        return False
    changed = not family.paid_through or Month.parse(family.paid_through) < last_period
    if changed:
        family.paid_through = str(last_period)
    data = json.loads(family.snapshot)
    if confirmed is not None and data.get("count_only"):
        data.update(_price(*confirmed))
        family.snapshot, changed = json.dumps(data), True
    if changed:
        db.add(family)
    return changed


def _named(db: Session, number: str) -> FamilyCache | None:
    if not number:
        return None
    query = (
        select(FamilyCache)
        .join(FamilyNumber, col(FamilyNumber.family_id) == FamilyCache.id)
        .where(FamilyNumber.number == number[-TAIL:])
    )
    return db.exec(query).first()


def find(engine: Engine, digits: str) -> FamilyCache | None:
    """The family a number names (a card, a VA, the number typed), or None."""
    with session(engine) as db:
        return _named(db, digits)


def known(family: FamilyCache) -> KnownFamily:
    return KnownFamily(
        inquired_at=parse_iso(family.inquired_at),
        paid_through=Month.parse(family.paid_through) if family.paid_through else None,
    )


def members(family: FamilyCache) -> tuple[Member, ...]:
    data = json.loads(family.snapshot)
    return tuple(Member(m["card_no"], m["name"], m["class"]) for m in data["members"])


def snapshot(family: FamilyCache) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(family.snapshot)
    return data
