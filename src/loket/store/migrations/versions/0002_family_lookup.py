"""family cache: numbers for look-up and paid_through, for offline acceptance

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("familycache") as batch:
        batch.add_column(sa.Column("numbers", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("paid_through", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("familycache") as batch:
        batch.drop_column("paid_through")
        batch.drop_column("numbers")
