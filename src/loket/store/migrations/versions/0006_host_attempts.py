"""host attempts: each use of a host reference by a payment; member and month counts

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hostattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("host_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("host_tx", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rc", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("quoted_premium", sa.Integer(), nullable=False),
        sa.Column("inquired_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("last_call_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_id", "seq"),
    )
    with op.batch_alter_table("hostattempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hostattempt_host_ref"), ["host_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_hostattempt_payment_id"), ["payment_id"], unique=False)
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("member_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("month_count", sa.Integer(), nullable=False, server_default="0")
        )
    # payments from before: their counts are the length of their snapshots
    op.execute(
        "UPDATE payment SET member_count = json_array_length(members), "
        "month_count = json_array_length(periods)"
    )


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_column("month_count")
        batch_op.drop_column("member_count")
    with op.batch_alter_table("hostattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hostattempt_payment_id"))
        batch_op.drop_index(batch_op.f("ix_hostattempt_host_ref"))
    op.drop_table("hostattempt")
