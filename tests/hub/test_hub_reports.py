"""The owner's report files from the hub (issue 12): PDF, XLSX and CSV across outlets, the
deposit per host account, and the month's figures computed in PostgreSQL."""

from __future__ import annotations

import csv
import itertools
import subprocess
from dataclasses import asdict
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from loket.clock import parse_iso
from loket.hub import schema
from loket.hub.pusher import Pusher
from loket.printing.layouts import Shop
from loket.reports.deposit import movement
from loket.reports.figures import day_range, figures, month_range
from loket.reports.monthly import month_figures
from loket.service.hub import desk as hub_desk
from loket.service.hub import outlets as hub_outlets
from loket.service.hub import reports as hub_reports
from tests.hub.helpers import admin, counter, pay
from tests.hub.helpers import pay as pay_at_counter

DAY = date(2026, 11, 21)
NOW = "2026-11-22T07:00:00+07:00"
NOON = "2026-11-21T12:00:00+07:00"
SHARED = "native:AGT-TEST"


def pdf_text(path) -> str:
    """The PDF's text laid out as printed: a table's row stays one line."""
    return "\n".join(page.extract_text(extraction_mode="layout") for page in PdfReader(path).pages)


@pytest.fixture
def outlets(tmp_path, sim, hub_url):
    """WARUNG1 and WARUNG2 pay from one host account and have pushed everything; WARUNG3 pays
    from another (post-paid) and has pushed one row of its queue only."""
    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    made = {}
    for terminal in ("WARUNG3", "WARUNG1", "WARUNG2"):
        schema.add_counter(root, terminal)
        made[terminal] = counter(tmp_path, sim, terminal, hub_url)
    minutes = itertools.count(1)

    def pay(rt, number, months_ahead=0):  # each payment a minute after the one before
        when = parse_iso(NOON) + timedelta(minutes=next(minutes))
        for other_rt, _desk in made.values():
            other_rt.clock.set(when)
        return pay_at_counter(rt, number, months_ahead)

    w3, _ = made["WARUNG3"]
    pay(w3, "0001000000061", months_ahead=1)
    other = {"host_account": "native:LAIN", "settlement": "postpaid"}
    Pusher(w3.engine, made["WARUNG3"][1].hub(), "WARUNG3", **other).push()
    pay(w3, "0001000000011")
    Pusher(w3.engine, made["WARUNG3"][1].hub(), "WARUNG3", batch=1, **other).push_batch()
    w1, _ = made["WARUNG1"]
    pay(w1, "0001000000029")
    pay(w1, "0001000000078")  # pending, then paid
    w2, _ = made["WARUNG2"]
    pay(w2, "0001000000037")
    failed = pay(w2, "0001000000086")  # pending, then failed: cash owed back
    assert failed.state == "REFUND_DUE"
    pay(
        w1, "0001000000011", months_ahead=1
    )  # the shared deposit moves after WARUNG2's last reading
    for terminal in ("WARUNG1", "WARUNG2"):
        rt, desk = made[terminal]
        desk.pusher().push()
    yield root, made
    for rt, desk in made.values():
        desk.close()
        rt.close()
    root.dispose()


