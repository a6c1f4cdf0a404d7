"""payment_event.meaning: what the host's answer meant, as the counter recorded it (its 0011)

The owner's month counts "the amount differs" by meaning (``bill_changed``), whichever host said
it, no longer by the native code ``84``; the troubled events' partial index (h0002) is built again
on the meaning, so the month's failures still start from it. Events pushed before their counter
knew meanings arrive without one (``""``).

Existing rows: ``84`` is ``bill_changed`` (at the native host and at Digiflazz alike, the code the
report counted); ``45`` and ``102`` ``ip_refused``, ``100`` ``auth_refused`` (the only hosts that
use them say so); the others keep ``""`` — their code alone cannot say which host's it was.

Revision ID: h0005
Revises: h0004
"""

from alembic import op

revision = "h0005"
down_revision = "h0004"
branch_labels = None
depends_on = None

# as h0002 names them (a migration keeps its own copy: it must not change when the domain does)
TROUBLE = "'FAILED', 'PENDING', 'REFUNDED', 'REJECTED', 'UNKNOWN'"
BACKFILL = {"84": "bill_changed", "45": "ip_refused", "100": "auth_refused", "102": "ip_refused"}


def upgrade() -> None:
    op.execute("ALTER TABLE payment_event ADD COLUMN meaning text NOT NULL DEFAULT ''")
    cases = " ".join(f"WHEN '{rc}' THEN '{meaning}'" for rc, meaning in BACKFILL.items())
    listed = ", ".join(f"'{rc}'" for rc in BACKFILL)
    op.execute(f"UPDATE payment_event SET meaning = CASE rc {cases} END WHERE rc IN ({listed})")
    op.execute("DROP INDEX payment_event_trouble")
    op.execute(
        "CREATE INDEX payment_event_trouble ON payment_event (at) INCLUDE (to_state, "
        f"meaning) WHERE to_state IN ({TROUBLE}) OR meaning = 'bill_changed'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX payment_event_trouble")
    op.execute(
        "CREATE INDEX payment_event_trouble ON payment_event (at) INCLUDE (to_state, rc) "
        f"WHERE to_state IN ({TROUBLE}) OR rc = '84'"
    )
    op.execute("ALTER TABLE payment_event DROP COLUMN meaning")
