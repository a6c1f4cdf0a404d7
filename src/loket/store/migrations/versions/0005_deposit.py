"""deposit: the host's balance and what payments took from it, as loket learned them

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deposit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=True),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.Column("ref_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deposit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deposit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_deposit_ref_id"), ["ref_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deposit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deposit_ref_id"))
        batch_op.drop_index(batch_op.f("ix_deposit_at"))
    op.drop_table("deposit")
