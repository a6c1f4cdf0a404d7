"""The outbox is written with what it copies, and only with it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from loket.store import outbox, shifts
from loket.store.db import write, write_session
from loket.store.opening import open_database
from tests.factories import payment, set_account

SOURCES = ("payment", "paymentevent", "shift", "deposit", "auditentry", "cashier", "hostattempt")


@pytest.fixture
def engine(tmp_path):
    engine = open_database(tmp_path / "loket.db")
    yield engine
    engine.dispose()


def _kinds(engine):
    return [(r.kind, r.key) for r in outbox.pending(engine, 10_000)]


def test_every_source_table_has_its_triggers(engine):
    with engine.connect() as conn:
        triggers = {
            name
            for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
    for table in SOURCES:
        assert f"hub_{table}_insert" in triggers
    assert {
        "hub_payment_update",
        "hub_shift_update",
        "hub_cashier_update",
        "hub_hostattempt_update",
    } <= triggers


def test_a_payment_and_its_changes_are_queued_in_their_transaction(engine):
    set_account(engine, "kasir1")
    shift = shifts.open_shift(engine, "kasir1", 100_000, "2026-11-21T08:00:00+07:00")
    before = len(outbox.pending(engine, 10_000))
    with write_session(engine) as s:
        s.add(payment(state="QUEUED", shift_id=shift.id))
        s.commit()
    rows = outbox.pending(engine, 10_000)[before:]
    assert [(r.kind, r.key) for r in rows] == [("payment", "PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA")]
    assert rows[0].payload["total"] == 752_500 and rows[0].payload["state"] == "QUEUED"
    assert "pin_hash" not in str(outbox.pending(engine, 10_000))

    with write(engine) as conn:  # the same state written again is no change
        conn.execute(text("UPDATE payment SET state = 'QUEUED', attempts = attempts + 1"))
    assert len(outbox.pending(engine, 10_000)) == before + 1
    with write(engine) as conn:
        conn.execute(text("UPDATE payment SET state = 'SUCCESS'"))
    assert outbox.pending(engine, 10_000)[-1].payload["state"] == "SUCCESS"


def test_a_rolled_back_write_leaves_no_outbox_row(engine):
    set_account(engine, "kasir1")
    before = _kinds(engine)
    with pytest.raises(RuntimeError), write_session(engine) as s:
        s.add(payment(state="QUEUED"))
        s.flush()
        assert len(_kinds(engine)) == len(before)  # another connection sees nothing yet
        raise RuntimeError("power cut")
    assert _kinds(engine) == before


def test_the_mark_only_moves_forward_and_forgets_what_it_covers(engine):
    set_account(engine, "kasir1")
    rows = outbox.pending(engine, 10_000)
    assert rows, "creating an account is queued"
    last = rows[-1].seq
    outbox.mark_pushed(engine, last, "2026-11-21T10:00:00+07:00")
    assert outbox.pending(engine) == []
    outbox.mark_pushed(engine, last - 1, "2026-11-21T10:01:00+07:00")  # a slower pusher
    assert outbox.backlog(engine).pushed_seq == last
    set_account(engine, "kasir2")
    assert outbox.backlog(engine).count == 2  # the account and its audit row
    assert {r.kind for r in outbox.pending(engine)} == {"cashier", "audit"}
    assert outbox.pending(engine)[0].seq > last  # AUTOINCREMENT: a seq is never reused


def test_requeue_copies_what_the_migration_copies(engine):
    import importlib

    first = importlib.import_module("loket.store.migrations.versions.0007_hub_outbox")
    attempts = importlib.import_module("loket.store.migrations.versions.0008_hub_outbox_attempts")
    meaning = importlib.import_module("loket.store.migrations.versions.0011_host_meaning")
    assert outbox.SOURCES == {**first.SOURCES, **attempts.SOURCES, **meaning.SOURCES}
    for migration in (first, attempts, meaning):
        for table, extra in migration.EXTRA.items():
            assert outbox.EXTRA[table] == extra.format(row="t")


def test_requeue_queues_every_row_again_as_it_is_now(engine):
    set_account(engine, "kasir1")
    with write_session(engine) as s:
        s.add(payment(state="QUEUED"))
        s.commit()
    with write(engine) as conn:
        conn.execute(text("UPDATE payment SET state = 'SUCCESS'"))
    first = outbox.pending(engine, 10_000)
    outbox.mark_pushed(engine, first[-1].seq, "2026-11-21T10:00:00+07:00")
    queued = outbox.requeue_all(engine)
    again = outbox.pending(engine, 10_000)
    assert queued == len(again) > 0 and again[0].seq > first[-1].seq
    latest = {(r.kind, r.key): r.payload for r in first}  # the newest version of each row
    now = {(r.kind, r.key): r.payload for r in again}
    assert {k: v for k, v in now.items() if k in latest} == latest
    assert set(now) - set(latest) == {("audit", "1")}  # written by 0004, before the triggers


def test_an_attempt_and_its_changes_are_queued_with_their_payments_ref(engine):
    from loket.domain.attempts import AttemptState
    from loket.store import payments
    from loket.store.changes import AttemptChange, NewAttempt
    from loket.store.writing import Writing

    set_account(engine, "kasir1")
    with write_session(engine) as s:
        s.add(payment(state="QUEUED"))
        s.commit()
    paid = payments.get(engine, "PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA")
    with Writing(engine) as w:
        made = w.add_attempt(
            paid.id, NewAttempt("01JHOSTREF", AttemptState.INQUIRING, "2026-11-21T10:00:00+07:00")
        )
    with Writing(engine) as w:
        w.change_attempt(made.id, AttemptChange(state=AttemptState.INQUIRED, host_tx="TX9"))
    queued = [r for r in outbox.pending(engine, 10_000) if r.kind == "attempt"]
    assert [(r.key, r.payload["state"]) for r in queued] == [
        (str(made.id), "INQUIRING"),
        (str(made.id), "INQUIRED"),
    ]
    assert queued[-1].payload["ref_id"] == paid.ref_id
    assert queued[-1].payload["host_ref"] == "01JHOSTREF" and queued[-1].payload["host_tx"] == "TX9"
    outbox.mark_pushed(engine, queued[-1].seq, "2026-11-21T10:01:00+07:00")
    outbox.requeue_all(engine)
    assert [r.payload["state"] for r in outbox.pending(engine, 10_000) if r.kind == "attempt"] == [
        "INQUIRED"
    ]


def test_attempts_made_before_0008_are_queued_by_it(tmp_path):
    from alembic import command

    from loket.store import auditkey
    from loket.store.db import _alembic, make_engine, migrate

    engine = make_engine(tmp_path / "old.db", auditkey.load_or_create())
    cfg = _alembic()
    with write(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    set_account(engine, "kasir1")
    with write_session(engine) as s:
        s.add(payment(state="UNKNOWN"))
        s.commit()
    with write(engine) as conn:  # an attempt written by a loket from before 0008
        conn.exec_driver_sql(
            "INSERT INTO hostattempt (payment_id, seq, host_ref, host_tx, state, rc, message, "
            "quoted_premium, inquired_at, last_call_at, created_at, updated_at) SELECT id, 1, "
            "'01JOLDREF', '', 'UNKNOWN', '', '', 0, '', '', created_at, created_at FROM payment"
        )
    assert "attempt" not in {r.kind for r in outbox.pending(engine, 10_000)}
    migrate(engine)
    [old] = [r for r in outbox.pending(engine, 10_000) if r.kind == "attempt"]
    assert old.payload["host_ref"] == "01JOLDREF"
    assert old.payload["ref_id"] == "PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA"
    engine.dispose()
