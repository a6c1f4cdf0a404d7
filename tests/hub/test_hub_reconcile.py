"""The owner reconciles every outlet's day from the hub against the host: two counters pay
against one simulator, push, and each difference is found with the outlet it belongs to."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from loket.domain.states import PaymentState
from loket.hub import schema
from loket.hub.connect import HubError
from loket.service.hub import reconcile as hub_reconcile
from loket.store.db import write
from tests.hub.helpers import counter, pay

S = PaymentState
DAY = date(2026, 11, 21)


@pytest.fixture
def outlets(tmp_path, sim, hub, hub_url):
    made = {}
    for terminal in ("T01", "T02"):
        schema.add_counter(hub, terminal)
        made[terminal] = counter(tmp_path, sim, terminal, hub_url)
    yield made
    for rt, desk in made.values():
        desk.close()
        rt.close()


def found(hub, sim) -> hub_reconcile.OutletsReconciliation:
    host = sim.host()
    try:
        return hub_reconcile.reconcile(hub, host, DAY)
    finally:
        host.close()


def kinds(result) -> set[tuple[str, str, str]]:
    return {(d.terminal, d.ref_id, d.kind) for d in result.differences}


def test_two_outlets_that_pushed_everything_reconcile_with_no_difference(outlets, hub, sim):
    (t01, d01), (t02, d02) = outlets["T01"], outlets["T02"]
    paid = [pay(t01, "0001000000011"), pay(t01, "0001000000029"), pay(t02, "0001000000037")]
    assert {p.state for p in paid} == {S.SUCCESS}
    d01.push()
    d02.push()
    result = found(hub, sim)
    assert result.differences == [] and result.result.host_ledger
    assert {(p["terminal"], p["ref_id"], p["host_state"]) for p in result.result.payments} == {
        (t, p.ref_id, "success") for t, p in zip(("T01", "T01", "T02"), paid, strict=True)
    }
    assert {t: (o.payments, o.differences, o.behind) for t, o in result.outlets.items()} == {
        "T01": (2, 0, False),
        "T02": (1, 0, False),
    }


def test_what_the_host_booked_from_an_outlet_that_never_pushed(outlets, hub, sim):
    (t01, d01), (t02, _d02) = outlets["T01"], outlets["T02"]
    pay(t01, "0001000000011")
    unpushed = pay(t02, "0001000000029")
    d01.push()
    result = found(hub, sim)
    assert kinds(result) == {
        ("", unpushed.ref_id, "host_booked_not_local"),
        ("T02", "", "outlet_behind"),
    }
    [booked] = [d for d in result.differences if d.kind == "host_booked_not_local"]
    assert booked.host_amount == unpushed.premium and unpushed.host_sn in booked.detail
    assert "belum mengirim semua (T02)" in booked.detail
    [late] = [d for d in result.differences if d.kind == "outlet_behind"]
    assert late.detail == "T02 belum pernah mengirim ke hub"
    assert result.outlets["T02"].behind and not result.outlets["T01"].behind
    assert result.outlets["T02"].differences == 1 and result.outlets["T01"].differences == 0


def test_an_outlet_whose_payment_the_hub_set_aside_is_named(outlets, hub, sim):
    """A counter's bug wrote months the hub cannot read: the hub sets the payment aside, the
    host's booking of it has no outlet in the hub, and the outlet is named as behind."""
    (t01, d01), (t02, d02) = outlets["T01"], outlets["T02"]
    pay(t01, "0001000000011")
    unread = pay(t02, "0001000000029")
    with write(t02.engine) as conn:
        conn.exec_driver_sql(
            "UPDATE payment SET periods = 'rusak' WHERE ref_id = ?", (unread.ref_id,)
        )
    d01.push()
    d02.push()
    result = found(hub, sim)
    assert kinds(result) == {
        ("", unread.ref_id, "host_booked_not_local"),
        ("T02", "", "outlet_behind"),
    }
    [booked] = [d for d in result.differences if d.kind == "host_booked_not_local"]
    assert "belum mengirim semua (T02)" in booked.detail
    [late] = [d for d in result.differences if d.kind == "outlet_behind"]
    assert late.detail == "T02 mengirim 1 baris yang tidak terbaca hub (disisihkan)"
    assert result.outlets["T02"].behind and not result.outlets["T01"].behind


def test_an_outlet_whose_last_push_left_a_queue_is_behind(outlets, hub, sim):
    (t01, d01), (t02, d02) = outlets["T01"], outlets["T02"]
    pay(t01, "0001000000011")
    pay(t02, "0001000000029")
    d01.push()
    pusher = d02.pusher()
    pusher.batch = 1
    pusher.join()
    pusher.push_batch()  # one row of many: the hub is told how many still wait
    result = found(hub, sim)
    [late] = [d for d in result.differences if d.kind == "outlet_behind"]
    waiting = result.outlets["T02"].backlog
    assert late.terminal == "T02" and waiting > 0
    assert late.detail.startswith("T02 terakhir mengirim ") and late.detail.endswith(
        f", antrean {waiting}"
    )


