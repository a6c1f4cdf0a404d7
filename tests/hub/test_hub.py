"""A counter's ledger in the hub: created by `hub init`, pushed exactly once, however it dies."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from loket.hub import schema
from loket.hub.connect import HubError
from loket.service.hub import desk as hub_desk
from loket.store import outbox, payments
from tests.hub.helpers import admin, counter, hub_rows, pay


@pytest.fixture
def t01(tmp_path, sim, hub, hub_url):
    schema.add_counter(hub, "T01")
    rt, desk = counter(tmp_path, sim, "T01", hub_url)
    yield rt, desk
    desk.close()
    rt.close()


def _local(rt) -> dict[str, tuple[str, int, str]]:
    return {
        p.ref_id: (str(p.state), p.total, p.host_sn)
        for p in payments.in_states(rt.engine, set(payments.PaymentState))
    }


def _hub_payments(hub, terminal: str) -> dict[str, tuple[str, int, str]]:
    with hub.connect() as conn:
        rows = conn.execute(
            text("SELECT ref_id, state, total, host_sn FROM payment WHERE terminal = :t"),
            {"t": terminal},
        ).all()
    return {ref: (state, total, sn) for ref, state, total, sn in rows}


def test_init_creates_the_schema_once_and_again_changes_nothing(hub, hub_url):
    hub_desk.init_hub(None, hub_url)  # a second init is an upgrade to the same head
    with hub.connect() as conn:
        tables = {
            t
            for (t,) in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
        }
        version = conn.execute(text("SELECT version_num FROM loket_hub_version")).scalar()
        secured = conn.execute(
            text(
                "SELECT count(*) FROM pg_class WHERE relrowsecurity AND "
                "relname IN ('counter','payment','payment_event','record')"
            )
        )
    assert {"counter", "payment", "payment_event", "record", "loket_hub_version"} <= tables
    assert version == "h0005" and secured.scalar() == 4


def test_a_counters_payments_and_events_arrive_once_and_a_second_push_sends_nothing(t01, hub):
    rt, desk = t01
    for number in ("0001000000011", "0001000000029"):
        pay(rt, number)
    assert desk.backlog().count > 0
    assert desk.push() > 0
    assert desk.backlog().count == 0
    assert _hub_payments(hub, "T01") == _local(rt)
    events = sum(len(payments.events(rt.engine, ref)) for ref in _local(rt))
    assert len(hub_rows(hub, "payment_event", "T01")) == events
    kinds = {row[0] for row in hub_rows(hub, "record", "T01")}  # (kind, key, seq)
    assert {"audit", "shift", "cashier"} <= kinds
    before = {t: hub_rows(hub, t, "T01") for t in ("payment", "payment_event", "record")}
    assert desk.push() == 0
    assert {t: hub_rows(hub, t, "T01") for t in before} == before
    assert desk.check("2026-11-21") == []


def test_a_counter_that_paid_before_it_had_a_hub_sends_its_whole_history_first(t01, hub):
    rt, desk = t01
    pay(rt, "0001000000011")
    outbox.forget(rt.engine, "2026-11-21T10:00:00+07:00")  # as a counter without [hub] does
    assert desk.backlog().count == 0
    desk.push()
    assert _hub_payments(hub, "T01") == _local(rt)
    audit_rows = {row[1] for row in hub_rows(hub, "record", "T01") if row[0] == "audit"}
    with rt.engine.connect() as conn:
        local_audit = {str(i) for (i,) in conn.exec_driver_sql("SELECT id FROM auditentry")}
    assert audit_rows == local_audit  # 0004's first row included, written before the triggers
    assert desk.push() == 0  # the hub has heard from it now: no second history


def test_a_crash_after_the_hub_commits_and_before_the_mark_moves_sends_the_batch_again(t01, hub):
    rt, desk = t01
    pay(rt, "0001000000011")
    pusher = desk.pusher()
    pusher.batch = 5

    def crash(_seq):
        raise SystemExit("killed between the hub's commit and the mark")

    pusher.after_commit = crash
    pusher.join()  # the first push queues the history first: count after it
    waiting = desk.backlog().count
    with pytest.raises(SystemExit):
        pusher.push()
    assert desk.backlog().count == waiting  # the mark did not move: the batch is still here
    pay(rt, "0001000000029")  # the counter carried on meanwhile
    pusher.after_commit = lambda _seq: None
    pusher.push()
    assert desk.backlog().count == 0
    assert _hub_payments(hub, "T01") == _local(rt)
    with hub.connect() as conn:
        dupes = conn.execute(
            text("SELECT count(*) - count(DISTINCT (terminal, ref_id)) FROM payment")
        ).scalar()
    assert dupes == 0


def test_a_hub_restored_from_an_older_backup_is_made_whole_by_resending(t01, hub):
    rt, desk = t01
    pay(rt, "0001000000011")
    desk.push()
    pay(rt, "0001000000029")
    desk.push()
    with hub.begin() as conn:  # the hub's disk died; its backup predates the second payment
        newest = conn.execute(text("SELECT max(ref_id) FROM payment")).scalar()
        conn.execute(text("DELETE FROM payment WHERE ref_id = :r"), {"r": newest})
        conn.execute(text("DELETE FROM payment_event WHERE ref_id = :r"), {"r": newest})
    assert desk.check("2026-11-21")[0].text.endswith("belum ada di hub")
    assert desk.resend() > 0
    desk.push()
    assert desk.check("2026-11-21") == []
    assert _hub_payments(hub, "T01") == _local(rt)
    events = sum(len(payments.events(rt.engine, ref)) for ref in _local(rt))
    assert len(hub_rows(hub, "payment_event", "T01")) == events


def test_an_older_version_arriving_late_never_overwrites_a_newer_one(t01, hub):
    rt, desk = t01
    paid = pay(rt, "0001000000011")
    rows = outbox.pending(rt.engine, 10_000)
    versions = [r for r in rows if r.kind == "payment" and r.key == paid.ref_id]
    assert len(versions) >= 2  # recorded, sending, success
    desk.push()
    from loket.hub.ingest import PAYMENT_COLUMNS, UPSERT_PAYMENT, batch

    stale = [row.params for row in batch("T01", [versions[0]]).rows]
    with hub.begin() as conn:
        conn.connection.driver_connection.cursor().executemany(UPSERT_PAYMENT, stale)
    assert _hub_payments(hub, "T01")[paid.ref_id][0] == "SUCCESS"
    # a counter restored from a backup numbers its outbox lower again: a later change still wins
    restored = list(stale[0])
    restored[2] = 1  # seq
    restored[3 + 1 + list(PAYMENT_COLUMNS).index("state")] = "REFUND_DUE"
    restored[3 + 1 + list(PAYMENT_COLUMNS).index("updated_at")] = "2026-11-22T09:00:00+07:00"
    with hub.begin() as conn:
        conn.connection.driver_connection.cursor().executemany(UPSERT_PAYMENT, [restored])
    assert _hub_payments(hub, "T01")[paid.ref_id][0] == "REFUND_DUE"


def test_a_hub_that_cannot_be_reached_is_one_line_and_a_growing_outbox(tmp_path, sim, hub_url):
    down = hub_url.replace("port=", "port=1")  # nothing listens there
    rt, desk = counter(tmp_path, sim, "T09", down)
    try:
        pay(rt, "0001000000011")
        waiting = desk.backlog().count
        with pytest.raises(HubError, match="Hub tidak dapat dihubungi"):
            desk.push()
        paid = pay(rt, "0001000000029")  # the counter does not notice
        assert paid.state == "SUCCESS"
        assert desk.backlog().count > waiting
    finally:
        desk.close()
        rt.close()


def test_a_counter_not_added_to_the_hub_is_told_so(tmp_path, sim, hub, hub_url):
    rt, desk = counter(tmp_path, sim, "T77", hub_url)  # the superuser, but no counter row
    try:
        pay(rt, "0001000000011")
        with pytest.raises(HubError, match="belum didaftarkan"):
            desk.push()
        assert desk.backlog().count > 0
    finally:
        desk.close()
        rt.close()


def test_the_forwarders_process_pushes_to_the_hub_beside_forwarding(t01, hub, monkeypatch):
    import time

    from loket.service import forwarding as runner

    rt, desk = t01
    monkeypatch.setattr(runner, "IDLE_POLL_S", 0.2)
    pay(rt, "0001000000011")
    deadline = time.monotonic() + 30
    said = []
    code = runner.run_sync(
        rt, out=said.append, stop=lambda: desk.backlog().count == 0 or time.monotonic() > deadline
    )
    assert code == 0
    assert desk.backlog().count == 0
    assert _hub_payments(hub, "T01") == _local(rt)


def test_a_forwarder_without_the_hubs_password_still_forwards(t01, monkeypatch):
    from loket.service import forwarding as runner

    rt, desk = t01
    monkeypatch.delenv("LOKET_HUB_PASSWORD")
    assert desk.start_pushing() is None  # logged; nothing to stop
    said: list[str] = []
    pay(rt, "0001000000011")
    assert runner.run_sync(rt, once=True, out=said.append) == 0
    assert said[-1].startswith("Hub: ") and "antrean hub" in said[-1]
    assert desk.backlog().count > 0  # kept for the next run


def test_sync_once_from_cron_pushes_to_the_hub_too(t01, hub):
    """The README's cron line is `loket sync --once`: it must not leave the hub behind."""
    from loket.service import forwarding as runner

    rt, desk = t01
    pay(rt, "0001000000011")
    said: list[str] = []
    assert runner.run_sync(rt, once=True, out=said.append) == 0
    assert desk.backlog().count == 0 and said[-1].endswith("antrean hub 0")
    assert _hub_payments(hub, "T01") == _local(rt)


