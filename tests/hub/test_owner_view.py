"""The owner's day across outlets, from the hub: the same figures each counter computes itself."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from loket.hub import schema
from loket.reports.figures import day_range, figures
from loket.service.hub import desk as hub_desk
from loket.service.hub import outlets as hub_outlets
from tests.conftest import AGENT, KEY
from tests.hub.helpers import admin, counter, pay

ROOT = Path(__file__).parents[2]
DAY = date(2026, 11, 21)


@pytest.fixture
def outlets(tmp_path, sim, hub_url):
    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    made = {}
    for terminal, numbers in (
        ("WARUNG1", ("0001000000011", "0001000000029")),
        ("WARUNG2", ("0001000000037",)),
        ("WARUNG3", ()),
    ):
        schema.add_counter(root, terminal)
        rt, desk = counter(tmp_path, sim, terminal, hub_url)
        for number in numbers:
            pay(rt, number)
        made[terminal] = (rt, desk)
    for terminal in ("WARUNG1", "WARUNG2"):  # WARUNG3 was added but never pushed
        made[terminal][1].push()
    yield root, made
    for rt, desk in made.values():
        desk.close()
        rt.close()
    root.dispose()


def test_each_outlets_figures_from_the_hub_equal_the_counters_own(outlets):
    root, made = outlets
    day = hub_outlets.outlets_day(root, DAY)
    assert set(day.outlets) == {"WARUNG1", "WARUNG2"}
    for terminal in ("WARUNG1", "WARUNG2"):
        own = figures(made[terminal][0].engine, *day_range(DAY))
        assert asdict(day.outlets[terminal]) == asdict(own)
    assert day.all.count == 3
    assert all(type(v) is int for v in (day.all.taken, day.all.premium, day.all.host_cost))
    assert day.all.taken == sum(f.taken for f in day.outlets.values())
    assert day.all.margin == sum(f.margin for f in day.outlets.values())
    assert [c.cashier_id for c in day.all.by_cashier] == ["latihan"]


def test_the_owner_sees_which_counter_has_not_pushed_since_when(outlets):
    root, _made = outlets
    statuses = {s.terminal: s for s in hub_outlets.outlets_day(root, DAY).counters}
    assert statuses["WARUNG3"].pushed_at is None
    assert statuses["WARUNG1"].pushed_at is not None and statuses["WARUNG1"].backlog == 0
    assert (
        hub_outlets.silent_for(statuses["WARUNG3"], statuses["WARUNG1"].pushed_at)
        == "belum pernah mengirim"
    )
    assert list(statuses)[0] == "WARUNG3"  # the longest silent first


def test_the_command_line_pushes_and_reports_across_outlets(outlets, sim, hub_url, tmp_path):
    _root, made = outlets
    rt, _desk = made["WARUNG3"]
    config = tmp_path / "warung3.toml"
    config.write_text(f"""
[shop]
name = "WARUNG 3"
terminal_id = "WARUNG3"
[host]
url = "{sim.url}"
agent_id = "{AGENT}"
key = "{KEY}"
[database]
path = "{rt.config.database.path}"
[hub]
url = "{hub_url}"
password_env = "LOKET_HUB_PASSWORD"
""")
    pay(rt, "0001000000011", months_ahead=1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def loket(*argv):
        return subprocess.run(
            [sys.executable, "-m", "loket", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    pushed = loket("--config", str(config), "hub", "push", "--once")
    assert pushed.returncode == 0, pushed.stderr
    assert "antrean 0" in pushed.stdout
    status = loket("--config", str(config), "hub", "status")
    assert status.returncode == 0 and re.search(
        r"terakhir terkirim: \d\d/\d\d/\d{4} \d\d:\d\d WIB$", status.stdout.strip()
    ), status.stdout
    checked = loket("--config", str(config), "hub", "check", "--date", "2026-11-21")
    assert checked.returncode == 0 and "0 selisih" in checked.stdout, checked.stdout
    sheet = tmp_path / "outlets.csv"
    shown = loket(
        "hub",
        "report",
        "--day",
        "2026-11-21",
        "--url",
        hub_url,
        "--json",
        "--outlets-csv",
        str(sheet),
    )
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Tanggal;Outlet;Kasir;Transaksi")
    outlet_rows = {
        line.split(";")[1]: line.split(";") for line in lines[1:] if line.split(";")[2] == ""
    }
    assert set(outlet_rows) == {"WARUNG1", "WARUNG2", "WARUNG3"}
    assert (
        int(outlet_rows["WARUNG1"][5])
        == report["outlets"]["WARUNG1"]["taken"] - report["outlets"]["WARUNG1"]["refunded"]
    )
    assert set(report["outlets"]) == {"WARUNG1", "WARUNG2", "WARUNG3"}
    assert report["all"]["count"] == 4
    month = loket("hub", "report", "--month", "2026-11", "--url", hub_url, "--json")
    assert month.returncode == 0, month.stderr
    assert json.loads(month.stdout)["all"] == report["all"]  # the month holds only that day
    assert (
        json.loads(loket("hub", "report", "--month", "2026-10", "--url", hub_url, "--json").stdout)[
            "all"
        ]["count"]
        == 0
    )
    bad = loket("hub", "report", "--day", "21-11-2026", "--url", hub_url)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr
    no_such_day = loket("hub", "report", "--day", "2026-11-31", "--url", hub_url)
    assert no_such_day.returncode == 2 and "tanggal itu tidak ada" in no_such_day.stderr
    bad_month = loket("hub", "report", "--month", "2026-13", "--url", hub_url)
    assert bad_month.returncode == 2 and "YYYY-MM" in bad_month.stderr
    secret = loket("hub", "init", "--url", hub_url.replace("postgres@", "postgres:pw@"))
    assert secret.returncode == 2 and "password_env" in secret.stderr