def test_the_day_as_pdf_xlsx_and_csv_says_each_outlets_and_cashiers_numbers(outlets, tmp_path):
    root, made = outlets
    shop = Shop("TOKO PAK BUDI")
    written = hub_reports.write(
        root,
        shop,
        NOW,
        day=DAY,
        pdf=tmp_path / "d.pdf",
        xlsx=tmp_path / "d.xlsx",
        csv=tmp_path / "d.csv",
    )
    own = {t: figures(made[t][0].engine, *day_range(DAY)) for t in ("WARUNG1", "WARUNG2")}
    from loket.domain.money import format_rupiah as rp

    text = pdf_text(written.pdf)
    flat = " ".join(text.split())
    assert "TOKO PAK BUDI — Laporan Harian" in flat
    assert "Outlet: WARUNG1, WARUNG2, WARUNG3" in flat
    assert "angka mungkin belum lengkap" in flat and "WARUNG3 masih punya antrean" in flat
    for terminal, f in own.items():
        line = next(x for x in text.splitlines() if x.strip().startswith(terminal + " "))
        cells = line.split()
        assert cells[1:3] == [str(f.count), str(f.success_count)], line
        assert f"{rp(f.cash_collected)} {rp(f.premium)}" in " ".join(cells)
        assert rp(f.margin) in line and rp(f.host_cost) in line
        for c in f.by_cashier:
            row = next(x for x in text.splitlines() if f"{terminal} / {c.cashier_id}" in x)
            assert " ".join(row.split()[3:]) == " ".join(
                f"{c.count} {rp(c.taken)} {c.success} {rp(c.success_amount)}".split()
            ), row
    assert f"Deposit di host: {SHARED} (WARUNG1, WARUNG2)" in flat
    assert "Pascabayar ke host: native:LAIN (WARUNG3)" in flat and "Setoran ke host (T+1)" in flat
    assert "Outlet" in flat and "WARUNG2" in flat.split("Pengecualian")[-1]  # the refund owed

    book = load_workbook(written.xlsx, read_only=True)
    summary = [
        [c for c in row if c is not None] for row in book["Ringkasan"].iter_rows(values_only=True)
    ]
    by_outlet = {r[0]: r for r in summary if r and r[0] in own}
    for terminal, f in own.items():
        assert list(by_outlet[terminal][1:9]) == [
            f.count,
            f.success_count,
            f.cash_collected,
            f.premium,
            f.admin_income,
            f.host_cost,
            f.margin,
            f.unsettled_count,
        ]
    cashier_rows = {
        r[0]: r
        for r in summary
        if r and isinstance(r[0], str) and r[0].startswith("WARUNG") and " / " in r[0]
    }
    assert set(cashier_rows) == {"WARUNG1 / latihan", "WARUNG2 / latihan", "WARUNG3 / latihan"}
    sheet = list(book["Transaksi"].iter_rows(values_only=True))
    assert sheet[0][:2] == ("Outlet", "Ref loket")
    hub_refs = sorted((r[0], r[1]) for r in sheet[1:])

    with open(written.csv, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    assert lines[0][:2] == ["Outlet", "Ref loket"]
    listed = sorted((r[0], r[1]) for r in lines[1:])
    assert listed == hub_refs and len(set(listed)) == len(listed) == written.rows
    held = {t: len(hub_outlets.owner.ledger(root, t, *day_range(DAY))) for t in own}
    for terminal in own:  # every payment of each pushed outlet, once
        assert sorted(r for t, r in listed if t == terminal) == sorted(
            hub_outlets.owner.ledger(root, terminal, *day_range(DAY))
        )
        assert held[terminal] == own[terminal].count
    # WARUNG3's 011 arrived as first recorded, the rest of it still queued on the counter
    assert sum(1 for t, _ in listed if t == "WARUNG3") == 2


def test_the_deposit_is_per_host_account_and_adds_up(outlets, sim):
    root, made = outlets
    start, end = day_range(DAY)
    accounts = {a.account: a for a in hub_outlets.host_accounts(root, start, end)}
    assert set(accounts) == {SHARED, "native:LAIN"}
    assert accounts[SHARED].terminals == ["WARUNG1", "WARUNG2"]
    assert accounts["native:LAIN"].settlement == "postpaid"
    assert accounts["native:LAIN"].deposit is None
    d = hub_outlets.deposits(root, start, end)[SHARED]
    assert d.known
    assert d.opening.balance - d.used - d.held - d.failed + d.other == d.closing.balance
    own = {t: movement(made[t][0].engine, start, end) for t in ("WARUNG1", "WARUNG2")}
    assert d.used == sum(m.used for m in own.values()) > 0
    assert d.used_count == sum(m.used_count for m in own.values())
    assert d.failed + d.held == sum(m.failed + m.held for m in own.values())
    # the account's closing is the last balance any of its outlets read (WARUNG1's, last)
    assert d.closing == own["WARUNG1"].closing
    # WARUNG1 alone calls what WARUNG2 took between its readings "top-up / other"; the
    # account sees both outlets, so nothing is left unexplained (no top-up happened)
    w2 = own["WARUNG2"]
    assert own["WARUNG1"].other == -(w2.used + w2.held + w2.failed) < 0
    assert d.other == 0
    assert d.opening.at < own["WARUNG2"].opening.at  # WARUNG1 read the deposit first


def test_the_months_figures_from_postgresql_equal_the_counters_own(tmp_path, sim, hub_url):
    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    schema.add_counter(root, "SOLO")
    rt, desk = counter(tmp_path, sim, "SOLO", hub_url)
    try:
        pay(rt, "0001000000011")
        pay(rt, "0001000000078")  # pending, then paid
        failed = pay(rt, "0001000000086")  # pending, then failed
        rt.counter.refund(failed.ref_id, "latihan", approved_by="pemilik")
        bills = [rt.counter.inquire(n).bill for n in ("0001000000029", "0001000000037")]
        sim.faults("drop_after")  # the answers lost: unknown
        unsure, late = (rt.counter.pay(b, rt.counter.total_for(b), "latihan") for b in bills)
        sim.faults("none")
        assert unsure.state == late.state == "UNKNOWN"
        rt.clock.advance(hours=50)  # one resolved by a status query past the 2x24 h limit
        assert rt.counter.forwarder.forward(late.ref_id).state == "SUCCESS"
        desk.push()
        start, end = month_range(2026, 11)
        now = "2026-11-24T12:00:00+07:00"
        own = month_figures(rt.engine, start, end, now)
        hub = hub_reports.month_figures(root, hub_outlets.outlets_month(root, 2026, 11), now)
        assert asdict(hub.totals) == asdict(own.totals)
        assert hub.daily == own.daily
        assert hub.failures == own.failures
        assert hub.failures["refunded"] == 1 and hub.failures["time_out"] >= 1
        assert (hub.resolved_within, hub.resolved_late, hub.open_within, hub.open_late) == (
            own.resolved_within,
            own.resolved_late,
            own.open_within,
            own.open_late,
        )
        assert own.open_late == 1 and own.resolved_late == 1  # 029 open, 037 resolved late
        assert hub.median_resolution_h == pytest.approx(own.median_resolution_h, abs=1e-6)
    finally:
        desk.close()
        rt.close()
        root.dispose()


def test_the_month_as_pdf_and_xlsx_across_outlets(outlets, tmp_path):
    root, made = outlets
    written = hub_reports.write(
        root,
        Shop("TOKO PAK BUDI"),
        NOW,
        month=(2026, 11),
        pdf=tmp_path / "m.pdf",
        xlsx=tmp_path / "m.xlsx",
    )
    flat = " ".join(pdf_text(written.pdf).split())
    for piece in (
        "Laporan Bulanan",
        "Outlet: WARUNG1, WARUNG2, WARUNG3",
        "Volume harian",
        "Gangguan menurut jenis",
        "Waktu penyelesaian",
        "Per outlet",
        f"Deposit di host: {SHARED} (WARUNG1, WARUNG2)",
        "WARUNG2 / latihan",
        "angka mungkin belum lengkap",
    ):
        assert piece in flat, piece
    total = hub_outlets.outlets_month(root, 2026, 11).all
    book = load_workbook(written.xlsx, read_only=True)
    summary = [
        [c for c in row if c is not None] for row in book["Ringkasan"].iter_rows(values_only=True)
    ]
    day_rows = [r for r in summary if r and r[0] == "2026-11-21"]
    assert day_rows and day_rows[0][1:3] == [total.count, total.success_count]
    assert written.rows == total.count == len(list(book["Transaksi"].iter_rows())) - 1


def test_the_warning_names_a_queue_a_silent_counter_and_one_behind_the_periods_end():
    from datetime import datetime

    from loket.clock import WIB
    from loket.hub.owner import CounterStatus

    after = datetime(2026, 11, 22, 0, 5, tzinfo=WIB)
    before = datetime(2026, 11, 21, 18, 0, tzinfo=WIB)
    end = day_range(DAY)[1]
    now = datetime(2026, 11, 22, 7, 0, tzinfo=WIB)
    assert hub_reports.incomplete([CounterStatus("T01", after, 9, 0)], end, now) == ""
    line = hub_reports.incomplete(
        [
            CounterStatus("T01", after, 9, 0),
            CounterStatus("T02", after, 9, 4),
            CounterStatus("T03", None, 0, 0),
            CounterStatus("T04", before, 9, 0),
        ],
        end,
        now,
    )
    assert "\n" not in line and line.startswith("Perhatian: angka mungkin belum lengkap")
    assert "T01" not in line and "T02 masih punya antrean 4 baris" in line
    assert "T03 belum pernah mengirim" in line and "T04 terakhir mengirim 21/11/2026 18:00" in line
    # the day not over yet: a counter heard from five minutes ago is not behind
    assert (
        hub_reports.incomplete(
            [CounterStatus("T04", before, 9, 0)], end, before + timedelta(minutes=5)
        )
        == ""
    )


def test_the_command_line_writes_the_files(outlets, hub_url, tmp_path):
    import json
    import os
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    files = {k: tmp_path / f"hari.{k}" for k in ("pdf", "xlsx", "csv")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "loket",
            "hub",
            "report",
            "--day",
            "2026-11-21",
            "--url",
            hub_url,
            *(x for k, path in files.items() for x in (f"--{k}", str(path))),
            "--outlets-csv",
            str(tmp_path / "outlet.csv"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert all(path.stat().st_size > 0 for path in files.values())
    assert f"CSV: {files['csv']} (7 transaksi)" in run.stdout
    assert "WARUNG3 masih punya antrean" in run.stdout
    assert (tmp_path / "outlet.csv").read_text(encoding="utf-8-sig").startswith("Tanggal;Outlet")
    assert "Semua outlet" in pdf_text(files["pdf"])  # no configuration: the heading says so
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "loket",
            "hub",
            "report",
            "--day",
            "2026-11-21",
            "--url",
            hub_url,
            "--pdf",
            str(tmp_path / "nope" / "x.pdf"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr, bad.stderr
    as_json = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-m",
                "loket",
                "hub",
                "report",
                "--day",
                "2026-11-21",
                "--url",
                hub_url,
                "--json",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )
    assert as_json["all"]["count"] and "WARUNG3 masih punya antrean" in as_json["warning"]
    plain = subprocess.run(  # no file asked for: the warning all the same
        [sys.executable, "-m", "loket", "hub", "report", "--day", "2026-11-21", "--url", hub_url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "Perhatian: angka mungkin belum lengkap" in plain and "WARUNG3 masih punya" in plain
    assert all(
        len(line) <= 80
        for line in plain.splitlines()  # one line, however long
        if not line.startswith("Perhatian")
    ), plain


def test_a_counter_says_its_host_account_with_its_own_role_and_only_its_own(
    tmp_path, sim, hub_url, monkeypatch
):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from tests.conftest import AGENT
    from tests.hub.helpers import as_role

    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    roles = {t: schema.add_counter(root, t) for t in ("T01", "T02")}
    monkeypatch.setenv("PW_T01", roles["T01"].password)
    rt, desk = counter(
        tmp_path, sim, "T01", hub_url.replace("postgres@", f"{roles['T01'].name}@"), "PW_T01"
    )
    t01 = as_role(hub_url, roles["T01"].name, roles["T01"].password)
    try:
        pay_at_counter(rt, "0001000000011")
        assert desk.push() > 0
        with root.connect() as conn:
            found = dict(
                conn.execute(text("SELECT terminal, (host_account, settlement) FROM counter")).all()
            )
        assert found["T01"] == (f"native:{AGENT}", "deposit")
        assert found["T02"] == (None, None)  # it has not pushed: the report names it alone
        with t01.begin() as conn:  # another outlet's row is not there for it to change
            assert (
                conn.execute(
                    text("UPDATE counter SET host_account = 'x' WHERE terminal = 'T02'")
                ).rowcount
                == 0
            )
        with pytest.raises(DBAPIError, match="permission denied"), t01.begin() as conn:
            conn.execute(text("UPDATE counter SET role_name = 'x' WHERE terminal = 'T01'"))
        accounts = {
            a.account: a.terminals for a in hub_outlets.host_accounts(root, *day_range(DAY))
        }
        assert accounts == {f"native:{AGENT}": ["T01"], "": ["T02"]}
    finally:
        t01.dispose()
        desk.close()
        rt.close()
        root.dispose()
