"""What the hub cannot read is set aside, never lost: rows a hub already holds when it upgrades
(migration h0004), and rows a counter pushes of a shape or type the hub will not store. And the
hub's rule for text agrees with the counter's cleaner (domain/text.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

from sqlalchemy import text

from loket.domain.text import clean_text
from loket.hub import owner, schema
from loket.hub.pusher import Pusher
from loket.printing.layouts import Shop
from loket.reports.figures import day_range
from loket.service.hub import outlets as hub_outlets
from loket.service.hub import reports as hub_reports
from loket.store import outbox
from loket.store.db import write
from loket.store.opening import open_database
from tests.hub.helpers import admin
from tests.hub.test_hub_reports import pdf_text

ROOT = Path(__file__).parents[2]
DAY = date(2026, 11, 21)
AT = "2026-11-21T10:00:00+07:00"


def payment(terminal: str, ref: str, n: int, **changes) -> dict:
    """A payment row as the hub holds it (h0001's columns), honest unless ``changes`` say."""
    return {
        "terminal": terminal,
        "ref_id": ref,
        "seq": n,
        "local_id": n,
        "customer_no": "0001000000011",
        "va_no": "8888801000000011",
        "head_name": "BUDI",
        "branch": "BEKASI",
        "members": json.dumps([{"card_no": "0001000000011", "name": "BUDI", "class": 3}]),
        "periods": '["2026-11"]',
        "member_count": 1,
        "month_count": 1,
        "months_ahead": 0,
        "arrears_months": 0,
        "premium": 35_000,
        "admin_fee": 2_500,
        "total": 37_500,
        "cash": 50_000,
        "change": 12_500,
        "agent_price": 36_000,
        "cashier_id": "kasir1",
        "state": "SUCCESS",
        "offline": False,
        "host_rc": "00",
        "host_message": "SUKSES",
        "host_sn": f"SN{n}",
        "paid_at": AT,
        "print_count": 1,
        "created_at": AT,
        "updated_at": AT,
        "shift_id": None,
        "refund_shift_id": None,
    } | changes


def insert(conn, table: str, row: dict) -> None:
    names = ", ".join(f'"{c}"' for c in row)
    conn.execute(
        text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(f':{c}' for c in row)})"), row
    )


UNREADABLE = {  # NAKAL's rows an older hub took, each of which breaks a report today
    "PAY-N-CREATED": {"created_at": "2026-11-21T1x:00:00+07:00"},
    "PAY-N-PERIODS": {"periods": "2026-11"},
    "PAY-N-PAID": {"paid_at": "kemarin sore"},
    "PAY-N-BIG1": {"total": 9_000_000_000_000_000_000},
    "PAY-N-BIG2": {"total": 9_000_000_000_000_000_000},
    "PAY-N-STATE": {"state": "LUNAS_PALSU"},
    "PAY-N-MEMBERS": {"members": '{"card_no": 1}'},
    "PAY-N-\x1b[2J": {},  # a key no screen should show: set aside, not changed
}


