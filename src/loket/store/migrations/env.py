"""Alembic environment: migrations run on the connection loket hands over (see store/db.py)."""

from alembic import context
from sqlmodel import SQLModel

import loket.store.models  # noqa: F401  (registers the tables)

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
