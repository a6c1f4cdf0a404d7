"""host attempts and payment events keep what the host's answer meant, beside its code

A host's code means different things at different hosts (IAK's 41 is a participant paid by others,
the native host's and Digiflazz's a refused key): what loket decides on is the answer's meaning
(``domain/outcomes.py`` ``Meaning``), set by the host's adapter. ``meaning`` is its value, ``""``
for an event no host answered (recorded, refunded …) and for an attempt not answered yet; the
code stays in ``rc``, for the record.

Existing rows: a meaning is written only where the code can have come from one meaning, whatever
host this counter paid through — ``84`` (the amount is not the bill's, at the native host and at
Digiflazz alike: the monthly report's "amount differs" counted it), ``45`` (Digiflazz: this address
is not whitelisted), ``100`` and ``102`` (IAK: signature refused, address not whitelisted). The
others keep ``""``: their code alone cannot say which host's it was.

The payment event's outbox trigger copies the new column for the hub (h0005 keeps it there):
created again with the column added (``store/outbox.py`` SOURCES lists it; tests/hub/test_outbox.py
holds them equal).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# the meanings' values as in domain/outcomes.py (a migration keeps its own copy)
BACKFILL = {"84": "bill_changed", "45": "ip_refused", "100": "auth_refused", "102": "ip_refused"}
EVENT = ("id", "payment_id", "at", "from_state", "to_state", "rc", "message", "actor", "meaning")
SOURCES = {"paymentevent": ("event", "id", EVENT)}
EXTRA = {"paymentevent": "'ref_id', (SELECT ref_id FROM payment WHERE id = {row}.payment_id)"}


def _trigger(columns: tuple[str, ...]) -> str:
    pairs = [f"'{c}', NEW.\"{c}\"" for c in columns]
    pairs.append(EXTRA["paymentevent"].format(row="NEW"))
    return (
        'CREATE TRIGGER hub_paymentevent_insert AFTER INSERT ON "paymentevent" BEGIN '
        "INSERT INTO hub_outbox (kind, key, payload) VALUES ('event', CAST(NEW.\"id\" AS "
        f"TEXT), json_object({', '.join(pairs)})); END"
    )


def _backfill(table: str) -> None:
    cases = " ".join(f"WHEN '{rc}' THEN '{meaning}'" for rc, meaning in BACKFILL.items())
    listed = ", ".join(f"'{rc}'" for rc in BACKFILL)
    op.execute(f"UPDATE {table} SET meaning = CASE rc {cases} END WHERE rc IN ({listed})")


def upgrade() -> None:
    for table in ("hostattempt", "paymentevent"):  # ALTER TABLE: no copy, the triggers stay
        op.add_column(
            table,
            sa.Column(
                "meaning", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            ),
        )
        _backfill(table)
    op.execute("DROP TRIGGER IF EXISTS hub_paymentevent_insert")
    op.execute(_trigger(EVENT))


def downgrade() -> None:
    """ALTER TABLE … DROP COLUMN (SQLite 3.35): no copy of the tables, so their other triggers
    stay; the event's own is made again without the column."""
    op.execute("DROP TRIGGER IF EXISTS hub_paymentevent_insert")
    for table in ("hostattempt", "paymentevent"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN meaning")
    op.execute(_trigger(EVENT[:-1]))
