"""What the headless commands print for either kind of bill: counts always, lists only as given."""

import json
import subprocess
import sys

import pytest

from loket.cli.listing import bill_text, offline_line
from loket.service.pos import bill_json, payment_json
from tests.conftest import make_runtime
from tests.count_only import CountOnlySim

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run


@pytest.fixture
def rt(tmp_path, sim):
    runtime = make_runtime(tmp_path, CountOnlySim(sim))
    yield runtime
    runtime.close()


def test_a_count_only_bill_as_json_and_text(rt):
    result = rt.counter.inquire("0001000000029")
    bill, out = result.bill, bill_json(rt.counter, result)["bill"]
    assert out["count_only"] is True and (out["member_count"], out["month_count"]) == (2, 3)
    assert out["members"] == [] and out["periods"] == []
    assert (out["premium"], out["total"]) == (750_000, 752_500)
    assert bill_text(bill) == [
        "AGUS SALIM — No. Kartu 0001000000029 — BEKASI",
        "2 orang · periode 3 bulan",
    ]


def test_offline_the_cli_says_where_the_price_is_from(rt, sim):
    rt.counter.inquire("0001000000011")
    sim.faults("drop_before")
    result = rt.counter.inquire("0001000000011")
    assert offline_line(result.bill, "Host mati") == (
        "OFFLINE: Host mati; harga dari cek terakhir 2026-11-21 (Rp 105.000 per bulan)"
    )


def test_a_native_bill_names_its_members_and_months(runtime):
    result = runtime.counter.inquire("0001000000029")
    bill, out = result.bill, bill_json(runtime.counter, result)["bill"]
    assert out["count_only"] is False and (out["member_count"], out["month_count"]) == (2, 3)
    assert out["periods"] == ["2026-09", "2026-10", "2026-11"] and len(out["members"]) == 2
    assert bill_text(bill)[-1] == "2 orang · periode SEP 2026 - NOV 2026 (3 bulan)"


def test_a_days_count_only_payments_as_json(rt):
    for number in ("0001000000011", "0001000000029"):
        bill = rt.counter.inquire(number).bill
        rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
    found = [payment_json(p) for p in rt.counter.on_day("2026-11-21")]
    assert [(p["member_count"], p["month_count"]) for p in found] == [(2, 3), (3, 1)]
    assert all(p["members"] == [] and p["periods"] == [] for p in found)
    assert all(p["state"] == "SUCCESS" and p["sn"] for p in found)
    assert rt.counter.on_day("2026-11-20") == []


def _loket(tmp_path, *args):
    env = {"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "loket", *args], env=env, capture_output=True, text=True, timeout=90
    )


def test_loket_history_lists_what_loket_pay_took(tmp_path):
    paid = _loket(tmp_path, "pay", "0001000000011", "--cash", "110000", "--json")
    assert paid.returncode == 0, paid.stderr
    taken = json.loads(paid.stdout)
    assert (taken["member_count"], taken["month_count"]) == (3, 1) and taken["printed"]
    listed = _loket(tmp_path, "history", "--json")
    assert listed.returncode == 0, listed.stderr
    day = json.loads(listed.stdout)
    assert [p["ref_id"] for p in day["payments"]] == [taken["ref_id"]]
    assert day["payments"][0]["member_count"] == 3 and len(day["payments"][0]["periods"]) == 1
    text = _loket(tmp_path, "history", "--search", "SITI")
    assert text.returncode == 0 and "3 org 1 bln" in text.stdout and taken["ref_id"] in text.stdout
    wrong = _loket(tmp_path, "history", "--date", "21-11-2026")
    assert (
        wrong.returncode == 2 and "YYYY-MM-DD" in wrong.stderr and "Traceback" not in wrong.stderr
    )
