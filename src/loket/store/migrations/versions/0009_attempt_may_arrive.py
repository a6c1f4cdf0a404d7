"""host attempts: until when a payment request sent without an answer may still arrive

A payment request whose connection ended without an answer (a time-out, a dropped line, a crash
of the counter) may still reach the host and be booked later. Until this moment passes, a host's
"not found" proves nothing about it, and no new host reference may be minted for the payment
(issue 18). "" when no request is on its way: none was sent, or its answer came.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hostattempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "may_arrive_until",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("hostattempt", schema=None) as batch_op:
        batch_op.drop_column("may_arrive_until")
