"""the hub stores only what its readers can read; what it cannot use is set aside, never lost

Row-level security decides whose rows a counter's role may write, not what they hold: a stolen
or buggy counter could write a ``created_at`` the owner's day cannot file, ``periods`` that are
not JSON, a ``paid_at`` no one can parse, a total no sum can hold, or ANSI escapes that reach the
owner's terminal and stop the workbook — each one breaking the report of every outlet.

How: CHECK constraints on the tables themselves, over the columns as they are (times stay ISO
text in WIB, so a day is still a text range). Not a SECURITY DEFINER upsert function with
INSERT and UPDATE revoked, because
- a constraint binds every writer — the pusher, a role used around it, the administrator's own
  scripts, a restore — where a function binds only those who call it;
- a definer's function runs past row-level security and would have to decide again, itself,
  which outlet the caller is (``session_user`` against ``current_user``); the policies of h0001
  stay the one answer to that;
- the pusher keeps sending a batch as one pipelined ``executemany``.
A row a rule refuses is refused whole (an error naming the rule): the pusher then sets it aside
in the table below and goes on with the counter's other rows (hub/ingest.py). The rules are
what the readers need and no more: the shapes ``hub/ledger.py`` and the reports parse, money
that a month's sums still hold (at most 10^10 rupiah a payment), and no control or format
character in any text the owner may be shown. Control characters are stripped before sending
(the pusher cleans with domain/text.py, as the host adapters do), so an honest counter's text
is never refused for them; a role writing around the pusher is refused instead. Audit, shift
and cashier records are not read by any report: they are kept as sent (the audit log's hashes
cover their text), as long as they are JSON objects.

``set_aside``: a row the hub will not store, as it was sent, with why and when — written by the
pusher for its counter's own rows (the same row-level policies), read by the owner's reports,
which name the outlet whose rows could not be used while every other outlet's figures stand.

Existing hubs: text with control characters is cleaned in place (as the pusher would now clean
it); every row still failing a rule moves, whole, into ``set_aside`` (its ``data`` is the row as
it was stored), and the constraints are then added. ``loket hub init`` says how many moved.
A state, an attempt's state, or a time written another way needs a new revision here: the rules
keep their own copy of the domain's names, as h0002 does.

Revision ID: h0004
Revises: h0003
"""

import json

import sqlalchemy as sa
from alembic import op

from loket.domain.text import clean_json, clean_text

revision = "h0004"
down_revision = "h0003"
branch_labels = None
depends_on = None

STATES = (
    "'RECORDED', 'QUEUED', 'SENDING', 'SUCCESS', 'PENDING', 'UNKNOWN', 'REJECTED', "
    "'FAILED', 'REFUND_DUE', 'REFUNDED'"
)
ATTEMPT_STATES = (
    "'INQUIRING', 'INQUIRED', 'PAYING', 'PENDING', 'FAILING', 'UNKNOWN', "
    "'SUCCESS', 'FAILED', 'NOT_POSTED'"
)
# Unicode Cc, Cf, Co, Zl and Zp (Unicode 14, as Python 3.11 reads it): what domain/text.py drops
# or makes a space (tests/hub/test_hub_set_aside.py holds the two together)
UNPRINTABLE = (
    r"[\x01-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    r"\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ue000-\uf8ff"
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    r"\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000f0000-\U0010ffff]"
)
DAY = (
    r"(?:20[0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|20(?:[02468][048]|[13579][26])-02-29)"
)
WIB = rf"^{DAY}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\+07:00$"  # clock.iso(), 2000-2099
MONTH = '"[0-9]{4}-(?:0[1-9]|1[0-2])"'
MONTHS = rf"^\[[ \t\n\r]*(?:{MONTH}(?:[ \t\n\r]*,[ \t\n\r]*{MONTH})*)?[ \t\n\r]*\]$"
NO_MEMBERS = r"^\[[ \t\n\r]*\]$"
MAX_MONEY = 10_000_000_000


def _is(signature: str, expression: str) -> str:
    """A rule as a function. PL/pgSQL, not SQL: a constraint calling an SQL function inlines it
    (parses its body again) on every statement, and the pusher's ``executemany`` is a statement
    per row — five times the cost of a batch; PL/pgSQL keeps each expression planned per
    session."""
    return (
        f"CREATE FUNCTION {signature} RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL "
        f"SAFE AS $$ BEGIN RETURN coalesce({expression}, false); END $$;\n"
    )