def test_a_hub_upgraded_from_the_previous_schema_sets_its_unreadable_rows_aside(hub_url, tmp_path):
    root = admin(hub_url)
    try:
        schema.init(root, revision="h0003")
        for terminal in ("JUJUR", "NAKAL"):
            schema.add_counter(root, terminal)
        with root.begin() as conn:
            for n in (1, 2):
                insert(conn, "payment", payment("JUJUR", f"PAY-J{n}", n))
            insert(conn, "payment", payment("NAKAL", "PAY-N-OK", 1))
            insert(
                conn,
                "payment",
                payment(
                    "NAKAL",
                    "PAY-N-ANSI",
                    2,
                    cashier_id="\x1b[2J\x1b[31mkasir\x07",
                    head_name="BUDI\u202eNASUS",
                ),
            )
            for n, (ref, changes) in enumerate(UNREADABLE.items(), 10):
                insert(conn, "payment", payment("NAKAL", ref, n, **changes))
            insert(
                conn,
                "payment_event",
                {
                    "terminal": "NAKAL",
                    "event_id": 7,
                    "seq": 30,
                    "ref_id": "PAY-N-OK",
                    "at": "2026-11-21Tnanti",
                    "from_state": "SENDING",
                    "to_state": "FAILED",
                    "rc": "",
                    "message": "",
                    "actor": "forwarder",
                },
            )
            insert(
                conn,
                "record",
                {
                    "terminal": "NAKAL",
                    "kind": "deposit",
                    "key": "5",
                    "seq": 31,
                    "data": json.dumps(
                        {"id": 5, "at": AT, "balance": "banyak", "change": -1, "ref_id": ""}
                    ),
                },
            )
            insert(
                conn,
                "record",
                {
                    "terminal": "NAKAL",
                    "kind": "deposit",
                    "key": "6",
                    "seq": 32,
                    "data": json.dumps(
                        {"id": 6, "at": AT, "balance": 900, "change": -1, "ref_id": "PAY\x1b[8m"}
                    ),
                },
            )
            insert(
                conn,
                "payment_event",
                {
                    "terminal": "NAKAL",
                    "event_id": 8,
                    "seq": 33,
                    "ref_id": "PAY-N-OK",
                    "at": AT,
                    "from_state": "SENDING",
                    "to_state": "SUCCESS",
                    "rc": "00",
                    "message": "\x1b]0;diretas\x07OK",
                    "actor": "forwarder",
                },
            )
            conn.execute(
                text(
                    "UPDATE counter SET settlement = 'gratis', host_account = "
                    "'\x1b]0;x\x07native:AGT' WHERE terminal = 'NAKAL'"
                )
            )
            before = {
                ref: data
                for ref, data in conn.execute(
                    text("SELECT ref_id, to_jsonb(p) FROM payment p WHERE terminal = 'NAKAL'")
                )
            }
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        run = subprocess.run(
            [sys.executable, "-m", "loket", "hub", "init", "--url", hub_url],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        moved = len(UNREADABLE) + 2  # and the event and the deposit entry
        assert f"{moved} baris lama tidak terbaca: disisihkan ke tabel set_aside" in run.stdout

        with root.connect() as conn:
            kept = {
                (kind, key): (data, reason)
                for kind, key, data, reason in conn.execute(
                    text("SELECT kind, key, data, reason FROM set_aside WHERE terminal = 'NAKAL'")
                )
            }
            stored = {
                ref: (cashier, name)
                for ref, cashier, name in conn.execute(
                    text(
                        "SELECT ref_id, cashier_id, head_name FROM payment WHERE terminal = 'NAKAL'"
                    )
                )
            }
            account = conn.execute(
                text("SELECT settlement, host_account FROM counter WHERE terminal = 'NAKAL'")
            ).one()
            cleaned = conn.execute(
                text(
                    "SELECT (SELECT data ->> 'ref_id' FROM record WHERE key = '6'), "
                    "(SELECT message FROM payment_event WHERE event_id = 8)"
                )
            ).one()
        for ref in UNREADABLE:  # not lost: each whole, as it was stored, with why
            data, reason = kept[("payment", ref)]
            assert data == before[ref] and reason.startswith("tersimpan sebelum h0004: payment_")
        assert kept[("event", "7")][1].endswith("payment_event_at")
        assert kept[("deposit", "5")][0]["data"]["balance"] == "banyak"
        assert stored == {
            "PAY-N-OK": ("kasir1", "BUDI"),
            "PAY-N-ANSI": (clean_text("\x1b[2J\x1b[31mkasir\x07"), "BUDINASUS"),
        }
        assert tuple(account) == (None, "]0;xnative:AGT")
        assert tuple(cleaned) == ("PAY[8m", "]0;diretasOK")  # cleaned in place, kept

        written = hub_reports.write(
            root,
            Shop("TOKO"),
            "2026-11-22T07:00:00+07:00",
            day=DAY,
            pdf=tmp_path / "d.pdf",
            xlsx=tmp_path / "d.xlsx",
            csv=tmp_path / "d.csv",
        )
        assert "NAKAL mengirim 10 baris yang tidak terbaca hub (disisihkan)" in written.warning
        assert "NAKAL mengirim 10 baris" in " ".join(pdf_text(written.pdf).split())
        said = subprocess.run(
            [
                sys.executable,
                "-m",
                "loket",
                "hub",
                "report",
                "--day",
                DAY.isoformat(),
                "--url",
                hub_url,
                "--json",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert said.returncode == 0 and json.loads(said.stdout)["set_aside"] == {"NAKAL": 10}
        jujur = hub_outlets.outlets_day(root, DAY).outlets["JUJUR"]
        assert (jujur.count, jujur.success_count, jujur.cash_collected) == (2, 2, 75_000)
    finally:
        root.dispose()


def _queue(local, rows: list[tuple[str, str, object]]) -> None:
    with write(local) as conn:
        for kind, key, payload in rows:
            conn.exec_driver_sql(
                "INSERT INTO hub_outbox (kind, key, payload) VALUES (?, ?, ?)",
                (kind, key, json.dumps(payload)),
            )


def _outbox_payment(ref: str, n: int, **changes) -> dict:
    row = payment("T01", ref, n)
    return (
        {k: v for k, v in row.items() if k not in ("terminal", "seq", "local_id")}
        | {"id": n, "terminal_id": "T01", "offline": 0}
        | changes
    )


def test_a_pushed_row_of_the_wrong_type_or_shape_is_set_aside_and_the_rest_go(hub, tmp_path):
    schema.add_counter(hub, "T01")
    with hub.begin() as conn:  # it has pushed before: no history to send first
        conn.execute(text("UPDATE counter SET pushed_at = now() WHERE terminal = 'T01'"))
    local = open_database(tmp_path / "T01.db")
    try:
        outbox.forget(local, AT)
        broken = {
            "PAY-TYPE": _outbox_payment("PAY-TYPE", 2, premium="35000"),
            "PAY-HUGE": _outbox_payment("PAY-HUGE", 3, cash=10**30),
            "PAY-NUL": _outbox_payment("PAY-NUL", 4, periods='["2026-11\x00"]'),
            "PAY-DEEP": _outbox_payment("PAY-DEEP", 7, members="[" * 10**5 + "]" * 10**5),
            "PAY-GONE": {k: v for k, v in _outbox_payment("PAY-GONE", 5).items() if k != "state"},
        }
        _queue(
            local,
            [
                ("payment", "PAY-GOOD1", _outbox_payment("PAY-GOOD1", 1)),
                *(("payment", ref, p) for ref, p in broken.items()),
                ("event", "not-a-number", {"ref_id": "PAY-GOOD1", "at": AT}),
                ("deposit", "9", [1, 2, 3]),
                ("payment", "PAY-GOOD2", _outbox_payment("PAY-GOOD2", 6)),
            ],
        )
        pusher = Pusher(local, hub, "T01")
        assert pusher.push() == 9
        assert outbox.backlog(local).count == 0 and pusher.push() == 0  # not again and again
        with hub.connect() as conn:
            held = {r for (r,) in conn.execute(text("SELECT ref_id FROM payment"))}
            kept = {
                (kind, key): reason
                for kind, key, reason in conn.execute(
                    text("SELECT kind, key, reason FROM set_aside WHERE terminal = 'T01'")
                )
            }
        assert held == {"PAY-GOOD1", "PAY-GOOD2"}
        assert set(kept) == {
            *(("payment", ref) for ref in broken),
            ("event", "not-a-number"),
            ("deposit", "9"),
        }
        assert kept[("payment", "PAY-TYPE")] == "kolom premium bukan bilangan bulat"
        assert kept[("payment", "PAY-GONE")].startswith("baris antrean tidak lengkap")
        assert kept[("deposit", "9")] == "ditolak aturan hub record_data"
        assert kept[("payment", "PAY-DEEP")] == "ditolak aturan hub payment_members"
        # the payments' and the event's day; the deposit entry gave none (the day it was set
        # aside is the hub's today)
        assert owner.set_aside(hub, *day_range(DAY)) == {"T01": 6}

        _queue(local, [("payment", "PAY-TYPE", _outbox_payment("PAY-TYPE", 2))])  # fixed
        pusher.push()
        assert owner.set_aside(hub, *day_range(DAY)) == {"T01": 5}
    finally:
        local.dispose()


def test_the_hubs_rule_for_text_is_the_counters_cleaner(hub):
    """Whatever the cleaner leaves, the hub takes (an honest counter's text is never refused);
    every control, format, private-use and line-separator character the cleaner removes, the
    hub refuses. And a time is one the hub reads exactly when Python reads it as the counters
    write it (ISO 8601 in WIB, to the second)."""
    with hub.connect() as conn:
        refused = {
            cp
            for (cp,) in conn.execute(
                text(
                    "SELECT cp FROM generate_series(1, 1114111) AS cp WHERE cp NOT BETWEEN 55296 AND "
                    "57343 AND NOT loket_printable(chr(cp))"
                )
            )
        }
        days = [
            f"20{y:02d}-{m:02d}-{d:02d}" for y in range(100) for m in range(13) for d in range(32)
        ]
        read = dict(
            conn.execute(
                text(
                    "SELECT d, loket_wib(d || 'T23:59:59+07:00') FROM "
                    "unnest(CAST(:days AS text[])) AS d"
                ),
                {"days": days},
            ).all()
        )
        odd = dict(
            conn.execute(
                text("SELECT t, loket_wib(t) FROM unnest(CAST(:t AS text[])) t"),
                {
                    "t": [
                        AT,
                        "2026-11-21T10:00:00+00:00",
                        "2026-11-21 10:00:00+07:00",
                        "2026-11-21T24:00:00+07:00",
                        "2026-11-21T10:60:00+07:00",
                        "2026-11-21T10:00:00.5+07:00",
                        f" {AT}",
                        "",
                    ]
                },
            ).all()
        )
    assert all(clean_text(chr(cp)) != chr(cp) for cp in refused)
    removed = {
        cp
        for cp in range(1, 0x110000)
        if not 0xD800 <= cp <= 0xDFFF
        and unicodedata.category(chr(cp)) in ("Cc", "Cf", "Co", "Zl", "Zp")
    }
    assert removed <= refused
    for day, ok in read.items():
        try:
            date.fromisoformat(day)
            valid = True
        except ValueError:
            valid = False
        assert ok == valid, day
    assert odd == {AT: True, **{t: False for t in odd if t != AT}}
