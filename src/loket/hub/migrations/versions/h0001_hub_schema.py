"""the hub: every counter's payments, events and records, with a role per counter

Each table is keyed by (terminal, the counter's own key) and guarded by row-level security: a
member of ``loket_counter`` sees and writes only the rows of the terminal its role was added for
(``counter.role_name``); a member of ``loket_owner`` reads everything. Times stay ISO text in WIB,
as on the counter, so a day is the same half-open text range.

Revision ID: h0001
Revises:
"""

from alembic import op

revision = "h0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ("counter", "payment", "payment_event", "record")
GROUP_ROLES = ("loket_counter", "loket_owner")

SCHEMA = """
CREATE TABLE counter (
    terminal text PRIMARY KEY,
    role_name text NOT NULL UNIQUE,
    added_at timestamptz NOT NULL DEFAULT now(),
    pushed_seq bigint NOT NULL DEFAULT 0,
    pushed_at timestamptz,
    backlog bigint NOT NULL DEFAULT 0
);
CREATE TABLE payment (
    terminal text NOT NULL,
    ref_id text NOT NULL,
    seq bigint NOT NULL,
    local_id bigint NOT NULL,
    customer_no text NOT NULL,
    va_no text NOT NULL,
    head_name text NOT NULL,
    branch text NOT NULL,
    members text NOT NULL,
    periods text NOT NULL,
    member_count integer NOT NULL,
    month_count integer NOT NULL,
    months_ahead integer NOT NULL,
    arrears_months integer NOT NULL,
    premium bigint NOT NULL,
    admin_fee bigint NOT NULL,
    total bigint NOT NULL,
    cash bigint NOT NULL,
    change bigint NOT NULL,
    agent_price bigint NOT NULL,
    cashier_id text NOT NULL,
    state text NOT NULL,
    offline boolean NOT NULL,
    host_rc text NOT NULL,
    host_message text NOT NULL,
    host_sn text NOT NULL,
    paid_at text NOT NULL,
    print_count integer NOT NULL,
    created_at text COLLATE "C" NOT NULL,  -- ISO in WIB: byte order is time order, as in SQLite
    updated_at text COLLATE "C" NOT NULL,
    shift_id bigint,
    refund_shift_id bigint,
    PRIMARY KEY (terminal, ref_id)
);
-- the owner's day: an index-only scan of one day's range
CREATE INDEX payment_day ON payment (created_at)
    INCLUDE (terminal, cashier_id, state, total, premium, admin_fee, agent_price);
CREATE TABLE payment_event (
    terminal text NOT NULL,
    event_id bigint NOT NULL,
    seq bigint NOT NULL,
    ref_id text NOT NULL,
    at text COLLATE "C" NOT NULL,
    from_state text NOT NULL,
    to_state text NOT NULL,
    rc text NOT NULL,
    message text NOT NULL,
    actor text NOT NULL,
    PRIMARY KEY (terminal, event_id)
);
CREATE INDEX payment_event_ref ON payment_event (terminal, ref_id);
CREATE TABLE record (
    terminal text NOT NULL,
    kind text NOT NULL,
    key text NOT NULL,
    seq bigint NOT NULL,
    data jsonb NOT NULL,
    PRIMARY KEY (terminal, kind, key)
);
CREATE FUNCTION loket_terminal(who name) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$ SELECT terminal FROM public.counter WHERE role_name = who $$;
REVOKE ALL ON FUNCTION loket_terminal(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION loket_terminal(name) TO loket_counter, loket_owner;
GRANT USAGE ON SCHEMA public TO loket_counter, loket_owner;
GRANT SELECT, INSERT, UPDATE ON payment, payment_event, record TO loket_counter;
GRANT SELECT, UPDATE (pushed_seq, pushed_at, backlog) ON counter TO loket_counter;
GRANT SELECT ON counter, payment, payment_event, record TO loket_owner;
"""


def upgrade() -> None:
    for role in GROUP_ROLES:  # roles belong to the cluster: another hub may have made them
        op.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
    op.execute(SCHEMA)
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY own_terminal ON {table} TO loket_counter "
            f"USING (terminal = loket_terminal(current_user)) "
            f"WITH CHECK (terminal = loket_terminal(current_user))"
        )
        op.execute(f"CREATE POLICY owner_reads ON {table} FOR SELECT TO loket_owner USING (true)")


def downgrade() -> None:
    op.execute("DROP TABLE record, payment_event, payment, counter")
    op.execute("DROP FUNCTION loket_terminal(name)")
