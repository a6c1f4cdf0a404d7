"""Alembic environment for the hub: migrations run on the connection loket hands over."""

from alembic import context

config = context.config
context.configure(
    connection=config.attributes["connection"],
    target_metadata=None,
    version_table="loket_hub_version",
)
with context.begin_transaction():
    context.run_migrations()