async def test_the_counter_screen_pushes_to_the_hub_while_it_is_open(t01, hub):
    import asyncio

    from loket.tui.app import LoketApp

    rt, desk = t01
    pay(rt, "0001000000011")
    app = LoketApp(rt, background=True, blink=False)
    async with app.run_test() as pilot:
        for _ in range(200):
            if desk.backlog().count == 0:
                break
            await asyncio.sleep(0.1)
        await pilot.pause()
        assert app.forwarding.pushing  # the window's own thread, beside its forwarder
    assert desk.backlog().count == 0
    assert _hub_payments(hub, "T01") == _local(rt)
    assert not app.forwarding.pushing  # stopped with the window


def test_the_status_line_is_told_how_much_the_hub_has_not_got(t01):
    rt, desk = t01
    pay(rt, "0001000000011")
    assert rt.health().hub_waiting == desk.backlog().count > 0
    desk.push()
    assert rt.health().hub_waiting == 0


def test_every_reconcile_lookup_is_answered_by_an_index(hub_url):
    """On a hub of millions of rows, a lookup without its index reads them all: each query
    ``loket hub reconcile`` makes must be one an index can answer (h0003)."""
    from loket.hub import ledger

    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    refs = {"refs": ["PAY-X"], "terminals": ["T01"], "start": "2026-11-21", "end": "2026-11-22"}
    try:
        with root.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: ask what could be
            for query, index in (
                (ledger.BY_REF, "payment_ref"),
                (ledger.ATTEMPTS, "record_attempt_ref"),
                (ledger.BY_HOST_REF, "record_attempt_host_ref"),
                (ledger.DAY, "payment_day"),
            ):
                plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {query.text}"), refs))
                assert index in plan, (index, plan)
                assert "Seq Scan" not in plan, plan
    finally:
        root.dispose()


def test_a_hub_older_than_this_loket_says_to_run_hub_init(hub_url):
    """loket upgraded, the hub not: one line that says what to do, not a bare SQL error."""
    from datetime import date

    from loket.service.hub.dashboard import HubView

    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    try:
        with root.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE counter DROP COLUMN host_account")
        with pytest.raises(HubError) as raised:
            HubView(root).day(date(2026, 11, 21))
        assert "Skema hub lebih lama" in str(raised.value)
        assert "loket hub init" in str(raised.value)
    finally:
        root.dispose()