FUNCTIONS = (
    _is("loket_printable(t text)", f"t !~ '{UNPRINTABLE}'")
    + _is("loket_text(t text, n integer)", f"length(t) <= n AND t !~ '{UNPRINTABLE}'")
    + _is("loket_outlet(t text)", "t ~ '^[A-Za-z0-9_-]{1,32}$'")  # schema.TERMINAL
    + _is("loket_ref(t text)", "t ~ '^[!-~]{1,64}$'")
    + _is("loket_wib(t text)", f"t ~ '{WIB}'")
    + _is("loket_months(t text)", f"length(t) <= 2000 AND t ~ '{MONTHS}'")
    + _is("loket_int(v jsonb)", "jsonb_typeof(v) = 'number' AND v::text ~ '^-?[0-9]{1,15}$'")
    + _is(
        "loket_string(v jsonb, n integer)",
        "jsonb_typeof(v) = 'string' AND loket_text(v #>> '{}', n)",
    )
    + _is(
        "loket_deposit(k text, d jsonb)",
        """jsonb_typeof(d) = 'object'
        AND loket_int(d -> 'id') AND d ->> 'id' = k AND loket_wib(d ->> 'at')
        AND (coalesce(jsonb_typeof(d -> 'balance'), 'null') = 'null' OR loket_int(d -> 'balance'))
        AND loket_int(d -> 'change') AND (coalesce(jsonb_typeof(d -> 'ref_id'), 'null') = 'null'
                                          OR loket_string(d -> 'ref_id', 64))""",
    )
    + _is(
        "loket_attempt(k text, d jsonb)",
        f"""jsonb_typeof(d) = 'object'
        AND loket_int(d -> 'id') AND d ->> 'id' = k AND loket_int(d -> 'payment_id')
        AND loket_int(d -> 'seq') AND d ->> 'seq' ~ '^[1-9]'
        AND loket_int(d -> 'quoted_premium') AND d ->> 'quoted_premium' !~ '^-'
        AND jsonb_typeof(d -> 'state') = 'string' AND d ->> 'state' IN ({ATTEMPT_STATES})
        AND loket_string(d -> 'host_ref', 2000) AND loket_string(d -> 'host_tx', 2000)
        AND loket_string(d -> 'rc', 2000) AND loket_string(d -> 'message', 2000)
        AND jsonb_typeof(d -> 'ref_id') = 'string' AND loket_ref(d ->> 'ref_id')
        AND (SELECT bool_and(jsonb_typeof(d -> c) = 'string'
                             AND (d ->> c = '' OR loket_wib(d ->> c)))
             FROM unnest(ARRAY['inquired_at', 'last_call_at', 'created_at', 'updated_at']) AS c)""",
    )
    + f"""CREATE FUNCTION loket_members(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE j jsonb;
BEGIN
    IF t IS NULL OR length(t) > 100000 THEN RETURN false; END IF;
    IF t ~ '{NO_MEMBERS}' THEN RETURN true; END IF;  -- a count-only host's: nothing to parse
    BEGIN
        j := t::jsonb;
    EXCEPTION WHEN others THEN  -- not JSON (or nested past what the server parses)
        RETURN false;
    END;
    RETURN coalesce(jsonb_typeof(j) = 'array' AND jsonb_array_length(j) <= 50 AND NOT EXISTS (
        SELECT 1 FROM jsonb_array_elements(j) AS m(v) WHERE NOT coalesce(
            jsonb_typeof(v) = 'object' AND loket_string(v -> 'card_no', 64)
            AND loket_string(v -> 'name', 2000) AND loket_int(v -> 'class')
            AND (v ->> 'class') ~ '^[0-3]$', false)), false);
END $$;
"""
)
TERMINAL = "loket_outlet(terminal)"
REF = "loket_ref(ref_id)"


def _all(template: str, columns) -> str:
    return " AND ".join(template.format(c) for c in columns)


