"""hub outbox: host attempts too, so the owner's hub can ask an aggregator about a payment

An aggregator's payment is known at the host by its attempt's reference (Digiflazz/IAK), not by
loket's ``ref_id``: reconciling an outlet from the hub needs the counter's attempts. They are
queued as kind ``attempt``, keyed by the attempt's local id, with the payment's ``ref_id`` in
the payload (local ids repeat across outlets; ref_ids do not). Built as 0007 builds its
triggers (``store/outbox.py`` SOURCES lists both; tests/hub/test_outbox.py holds them equal).

Unlike 0007, the attempts already here are queued too: a counter that pushes to a hub already
sent their payments, and the hub could not ask an aggregator about those without them. A
counter without a hub lets them go at its next start, as it does every outbox row.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ATTEMPT = (
    "id",
    "payment_id",
    "seq",
    "host_ref",
    "host_tx",
    "state",
    "rc",
    "message",
    "quoted_premium",
    "inquired_at",
    "last_call_at",
    "created_at",
    "updated_at",
)
SOURCES = {"hostattempt": ("attempt", "id", ATTEMPT)}
EXTRA = {"hostattempt": "'ref_id', (SELECT ref_id FROM payment WHERE id = {row}.payment_id)"}


def _values(row: str) -> str:
    kind, key, columns = SOURCES["hostattempt"]
    pairs = [f"'{c}', {row}.\"{c}\"" for c in columns]
    pairs.append(EXTRA["hostattempt"].format(row=row))
    return f"'{kind}', CAST({row}.\"{key}\" AS TEXT), json_object({', '.join(pairs)})"


def _queue(row: str) -> str:
    return f"INSERT INTO hub_outbox (kind, key, payload) VALUES ({_values(row)})"


def upgrade() -> None:
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in ATTEMPT)
    op.execute(
        f"CREATE TRIGGER hub_hostattempt_insert AFTER INSERT ON hostattempt "
        f"BEGIN {_queue('NEW')}; END"
    )
    op.execute(
        f"CREATE TRIGGER hub_hostattempt_update AFTER UPDATE ON hostattempt "
        f"WHEN {changed} BEGIN {_queue('NEW')}; END"
    )
    op.execute(
        f"INSERT INTO hub_outbox (kind, key, payload) SELECT {_values('t')} "
        f"FROM hostattempt AS t ORDER BY t.id"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS hub_hostattempt_insert")
    op.execute("DROP TRIGGER IF EXISTS hub_hostattempt_update")
