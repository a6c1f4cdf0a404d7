"""keyed audit chain: record the row from which audit hashes are HMACs

Rows written before this revision keep their unkeyed SHA-256 links and stay verifiable as they
are. This revision appends one more unkeyed row, ``audit_keyed``, that says where the keyed chain
starts and which payments were taken before the audit log existed (they have no trail to compare
with). Every row after it is an HMAC keyed with the secret outside the database (store/auditkey.py).
The scheme is frozen here on purpose: this file must verify the same way forever.

Revision ID: 0004
Revises: 0003
"""

import hashlib
import json

from alembic import op

from loket.clock import SystemClock

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    conn = op.get_bind()
    head = conn.exec_driver_sql("SELECT id, hash FROM auditentry ORDER BY id DESC LIMIT 1").first()
    row_id, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    unaudited = conn.exec_driver_sql(
        "SELECT coalesce(max(id), 0) FROM payment WHERE ref_id NOT IN ("
        " SELECT json_extract(detail, '$.ref_id') FROM auditentry"
        " WHERE action = 'payment' AND json_valid(detail))"
    ).scalar()
    at = SystemClock().now().isoformat(timespec="seconds")
    detail = json.dumps(
        {"keyed_from": row_id + 1, "scheme": "hmac-sha256", "unaudited_payments_to": unaudited},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    digest = hashlib.sha256("\n".join([prev, at, "system", "audit_keyed", detail]).encode())
    conn.exec_driver_sql(
        "INSERT INTO auditentry (id, at, actor, action, detail, prev_hash, hash) "
        "VALUES (?, ?, 'system', 'audit_keyed', ?, ?, ?)",
        (row_id, at, detail, prev, digest.hexdigest()),
    )


def downgrade() -> None:
    # The marker stays: removing a row from a hash chain is exactly what verification reports,
    # and rows after it are keyed whatever the schema says.
    pass
