"""counter.host_account and counter.settlement: which host account a counter pays from, and how

Several counters usually share one host deposit account (one agent, several tills): the owner's
deposit movement is per account, never per counter. The pusher writes both columns with every
batch it marks (the counter's own row only: the grant below and h0001's row-level policy).
Neither is a secret: ``native:<agent_id>``, ``digiflazz:<username>``, ``iak:<username>``.

Revision ID: h0002
Revises: h0001
"""

from alembic import op

revision = 'h0002'
down_revision = 'h0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE counter ADD COLUMN host_account text, ADD COLUMN settlement text")
    op.execute("GRANT UPDATE (host_account, settlement) ON counter TO loket_counter")
    # the deposit's movement over a period: one outlet's deposit entries in time order
    op.execute("CREATE INDEX record_deposit_at ON record (terminal, (data ->> 'at') COLLATE \"C\")"
               " WHERE kind = 'deposit'")


def downgrade() -> None:
    op.execute("DROP INDEX record_deposit_at")
    op.execute("REVOKE UPDATE (host_account, settlement) ON counter FROM loket_counter")
    op.execute("ALTER TABLE counter DROP COLUMN host_account, DROP COLUMN settlement")
