"""the lookups ``loket hub reconcile`` makes: payments by ref_id in any outlet, attempts by their
payment's ref_id and by the host's reference

Without them each lookup reads every payment or every record the hub holds (the primary keys
start with the terminal; the attempts are jsonb). A booking the host lists is found by either
reference whatever outlet and day it belongs to.

Revision ID: h0003
Revises: h0002
"""

from alembic import op

revision = "h0003"
down_revision = "h0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX payment_ref ON payment (ref_id)")
    op.execute(
        "CREATE INDEX record_attempt_ref ON record (terminal, (data ->> 'ref_id')) "
        "WHERE kind = 'attempt'"
    )
    op.execute(
        "CREATE INDEX record_attempt_host_ref ON record ((data ->> 'host_ref')) "
        "WHERE kind = 'attempt'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX payment_ref, record_attempt_ref, record_attempt_host_ref")
