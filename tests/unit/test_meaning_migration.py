"""Migration 0011: attempts and events keep the meaning of the host's answer; old rows get one only
where their code can have meant one thing, whichever host this counter paid through."""

from __future__ import annotations

from alembic import command

from loket.store import auditkey, outbox
from loket.store.db import _alembic, make_engine, migrate, write, write_session
from tests.factories import payment, set_account


def test_old_rows_are_given_the_meaning_their_code_can_only_have(tmp_path):
    engine = make_engine(tmp_path / "old.db", auditkey.load_or_create())
    cfg = _alembic()
    with write(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0010")
    set_account(engine, "kasir1")
    with write_session(engine) as s:
        s.add(payment(state="REFUND_DUE"))
        s.commit()
    with write(engine) as conn:  # written by a loket from before 0011
        for seq, rc in enumerate(("84", "41", "100", "45", "102", "34"), 1):
            conn.exec_driver_sql(
                "INSERT INTO hostattempt (payment_id, seq, host_ref, host_tx, state, rc, message, "
                "quoted_premium, inquired_at, last_call_at, created_at, updated_at) SELECT id, ?, "
                "?, '', 'FAILED', ?, '', 0, '', '', created_at, created_at FROM payment",
                (seq, f"REF{seq}", rc),
            )
            conn.exec_driver_sql(
                "INSERT INTO paymentevent (payment_id, at, from_state, to_state, rc, message, "
                "actor) SELECT id, created_at, 'SENDING', 'FAILED', ?, '', 'forwarder' "
                "FROM payment",
                (rc,),
            )
    migrate(engine)
    with engine.connect() as conn:
        for table in ("hostattempt", "paymentevent"):
            found = dict(conn.exec_driver_sql(f"SELECT rc, meaning FROM {table}").all())
            assert found == {
                "84": "bill_changed",
                "41": "",
                "100": "auth_refused",
                "45": "ip_refused",
                "102": "ip_refused",
                "34": "",
            }
    with write(engine) as conn:  # a new event goes to the hub with its meaning
        conn.exec_driver_sql(
            "INSERT INTO paymentevent (payment_id, at, from_state, to_state, rc, message, actor, "
            "meaning) SELECT id, created_at, 'FAILED', 'REFUND_DUE', '84', '', 'forwarder', "
            "'bill_changed' FROM payment"
        )
    [event] = [r for r in outbox.pending(engine, 10_000) if r.kind == "event"][-1:]
    assert event.payload["meaning"] == "bill_changed" and event.payload["ref_id"]
    engine.dispose()


def test_down_and_up_again_keeps_the_hub_triggers(tmp_path):
    engine = make_engine(tmp_path / "down.db", auditkey.load_or_create())
    migrate(engine)
    cfg = _alembic()
    with write(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010")
    with engine.connect() as conn:
        triggers = {
            n
            for (n,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(paymentevent)")}
    assert {
        "hub_paymentevent_insert",
        "hub_hostattempt_insert",
        "hub_hostattempt_update",
    } <= triggers and "meaning" not in columns
    migrate(engine)
    engine.dispose()
