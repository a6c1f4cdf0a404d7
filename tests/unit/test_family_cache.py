"""The family cache finds a family by every number it is known by, and by no empty one: a
count-only host (Digiflazz, IAK) asked by card gives no VA (issue 18, finding 5)."""

from __future__ import annotations

import pytest

from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.store import families
from loket.store.opening import open_database

SEEN = "2026-11-21T10:00:00+07:00"


@pytest.fixture
def engine(tmp_path):
    engine = open_database(tmp_path / "loket.db")
    yield engine
    engine.dispose()


def by_card(card: str, members: int, premium: int, months: int = 1) -> FamilyBill:
    """A family as Digiflazz or IAK answer for a card typed: no VA, counts only."""
    return FamilyBill(
        va_no="",
        head_name=f"KELUARGA {card[-2:]}",
        branch="BEKASI",
        members=(),
        periods=(),
        arrears_months=0,
        months_ahead=0,
        premium=premium,
        host_admin=2_500,
        agent_price=premium + 200,
        customer_no=card,
        member_count=members,
        month_count=months,
    )


def native(va: str, *cards: str) -> FamilyBill:
    return FamilyBill(
        va_no=va,
        head_name="SITI",
        branch="X",
        members=tuple(Member(c, f"M{c[-2:]}", 3) for c in cards),
        periods=(Month(2026, 11),),
        arrears_months=0,
        months_ahead=0,
        premium=35_000 * len(cards),
        host_admin=2_500,
        agent_price=0,
        customer_no=cards[0],
    )


def price_of(engine, number: str) -> tuple[int, int] | None:
    found = families.find(engine, number)
    if found is None:
        return None
    data = families.snapshot(found)
    return data["member_count"], data["month_price"]


def test_two_count_only_families_inquired_one_after_the_other_are_both_found_by_the_card_typed(
    engine,
):
    families.remember(engine, by_card("0001000000011", 3, 105_000), SEEN)
    families.remember(engine, by_card("0001000000102", 1, 2 * 150_000, months=2), SEEN)
    assert price_of(engine, "0001000000011") == (3, 105_000)
    assert price_of(engine, "0001000000102") == (1, 150_000)
    assert price_of(engine, "8888801000000011") == (3, 105_000)  # its VA ends the same
    assert families.find(engine, "") is None


def test_a_confirmed_payment_moves_on_the_family_its_number_names_and_no_other(engine):
    families.remember(engine, by_card("0001000000011", 3, 105_000), SEEN)
    families.remember(engine, by_card("0001000000102", 1, 150_000), SEEN)
    families.mark_paid(engine, "", Month(2027, 6), confirmed=(1_000, 1, SEEN))  # names nobody
    families.mark_paid(
        engine,
        "0001000000011",
        Month(2026, 12),
        confirmed=(220_000, 2, "2026-11-21T11:00:00+07:00"),
    )
    moved, other = families.find(engine, "0001000000011"), families.find(engine, "0001000000102")
    assert moved is not None and other is not None
    assert (moved.paid_through, price_of(engine, "0001000000011")) == ("2026-12", (3, 110_000))
    assert (other.paid_through, price_of(engine, "0001000000102")) == ("2026-10", (1, 150_000))


def test_a_card_billed_now_with_another_family_finds_that_family(engine):
    families.remember(engine, native("8888801000000011", "0001000000011", "0001000000102"), SEEN)
    families.remember(engine, native("8888801000000200", "0001000000200", "0001000000102"), SEEN)
    moved, stayed = families.find(engine, "0001000000102"), families.find(engine, "0001000000011")
    assert moved is not None and moved.va_no == "8888801000000200"
    assert stayed is not None and stayed.va_no == "8888801000000011"


def test_0010_drops_the_families_keyed_by_nothing_and_keeps_the_others_by_every_number(tmp_path):
    from alembic import command

    from loket.store import auditkey
    from loket.store.db import _alembic, make_engine, migrate, write

    engine = make_engine(tmp_path / "old.db", auditkey.load_or_create())
    cfg = _alembic()
    with write(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0009")
        insert = (
            "INSERT INTO familycache (va_no, snapshot, inquired_at, numbers, paid_through) "
            "VALUES (?, ?, ?, ?, ?)"
        )
        old_native = (
            '{"va_no": "8888801000000011", "head_name": "SITI", "branch": "X", "members": []}'
        )
        counted = (
            '{"va_no": "", "head_name": "BUDI", "branch": "X", "members": [], '
            '"count_only": true, "member_count": 2, "month_price": 70000}'
        )
        conn.exec_driver_sql(
            insert, ("8888801000000011", old_native, SEEN, " 01000000011 01000000102 ", "2026-10")
        )
        conn.exec_driver_sql(insert, ("", counted, SEEN, "  ", "2026-10"))
    migrate(engine)
    kept = families.find(engine, "0001000000102")
    assert kept is not None and kept.va_no == "8888801000000011" and kept.paid_through == "2026-10"
    assert families.find(engine, "8888801000000011") is not None
    assert families.find(engine, "") is None
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM familycache").scalar() == 1
    engine.dispose()
