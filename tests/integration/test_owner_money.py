"""Issue 7: the owner's money adds up against the host.

A day at the counter against the real simulator: a payment online, one taken offline and
confirmed when the line came back, one the host took and gave back (pending, then failed:
refunded), one refused outright (its bill changed since the look-up: refunded), one still
pending at the end of the day, and a top-up. The day's books must say what the simulator's own
ledger and deposit say.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from loket.domain.money import format_rupiah
from loket.domain.states import PaymentState
from loket.host.base import Ticket
from tests.conftest import NOW, make_runtime, start_sim

S = PaymentState
TODAY = NOW.date()
TOP_UP = 5_000_000


def pay(rt, bill):
    return rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")


def host_balance(sim) -> int:
    return sim.call("POST", "/v1/balance", {}).json()["data"]["balance"]


def host_ledger(sim_db) -> dict[str, tuple[str, int]]:
    """Every payment the simulator holds: ref -> (status, what it took from the deposit)."""
    with sqlite3.connect(sim_db) as db:
        return {
            ref: (status, price)
            for ref, status, price in db.execute(
                "SELECT ref_id, status, agent_price FROM payments WHERE agent_price IS NOT NULL"
            )
        }


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("day")
    sim = start_sim(db=str(tmp / "sim.db"), pending_delay_s=1.0)
    rt = make_runtime(tmp / "loket", sim)
    try:
        rt.health()  # the status line reads the balance on start: the day's opening
        opening = host_balance(sim)
        online_bill = rt.counter.inquire("0001000000029").bill
        online = pay(rt, online_bill)

        rt.counter.inquire("0001000000011")  # known to this counter, then the line goes down
        sim.faults("drop_before")
        offline = pay(rt, rt.counter.inquire("0001000000011").bill)
        sim.faults("none")
        rt.counter.forwarder.drain(force=True)

        failed = pay(rt, rt.counter.inquire("0001000000086").bill)  # pending, then failed
        rt.counter.refund(failed.ref_id, "latihan", approved_by="pemilik")
        # a bill that changed since it was looked up: the host refuses the amount (rc 84)
        looked_up = rt.counter.inquire("0020000000008").bill
        changed = pay(rt, replace(looked_up, premium=looked_up.premium - 100_000))
        rt.counter.refund(changed.ref_id, "latihan", approved_by="pemilik")

        sim.deposit(host_balance(sim) + TOP_UP)  # the owner tops up at the bank
        rt.health()
        rt.counter.settings.pending_wait_s = 0
        pending = pay(rt, rt.counter.inquire("0001000000078").bill)
        rt.health()  # the closing balance
        closing = host_balance(sim)
        refs = {
            "online": online.ref_id,
            "offline": offline.ref_id,
            "failed": failed.ref_id,
            "changed": changed.ref_id,
            "pending": pending.ref_id,
        }
        yield {
            "rt": rt,
            "sim": sim,
            "refs": refs,
            "opening": opening,
            "closing": closing,
            "ledger": host_ledger(tmp / "sim.db"),
            "books": rt.reports.day("pemilik", TODAY),
        }
    finally:
        rt.close()
        sim.thread.stop()


def test_the_day_has_every_kind_of_payment(day):
    rt, refs = day["rt"], day["refs"]
    states = {k: rt.counter.find(ref).state for k, ref in refs.items()}
    assert states == {
        "online": S.SUCCESS,
        "offline": S.SUCCESS,
        "failed": S.REFUNDED,
        "changed": S.REFUNDED,
        "pending": S.PENDING,
    }
    assert rt.counter.find(refs["offline"]).offline
    assert {e["ref_id"] for e in day["sim"].ledger()} == {refs["online"], refs["offline"]}


def test_the_deposit_moves_as_the_hosts_balance_did(day):
    refs, ledger, d = day["refs"], day["ledger"], day["books"].deposit
    took = {k: ledger[refs[k]][1] for k in ("online", "offline", "pending")}
    assert (d.opening.balance, d.closing.balance) == (day["opening"], day["closing"])
    assert (d.used, d.used_count) == (took["online"] + took["offline"], 2)
    assert (d.held, d.held_count) == (took["pending"], 1)
    assert d.failed == 0  # taken, then given back by the host
    assert d.other == TOP_UP
    assert day["closing"] - day["opening"] == -d.used - d.held + d.other


def test_the_days_figures_equal_what_the_host_deducted(day):
    """Fails until the forwarder writes the host's confirmed figures into an offline payment
    (issue 7, item 2, host-edges branch): it keeps the agent_price 0 it was taken with."""
    rt, refs, ledger, f = day["rt"], day["refs"], day["ledger"], day["books"].figures
    booked = {k: ledger[refs[k]] for k in ("online", "offline")}
    assert all(status == "success" for status, _ in booked.values())
    costs = {k: rt.counter.find(refs[k]).agent_price for k in booked}
    assert costs == {k: price for k, (_, price) in booked.items()}
    assert f.host_cost == sum(price for _, price in booked.values())
    assert f.unpriced == 0
    assert f.margin == f.premium + f.admin_income - f.host_cost
    assert f.margin == 2 * 2_500 - 2 * 1_000  # the simulator charges the agent 1.000 a payment


def test_the_daily_pdf_and_xlsx_say_the_same(day, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    d = day["books"].deposit
    written = day["rt"].reports.daily(
        "pemilik", TODAY, tmp_path / "h.pdf", xlsx=tmp_path / "h.xlsx"
    )
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(written.pdf).pages).split())
    for piece in (
        "Deposit di host",
        "Saldo awal",
        format_rupiah(d.opening.balance),
        "Saldo akhir",
        format_rupiah(d.closing.balance),
        "Top-up / lain-lain",
        "+Rp 5.000.000",
        "tidak ada yang perlu disetor",
    ):
        assert piece in text, piece
    assert "Setoran ke host" not in text
    summary = load_workbook(written.xlsx)["Ringkasan"]
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and row[0]}
    assert values["Saldo awal"] == d.opening.balance and values["Saldo akhir"] == d.closing.balance
    assert values["Top-up / lain-lain"] == TOP_UP


def test_asking_the_status_again_takes_nothing_twice(day):
    """Reconciliation asks the host about every payment of the day again: the deposit's
    movement must not count them twice."""
    rt = day["rt"]
    for ref in day["refs"].values():
        rt.host.status(Ticket(ref, "", ref))
    again = rt.reports.day("pemilik", TODAY).deposit
    assert (again.used, again.held, again.other) == (
        day["books"].deposit.used,
        day["books"].deposit.held,
        TOP_UP,
    )


def test_no_balance_known_yet_says_so(tmp_path, sim):
    rt = make_runtime(tmp_path, sim)
    try:
        d = rt.reports.day("pemilik", date(2026, 11, 21)).deposit
        assert not d.known and d.other == 0
    finally:
        rt.close()


def test_the_books_failing_never_fails_a_payment(runtime, caplog):
    from loket.store.db import write

    with write(runtime.engine) as conn:  # the deposit's log cannot be written at all
        conn.exec_driver_sql("DROP TABLE deposit")
    bill = runtime.counter.inquire("0001000000011").bill
    assert pay(runtime, bill).state == S.SUCCESS
    assert runtime.health().balance is not None
    assert "could not write down the host's answer" in caplog.text