# table -> rule name -> what every row must satisfy (the readers' needs, hub/ledger.py's first)
RULES = {
    "payment": {
        "payment_terminal": TERMINAL,
        "payment_ref_id": REF,
        "payment_local_id": "local_id > 0",
        "payment_created_at": "loket_wib(created_at)",
        "payment_updated_at": "loket_wib(updated_at)",
        "payment_paid_at": "paid_at = '' OR loket_wib(paid_at)",
        "payment_state": f"state IN ({STATES})",
        "payment_periods": "loket_months(periods)",
        "payment_members": "loket_members(members)",
        "payment_money": _all(
            '"{}" BETWEEN 0 AND ' + str(MAX_MONEY),
            ("premium", "admin_fee", "total", "cash", "change", "agent_price"),
        ),
        "payment_counts": _all(
            "{} BETWEEN 0 AND 100000",
            ("member_count", "month_count", "months_ahead", "arrears_months", "print_count"),
        ),
        "payment_cashier_id": "cashier_id <> '' AND loket_text(cashier_id, 32)",
        "payment_text": _all(
            "loket_text({}, 2000)",
            ("customer_no", "va_no", "head_name", "branch", "host_rc", "host_message", "host_sn"),
        ),
    },
    "payment_event": {
        "payment_event_terminal": TERMINAL,
        "payment_event_ref_id": REF,
        "payment_event_at": "loket_wib(at)",
        "payment_event_state": f"to_state IN ({STATES}) AND (from_state = '' OR "
        f"from_state IN ({STATES}))",
        "payment_event_text": _all("loket_text({}, 2000)", ("rc", "message", "actor")),
    },
    "record": {
        "record_terminal": TERMINAL,
        "record_kind": "kind ~ '^[a-z_]{1,32}$'",
        "record_key": "key ~ '^[!-~]{1,200}$'",
        "record_data": "jsonb_typeof(data) = 'object'",
        "record_deposit": "kind <> 'deposit' OR loket_deposit(key, data)",
        "record_attempt": "kind <> 'attempt' OR loket_attempt(key, data)",
    },
}
COUNTER_RULES = {
    "counter_settlement": "settlement IS NULL OR settlement IN ('deposit', 'postpaid')",
    "counter_host_account": "host_account IS NULL OR loket_text(host_account, 200)",
    "counter_numbers": "backlog >= 0 AND pushed_seq >= 0",
}
SET_ASIDE = """
CREATE TABLE set_aside (  -- the row as it was sent or stored: only counted, never shown
    terminal text NOT NULL,
    kind text NOT NULL,  -- payment | event | a record's kind
    key text NOT NULL,
    seq bigint NOT NULL,
    claimed_at text NOT NULL,  -- the row's own time, as it says it
    data jsonb NOT NULL,
    reason text NOT NULL CONSTRAINT set_aside_reason CHECK (loket_text(reason, 500)),
    set_aside_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (terminal, kind, key)
);
ALTER TABLE set_aside ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_terminal ON set_aside TO loket_counter
    USING (terminal = loket_terminal(current_user))
    WITH CHECK (terminal = loket_terminal(current_user));
CREATE POLICY owner_reads ON set_aside FOR SELECT TO loket_owner USING (true);
GRANT SELECT, INSERT, UPDATE ON set_aside TO loket_counter;
GRANT SELECT ON set_aside TO loket_owner;
"""
# what moves into set_aside from each table: its kind, its key, its own time
MOVED = {
    "payment": ("'payment'", "ref_id", "created_at"),
    "payment_event": ("'event'", "event_id::text", "at"),
    "record": ("kind", "key", "coalesce(data ->> 'at', data ->> 'created_at', '')"),
}
# the texts the owner may be shown, cleaned in place where they hold control characters
TEXTS = {
    "payment": (
        "customer_no",
        "va_no",
        "head_name",
        "branch",
        "cashier_id",
        "host_rc",
        "host_message",
        "host_sn",
    ),
    "payment_event": ("rc", "message", "actor"),
}
KEYS = {
    "payment": ("terminal", "ref_id"),
    "payment_event": ("terminal", "event_id"),
    "record": ("terminal", "kind", "key"),
    "counter": ("terminal",),
}


def _sql(statement: str) -> None:
    """As written: the regular expressions hold colons SQLAlchemy's text() would take for
    parameters (``(?:20…``)."""
    op.get_bind().exec_driver_sql(statement)


