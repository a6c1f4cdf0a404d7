"""A queue survives every schema upgrade and is forwarded afterwards (issue 18; Stripe Terminal's
stripe-terminal-android #731: a database migration whose recovery path dropped the offline
queue; Square asks sellers to empty the queue before upgrading — loket must not need that).

For every earlier revision of the counter's schema — read from Alembic, so a new migration is
covered the day it is written — a database is built at that revision, holding a queue as loket
of that version left it (raw SQL on that revision's own columns: payments queued offline,
recorded but not sent, refused for now, sent without an answer; their events, attempts and
audit rows where that revision kept them). It is then opened as loket opens it
(``open_database``: migrated on the way) and forwarded to the simulator over loopback: nothing
is dropped, each payment is booked once, and the audit log still holds.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from loket.clock import FixedClock, iso
from loket.domain.states import NEEDS_FORWARDING, PaymentState
from loket.store import audit, auditkey, payments, verifying
from loket.store import db as store_db
from loket.store.db import make_engine, stored_revision, write
from loket.store.opening import open_database
from loket.sync.forwarder import Forwarder
from tests.conftest import NOW, start_sim

S = PaymentState
REVISIONS = [
    r.revision
    for r in reversed(list(ScriptDirectory.from_config(store_db._alembic()).walk_revisions()))
]  # the oldest first
HEAD = REVISIONS[-1]
TAKEN = iso(NOW)
# The queue a counter may hold when it is upgraded: (state, offline, what the host said).
QUEUE = [
    (S.QUEUED, True, "", ""),
    (S.QUEUED, True, "", ""),
    (S.RECORDED, False, "", ""),
    (S.REJECTED, False, "44", "insufficient deposit"),
    (S.UNKNOWN, False, "", "Host tidak dapat dihubungi — periksa koneksi internet"),
]
READS = itertools.count(1)


@pytest.fixture(scope="module")
def sim():
    control = start_sim()
    yield control
    control.thread.stop()


@pytest.fixture(scope="module")
def families(sim):
    found = sim.call("GET", "/_sim/customers?situation=current&limit=200").json()
    return iter([c["card_no"] for c in found["data"]["customers"]])


def test_every_revision_is_covered():
    assert REVISIONS[0] == "0001" and len(REVISIONS) == len(set(REVISIONS)) >= 9


def columns(conn, table: str) -> list[str]:
    return [row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")]


def insert(conn, table: str, values: dict) -> int:
    """A row with the columns ``table`` has at this revision (a later column is left out)."""
    names = [c for c in columns(conn, table) if c in values]
    cursor = conn.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        tuple(values[c] for c in names),
    )
    return cursor.lastrowid


def audit_row(conn, revision: str, detail: dict) -> None:
    """As loket of ``revision`` audited a payment: no audit log before 0003, plain SHA-256 links
    until 0004, keyed links since."""
    if revision < "0003":
        return
    if revision >= "0004":
        audit.append(conn, TAKEN, "latihan", "payment", detail)
        return
    head = conn.exec_driver_sql(audit.HEAD).first()
    prev = head[1] if head else audit.GENESIS
    body = audit.canonical(detail)
    conn.exec_driver_sql(
        audit.INSERT,
        (
            TAKEN,
            "latihan",
            "payment",
            body,
            prev,
            audit.digest(prev, TAKEN, "latihan", "payment", body),
        ),
    )


def database_at(path: Path, revision: str, sim, numbers) -> dict[str, PaymentState]:
    """A database at ``revision`` holding a queue; the payments' ref_ids and states."""
    key = auditkey.for_database(path, new=True)[0]  # the key open_database will use
    engine = make_engine(path, key)
    cfg = store_db._alembic()
    queue = {}
    try:
        with write(engine) as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            assert (
                conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == revision
            )
            insert(
                conn,
                "cashier",
                {
                    "id": "latihan",
                    "name": "Latihan",
                    "role": "cashier",
                    "pin_hash": "x",
                    "active": 1,
                    "created_at": TAKEN,
                    "failed_pins": 0,
                    "locked_until": "",
                },
            )
            for n, (state, offline, rc, message) in enumerate(QUEUE):
                bill = sim.host().inquiry(f"INQ-M{revision}-{n}", next(numbers)).bill
                ref = f"PAY-M{revision}-{n}"
                row = payments.new_payment(
                    bill,
                    ref_id=ref,
                    admin_fee=2_500,
                    cash=bill.premium + 2_500,
                    cashier_id="latihan",
                    terminal_id="T01",
                    now=TAKEN,
                    offline=offline,
                )
                values = row.model_dump() | {
                    "state": str(state),
                    "host_rc": rc,
                    "host_message": message,
                }
                values["attempts"] = 1 if state in (S.REJECTED, S.UNKNOWN) else 0
                payment_id = insert(conn, "payment", values)
                trail = [S.QUEUED] if offline else [S.RECORDED]
                trail += [S.SENDING, state] if state in (S.REJECTED, S.UNKNOWN) else []
                for old, new in itertools.pairwise(["", *trail]):
                    insert(
                        conn,
                        "paymentevent",
                        {
                            "payment_id": payment_id,
                            "at": TAKEN,
                            "from_state": old,
                            "to_state": new,
                            "rc": rc if new == state else "",
                            "message": "",
                            "actor": "latihan",
                        },
                    )
                if state in (S.REJECTED, S.UNKNOWN) and revision >= "0006":
                    insert(
                        conn,
                        "hostattempt",
                        {  # the native host: its own ref_id
                            "payment_id": payment_id,
                            "seq": 1,
                            "host_ref": ref,
                            "host_tx": "",
                            "state": "NOT_POSTED" if state == S.REJECTED else "UNKNOWN",
                            "rc": rc,
                            "message": message,
                            "quoted_premium": 0,
                            "inquired_at": "",
                            "last_call_at": TAKEN,
                            "created_at": TAKEN,
                            "updated_at": TAKEN,
                            "may_arrive_until": "",
                        },
                    )
                audit_row(conn, revision, {"ref_id": ref, "to": str(state), "total": row.total})
                queue[ref] = state
    finally:
        engine.dispose()
    return queue


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_queue_survives_the_upgrade_from_each_revision_and_is_sent_once(
    tmp_path, sim, families, revision
):
    db = tmp_path / "loket.db"
    queue = database_at(db, revision, sim, families)
    engine = open_database(db)  # as loket starts: migrated to the newest schema on the way
    try:
        assert stored_revision(engine) == HEAD
        kept = {p.ref_id: p.state for p in payments.in_states(engine, set(S))}
        assert kept == queue  # nothing dropped, nothing changed by the upgrade
        forwarder = Forwarder(engine, sim.host(), FixedClock(NOW))
        for _ in range(5):
            forwarder.drain(force=True)
            if not payments.in_states(engine, NEEDS_FORWARDING):
                break
        sent = {p.ref_id: p.state for p in payments.in_states(engine, set(S))}
        assert sent == dict.fromkeys(queue, S.SUCCESS)
        ledger = sim.call("GET", f"/_sim/ledger?read={next(READS)}").json()["data"]["entries"]
        booked = Counter(e["ref_id"] for e in ledger if e["ref_id"] in queue)
        assert booked == Counter(set(queue))  # each once
        verdict = verifying.verify(engine)
        assert verdict.ok, [f.text for f in verdict.findings]
    finally:
        engine.dispose()