def test_each_difference_is_found_at_its_outlet(outlets, hub, sim):
    (t01, d01), (t02, d02) = outlets["T01"], outlets["T02"]
    fine = pay(t01, "0001000000011")
    bill = t01.counter.inquire("0001000000029").bill
    sim.faults("drop_before")  # the payment never reaches the host: its outcome is unknown
    not_final = t01.counter.pay(bill, t01.counter.total_for(bill), "latihan")
    sim.faults("none")
    owed = pay(t02, "0001000000086")  # the biller fails it: the cash is owed back
    assert (not_final.state, owed.state) == (S.UNKNOWN, S.REFUND_DUE)
    d01.push()
    d02.push()
    result = found(hub, sim)
    assert kinds(result) == {
        ("T01", not_final.ref_id, "unsettled"),
        ("T02", owed.ref_id, "refund_due"),
    }
    assert fine.ref_id not in {d.ref_id for d in result.differences}
    assert "Rp 72.500 belum dikembalikan" in next(
        d.detail for d in result.differences if d.kind == "refund_due"
    )
    assert result.outlets["T01"].by_cashier == {"latihan": 1}
    assert result.outlets["T02"].differences == 1
    as_json = result.as_json()
    assert {d["terminal"] for d in as_json["differences"]} == {"T01", "T02"}
    assert as_json["outlets"]["T02"]["by_cashier"] == {"latihan": 1}
    t02.counter.refund(owed.ref_id, "latihan", approved_by="pemilik")
    d02.push()
    assert kinds(found(hub, sim)) == {("T01", not_final.ref_id, "unsettled")}


def test_a_hub_success_the_host_does_not_know(outlets, hub, sim):
    (t01, d01), (_t02, d02) = outlets["T01"], outlets["T02"]
    failed = pay(t01, "0001000000086")
    assert failed.state == S.REFUND_DUE
    with write(t01.engine) as conn:  # written as paid, e.g. by hand: the host failed it
        conn.exec_driver_sql(
            "UPDATE payment SET state = 'SUCCESS' WHERE ref_id = ?", (failed.ref_id,)
        )
    d01.push()
    d02.push()
    [diff] = found(hub, sim).differences
    assert (diff.terminal, diff.ref_id, diff.kind) == (
        "T01",
        failed.ref_id,
        "local_success_unknown_to_host",
    )
    assert diff.host_state == "failed" and diff.cashier_id == "latihan"


def test_a_row_the_hub_cannot_read_stops_with_one_line(outlets, hub, sim):
    """The hub refuses such a row even to its administrator (migration h0004); one on a hub
    whose rules were dropped by hand still stops the reading with one line."""
    (t01, d01), (_t02, d02) = outlets["T01"], outlets["T02"]
    paid = pay(t01, "0001000000011")
    d01.push()
    d02.push()
    attempt = text(
        "UPDATE record SET data = jsonb_set(data, '{state}', '\"MAYBE\"') "
        "WHERE kind = 'attempt' AND terminal = 'T01'"
    )
    members = text('UPDATE payment SET members = \'{"not": "a list"}\' WHERE ref_id = :r')
    for change, rule in ((attempt, "record_attempt"), (members, "payment_members")):
        with pytest.raises(IntegrityError, match=rule), hub.begin() as conn:
            conn.execute(change, {"r": paid.ref_id})
    assert found(hub, sim).differences == []
    with hub.begin() as conn:
        conn.execute(text("ALTER TABLE record DROP CONSTRAINT record_attempt"))
        conn.execute(text("ALTER TABLE payment DROP CONSTRAINT payment_members"))
        conn.execute(attempt)
    with pytest.raises(HubError, match=r"percobaan T01/\d+ tidak terbaca"):
        found(hub, sim)
    with hub.begin() as conn:
        conn.execute(members, {"r": paid.ref_id})
    with pytest.raises(HubError, match=f"pembayaran T01/{paid.ref_id} tidak terbaca"):
        found(hub, sim)


def test_a_booking_of_the_day_is_found_at_its_outlet_whatever_day_it_was_taken(outlets, hub, sim):
    (t01, d01), (_t02, d02) = outlets["T01"], outlets["T02"]
    late = pay(t01, "0001000000011")
    with write(t01.engine) as conn:  # taken before midnight, forwarded after it
        conn.exec_driver_sql(
            "UPDATE payment SET created_at = '2026-11-20T23:55:00+07:00' WHERE ref_id = ?",
            (late.ref_id,),
        )
    d01.push()
    d02.push()
    result = found(hub, sim)
    assert result.differences == [] and result.result.payments == []
    with write(t01.engine) as conn:
        conn.exec_driver_sql(
            "UPDATE payment SET state = 'UNKNOWN' WHERE ref_id = ?", (late.ref_id,)
        )
    d01.push()
    [diff] = found(hub, sim).differences
    assert (diff.terminal, diff.ref_id, diff.kind) == ("T01", late.ref_id, "host_success_not_local")
