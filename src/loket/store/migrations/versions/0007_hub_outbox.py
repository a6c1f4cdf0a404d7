"""hub outbox: every recorded row also queued for the owner's PostgreSQL hub, by triggers

Triggers write the outbox in the same transaction as the row they copy, so no write path can
forget it and a rolled-back payment leaves nothing behind. ``hub_mark`` is the high-water mark of
what the hub has committed (store/outbox.py). Rows already in the database are not queued here:
most counters have no hub, and a counter's first push to a hub queues its whole history
(hub/pusher.py, ``outbox.requeue_all``).

A later migration that rebuilds one of these tables (``batch_alter_table`` on SQLite copies the
table) drops its triggers: it must create them again (tests/hub/test_outbox.py checks they exist).

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# table -> (outbox kind, key expression, columns copied). The cashier's PIN hash and lock-out
# counters never leave the counter; a payment's retry timing is the forwarder's business only.
PAYMENT = (
    "id",
    "ref_id",
    "customer_no",
    "va_no",
    "head_name",
    "branch",
    "members",
    "periods",
    "member_count",
    "month_count",
    "months_ahead",
    "arrears_months",
    "premium",
    "admin_fee",
    "total",
    "cash",
    "change",
    "agent_price",
    "cashier_id",
    "terminal_id",
    "state",
    "offline",
    "host_rc",
    "host_message",
    "host_sn",
    "paid_at",
    "print_count",
    "created_at",
    "updated_at",
    "shift_id",
    "refund_shift_id",
)
SOURCES = {
    "payment": ("payment", "ref_id", PAYMENT),
    "paymentevent": (
        "event",
        "id",
        ("id", "payment_id", "at", "from_state", "to_state", "rc", "message", "actor"),
    ),
    "shift": (
        "shift",
        "id",
        (
            "id",
            "cashier_id",
            "opened_at",
            "opening_float",
            "closed_at",
            "closed_by",
            "expected_cash",
            "counted_cash",
            "difference",
            "note",
        ),
    ),
    "deposit": ("deposit", "id", ("id", "at", "balance", "change", "ref_id")),
    "auditentry": ("audit", "id", ("id", "at", "actor", "action", "detail", "prev_hash", "hash")),
    "cashier": ("cashier", "id", ("id", "name", "role", "active", "created_at")),
}
EXTRA = {"paymentevent": "'ref_id', (SELECT ref_id FROM payment WHERE id = {row}.payment_id)"}


def _payload(table: str, row: str) -> str:
    _kind, _key, columns = SOURCES[table]
    pairs = [f"'{c}', {row}.\"{c}\"" for c in columns]
    if table in EXTRA:
        pairs.append(EXTRA[table].format(row=row))
    return f"json_object({', '.join(pairs)})"


def _queue(table: str, row: str) -> str:
    kind, key, _columns = SOURCES[table]
    return (
        f"INSERT INTO hub_outbox (kind, key, payload) "
        f"VALUES ('{kind}', CAST({row}.\"{key}\" AS TEXT), {_payload(table, row)})"
    )


def _changed(table: str) -> str:
    return " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in SOURCES[table][2])


def upgrade() -> None:
    op.execute(
        "CREATE TABLE hub_outbox (seq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "
        "kind TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL)"
    )
    op.execute(
        "CREATE TABLE hub_mark (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), "
        "pushed_seq INTEGER NOT NULL, pushed_at TEXT NOT NULL)"
    )
    op.execute("INSERT INTO hub_mark (id, pushed_seq, pushed_at) VALUES (1, 0, '')")
    for table in SOURCES:
        op.execute(
            f'CREATE TRIGGER hub_{table}_insert AFTER INSERT ON "{table}" '
            f"BEGIN {_queue(table, 'NEW')}; END"
        )
        if table in ("payment", "shift", "cashier"):  # the others are written once
            op.execute(
                f'CREATE TRIGGER hub_{table}_update AFTER UPDATE ON "{table}" '
                f"WHEN {_changed(table)} BEGIN {_queue(table, 'NEW')}; END"
            )


def downgrade() -> None:
    for table in SOURCES:
        op.execute(f"DROP TRIGGER IF EXISTS hub_{table}_insert")
        op.execute(f"DROP TRIGGER IF EXISTS hub_{table}_update")
    op.execute("DROP TABLE hub_mark")
    op.execute("DROP TABLE hub_outbox")