def _update(conn, table: str, row, changes: dict) -> None:
    keys = KEYS[table]
    where = " AND ".join(f'"{k}" = :k_{k}' for k in keys)
    sets = ", ".join(f'"{c}" = :{c}' for c in changes)
    conn.execute(
        sa.text(f"UPDATE {table} SET {sets} WHERE {where}"),
        {**changes, **{f"k_{k}": getattr(row, k) for k in keys}},
    )


def _clean_stored(conn) -> None:
    """Control characters in stored text removed as the pusher now removes them before sending:
    the row stays, only what no screen should receive goes."""
    for table, columns in TEXTS.items():
        found = " OR ".join(f'NOT loket_printable("{c}")' for c in columns)
        for row in conn.execute(sa.text(f"SELECT * FROM {table} WHERE {found}")).all():
            _update(conn, table, row, {c: clean_text(getattr(row, c)) for c in columns})
    for row in conn.execute(sa.text("SELECT * FROM payment WHERE NOT loket_members(members)")):
        try:
            members = json.loads(row.members)
        except ValueError:
            continue  # not JSON: set aside below
        if (cleaned := clean_json(members)) != members:
            _update(conn, "payment", row, {"members": json.dumps(cleaned)})
    for row in conn.execute(
        sa.text(
            "SELECT * FROM record WHERE kind IN ('deposit', 'attempt') AND CASE WHEN "
            "jsonb_typeof(data) = 'object' THEN EXISTS (SELECT 1 FROM jsonb_each_text(data) e "
            "WHERE NOT loket_printable(e.value)) ELSE false END"
        )
    ).all():
        _update(conn, "record", row, {"data": json.dumps(clean_json(row.data))})
    for row in conn.execute(sa.text(f"SELECT * FROM counter WHERE NOT ({_passes(COUNTER_RULES)})")):
        account = row.host_account and (clean_text(row.host_account, 200) or None)
        settlement = row.settlement if row.settlement in ("deposit", "postpaid") else None
        _update(
            conn,
            "counter",
            row,
            {
                "host_account": account,
                "settlement": settlement,
                "backlog": max(row.backlog, 0),
                "pushed_seq": max(row.pushed_seq, 0),
            },
        )


def _passes(rules: dict) -> str:
    return " AND ".join(f"coalesce({rule}, true)" for rule in rules.values())


def _set_aside(table: str) -> None:
    """Every row failing a rule moves whole into set_aside, with the first rule it fails."""
    kind, key, at = MOVED[table]
    why = " ".join(
        f"WHEN NOT coalesce({rule}, true) THEN '{name}'" for name, rule in RULES[table].items()
    )
    _sql(
        f"WITH bad AS (DELETE FROM {table} WHERE NOT ({_passes(RULES[table])}) "
        f"RETURNING *) INSERT INTO set_aside (terminal, kind, key, seq, claimed_at, data, "
        f"reason) SELECT terminal, {kind}, {key}, seq, {at}, to_jsonb(bad), "
        f"'tersimpan sebelum h0004: ' || CASE {why} END FROM bad"
    )


def upgrade() -> None:
    _sql(FUNCTIONS)
    _sql(SET_ASIDE)
    _clean_stored(op.get_bind())
    for table, rules in RULES.items():
        _set_aside(table)
        for name, rule in rules.items():
            _sql(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({rule})")
    for name, rule in COUNTER_RULES.items():
        _sql(f"ALTER TABLE counter ADD CONSTRAINT {name} CHECK ({rule})")


def downgrade() -> None:
    # what was set aside has nowhere to go back to: refused rather than dropped
    _sql(
        "DO $$ BEGIN IF EXISTS (SELECT FROM set_aside) THEN RAISE EXCEPTION "
        "'set_aside holds rows: move or delete them first'; END IF; END $$"
    )
    for table, rules in (*RULES.items(), ("counter", COUNTER_RULES)):
        _sql(f"ALTER TABLE {table} " + ", ".join(f"DROP CONSTRAINT {n}" for n in rules))
    _sql("DROP TABLE set_aside")
    _sql(
        "DROP FUNCTION loket_attempt, loket_deposit, loket_members, loket_string, loket_int, "
        "loket_months, loket_wib, loket_ref, loket_outlet, loket_text, loket_printable"
    )
