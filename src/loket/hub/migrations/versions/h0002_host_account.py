"""counter.host_account and counter.settlement: which host account a counter pays from, and how

Several counters usually share one host deposit account (one agent, several tills): the owner's
deposit movement is per account, never per counter. The pusher writes both columns with every
batch it marks (the counter's own row only: the grant below and h0001's row-level policy).
Neither is a secret: ``native:<agent_id>``, ``digiflazz:<username>``, ``iak:<username>``.

Revision ID: h0002
Revises: h0001
"""

from alembic import op

# the states' names as in domain/states.py (a migration keeps its own copy: it must not change
# when the domain does)
NOT_FINAL = (
    "'FAILED', 'PENDING', 'QUEUED', 'RECORDED', 'REFUND_DUE', 'REJECTED', 'SENDING', 'UNKNOWN'"
)
TROUBLE = "'FAILED', 'PENDING', 'REFUNDED', 'REJECTED', 'UNKNOWN'"

revision = "h0002"
down_revision = "h0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE counter ADD COLUMN host_account text, ADD COLUMN settlement text")
    op.execute("GRANT UPDATE (host_account, settlement) ON counter TO loket_counter")
    # the deposit's movement over a period: one outlet's deposit entries in time order
    op.execute(
        "CREATE INDEX record_deposit_at ON record (terminal, (data ->> 'at') COLLATE \"C\")"
        " WHERE kind = 'deposit'"
    )
    # the owner's month (bench/hub.py, 10M payments): the payments not final, without reading
    # the month's others; the troubled events (a few per cent of all), by time, so failures
    # and resolution times start from them instead of joining every payment of the month
    op.execute(f"CREATE INDEX payment_open ON payment (created_at) WHERE state IN ({NOT_FINAL})")
    op.execute(
        "CREATE INDEX payment_event_trouble ON payment_event (at) INCLUDE (to_state, rc) "
        f"WHERE to_state IN ({TROUBLE}) OR rc = '84'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX record_deposit_at, payment_open, payment_event_trouble")
    op.execute("REVOKE UPDATE (host_account, settlement) ON counter FROM loket_counter")
    op.execute("ALTER TABLE counter DROP COLUMN host_account, DROP COLUMN settlement")
