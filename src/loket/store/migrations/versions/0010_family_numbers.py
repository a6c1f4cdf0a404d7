"""family cache: a family is found by every number it is known by, never by an empty one

The cache was keyed by the family's VA, which Digiflazz and IAK do not give for a card typed: every
family seen there was stored under "" (each one overwriting the last) and no look-up found it, so
no family from those hosts could be paid offline (issue 18). A family now has its own id, and
``familynumber`` names it by the number typed, its VA and its members' cards (their last 11
digits, as the old ``numbers`` column held them): one family per number. Payments are indexed by
the same last 11 digits of their VA, else of the number typed: a family paid here by card is not
sold again by its VA.

Existing rows: a row keyed by a VA keeps its numbers (the last one seen wins a number two rows
named). A row keyed "" is dropped: it is whichever count-only family was asked last, and its
snapshot holds no number to key it by again; the next inquiry of any family brings it back.

Revision ID: 0010
Revises: 0009
"""

from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TAIL = 11
PAYMENT_FAMILY_TAIL = "substr(CASE WHEN va_no = '' THEN customer_no ELSE va_no END, -11)"


def _families() -> sa.Table:
    return op.create_table(
        "familycache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("va_no", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("snapshot", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("inquired_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("paid_through", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def upgrade() -> None:
    conn = op.get_bind()
    old = conn.exec_driver_sql(  # oldest first: the newest family to name a number keeps it
        "SELECT va_no, snapshot, inquired_at, numbers, paid_through FROM familycache "
        "WHERE va_no != '' ORDER BY inquired_at, va_no"
    ).all()
    op.drop_table("familycache")
    families = _families()
    numbers = op.create_table(
        "familynumber",
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["familycache.id"]),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_index(op.f("ix_familynumber_family_id"), "familynumber", ["family_id"], unique=False)
    owner: dict[str, int] = {}
    for family_id, (va_no, snapshot, inquired_at, tails, paid_through) in enumerate(old, 1):
        conn.execute(
            families.insert().values(
                id=family_id,
                va_no=va_no,
                snapshot=snapshot,
                inquired_at=inquired_at,
                paid_through=paid_through,
            )
        )
        for number in {*tails.split(), va_no[-TAIL:]}:
            owner[number] = family_id
    if owner:
        conn.execute(numbers.insert(), [{"number": n, "family_id": f} for n, f in owner.items()])
    conn.exec_driver_sql(
        "DELETE FROM familycache WHERE id NOT IN (SELECT family_id FROM familynumber)"
    )
    # a family's payments found by its number however it was typed (store/payment_rows.py, sold)
    op.execute(f"CREATE INDEX ix_payment_family_tail ON payment ({PAYMENT_FAMILY_TAIL})")


def downgrade() -> None:
    """Back to one row per VA: families known only by a card typed have none and are dropped."""
    op.drop_index("ix_payment_family_tail", table_name="payment")
    conn = op.get_bind()
    rows = conn.exec_driver_sql(
        "SELECT f.id, f.va_no, f.snapshot, f.inquired_at, f.paid_through, n.number "
        "FROM familycache f JOIN familynumber n ON n.family_id = f.id "
        "WHERE f.va_no != '' ORDER BY f.inquired_at, f.id"
    ).all()
    kept: dict[str, dict[str, Any]] = {}
    for _id, va_no, snapshot, inquired_at, paid_through, number in rows:
        row = kept.setdefault(va_no, {"numbers": set()})
        row.update(
            va_no=va_no, snapshot=snapshot, inquired_at=inquired_at, paid_through=paid_through
        )
        row["numbers"].add(number)
    op.drop_index(op.f("ix_familynumber_family_id"), table_name="familynumber")
    op.drop_table("familynumber")
    op.drop_table("familycache")
    families = op.create_table(
        "familycache",
        sa.Column("va_no", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("snapshot", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("inquired_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("numbers", sa.String(), nullable=False, server_default=""),
        sa.Column("paid_through", sa.String(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("va_no"),
    )
    for row in kept.values():
        tails = " " + " ".join(sorted(row.pop("numbers"))) + " "
        conn.execute(families.insert().values(numbers=tails, **row))
