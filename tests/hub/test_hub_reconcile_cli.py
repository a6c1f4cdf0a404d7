"""`loket hub reconcile` through an aggregator (asked by each attempt's own host reference, which
only the replicated attempts carry) and on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from loket.config import HubConfig
from loket.domain.states import PaymentState
from loket.hub import ledger, schema
from loket.service.hub import reconcile as hub_reconcile
from loket.service.hub.desk import HubDesk
from tests.conftest import AGENT, KEY, NOW, refs
from tests.hub.helpers import counter, pay
from tests.integration.digiflazz_support import adapter, pay_at_counter, runtime, start_digiflazz

ROOT = Path(__file__).parents[2]
S = PaymentState
DAY = date(2026, 11, 21)


@pytest.fixture
def digiflazz():
    control = start_digiflazz()
    yield control
    control.thread.stop()


def test_an_aggregators_payments_are_asked_by_their_attempts_host_ref(
    tmp_path, digiflazz, hub, hub_url
):
    made = []
    for terminal, number in (("T01", "8801234560001"), ("T02", "0001000000011")):
        schema.add_counter(hub, terminal)
        rt = runtime(tmp_path / terminal, digiflazz)
        rt.counter.new_ref = refs(terminal)
        rt.config.hub = HubConfig(
            url=hub_url, password_env="LOKET_HUB_PASSWORD", terminal_id=terminal
        )
        desk = HubDesk(rt.engine, rt.config)
        made.append((rt, desk))
        assert pay_at_counter(rt, number).state == S.SUCCESS
        desk.push()
    host = adapter(digiflazz)
    try:
        result = hub_reconcile.reconcile(hub, host, DAY, NOW)
        assert result.differences == [] and not result.result.host_ledger  # no day list
        assert {p["host_state"] for p in result.result.payments} == {"success"}
        booked = {e["host_ref"] for e in digiflazz.ledger()}
        by_host_ref = ledger.find(hub, sorted(booked))
        assert {p.terminal_id for p in by_host_ref.values()} == {"T01", "T02"}
        assert set(by_host_ref) == booked and all(
            ref.startswith(("PAY-T01", "PAY-T02"))
            for ref in {p.ref_id for p in by_host_ref.values()}
        )
        with hub.begin() as conn:  # without the attempts the hub knows only our ref_id
            conn.execute(text("DELETE FROM record WHERE kind = 'attempt'"))
        blind = hub_reconcile.reconcile(hub, host, DAY, NOW)
        assert {(d.terminal, d.kind) for d in blind.differences} == {
            ("T01", "local_success_unknown_to_host"),
            ("T02", "local_success_unknown_to_host"),
        }
        for _rt, desk in made:  # `loket hub resend` queues the attempts again
            desk.resend()
            desk.push()
        assert hub_reconcile.reconcile(hub, host, DAY, NOW).differences == []
        polite = adapter(digiflazz, min_status_interval_s=3600)  # just asked by the counters
        try:
            held = hub_reconcile.reconcile(hub, polite, DAY, NOW)
        finally:
            polite.close()
        assert {p["host_state"] for p in held.result.payments} == {"unknown"}
        assert all("belum boleh ditanya lagi" in d.detail for d in held.differences)
        assert {d.host_state for d in held.differences} == {"unknown"}  # never "failed"
    finally:
        host.close()
        for rt, desk in made:
            desk.close()
            rt.close()


def _loket(*argv: str, home: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
    }
    env.pop("LOKET_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "loket", *argv], env=env, capture_output=True, text=True, timeout=120
    )


def _owner_config(tmp_path: Path, sim, hub_url: str | None) -> Path:
    config = tmp_path / "owner.toml"
    hub = f'[hub]\nurl = "{hub_url}"\npassword_env = "LOKET_HUB_PASSWORD"\n' if hub_url else ""
    config.write_text(f"""
[shop]
name = "PEMILIK"
terminal_id = "OWNER"
[host]
url = "{sim.url}"
agent_id = "{AGENT}"
key = "{KEY}"
[database]
path = "{tmp_path / "owner.db"}"
{hub}""")
    return config


def test_the_command_line_lists_each_difference_with_its_outlet(tmp_path, sim, hub, hub_url):
    desks = {}
    for terminal in ("T01", "T02"):
        schema.add_counter(hub, terminal)
        desks[terminal] = counter(tmp_path, sim, terminal, hub_url)
    try:
        (t01, d01), (t02, d02) = desks["T01"], desks["T02"]
        pay(t01, "0001000000011")
        d01.push()
        d02.push()
        config = str(_owner_config(tmp_path, sim, hub_url))
        clean = _loket(
            "--config", config, "hub", "reconcile", "--date", "2026-11-21", home=tmp_path
        )
        assert clean.returncode == 0, clean.stderr
        assert clean.stdout.splitlines()[0] == "2026-11-21: 1 pembayaran dari 2 outlet, 0 selisih"
        assert "T01: 1 pembayaran, 0 selisih" in clean.stdout
        owed = pay(t02, "0001000000086")
        d02.push()
        found = _loket(
            "--config", config, "hub", "reconcile", "--date", "2026-11-21", home=tmp_path
        )
        assert found.returncode == 1 and "Traceback" not in found.stderr, found.stderr
        assert f"  T02          {owed.ref_id}  refund_due: uang Rp 72.500" in found.stdout
        assert "T02: 1 pembayaran, 1 selisih (kasir: latihan 1)" in found.stdout
        as_json = _loket(
            "--config", config, "hub", "reconcile", "--date", "2026-11-21", "--json", home=tmp_path
        )
        assert as_json.returncode == 1, as_json.stderr
        report = json.loads(as_json.stdout)
        assert [(d["terminal"], d["kind"]) for d in report["differences"]] == [
            ("T02", "refund_due")
        ]
        assert report["outlets"]["T02"]["differences"] == 1 and report["host_ledger_checked"]
    finally:
        for rt, desk in desks.values():
            desk.close()
            rt.close()


def test_a_bad_date_or_no_hub_or_no_host_is_one_line_and_exit_2(tmp_path, sim, hub_url):
    with_hub = str(_owner_config(tmp_path, sim, hub_url))
    bad = _loket("--config", with_hub, "hub", "reconcile", "--date", "21-11-2026", home=tmp_path)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    (tmp_path / "hubless").mkdir()
    no_hub = str(_owner_config(tmp_path / "hubless", sim, None))
    hubless = _loket("--config", no_hub, "hub", "reconcile", "--date", "2026-11-21", home=tmp_path)
    assert hubless.returncode == 2 and "Hub belum diatur" in hubless.stderr
    hostless = _loket("hub", "reconcile", "--date", "2026-11-21", "--url", hub_url, home=tmp_path)
    assert hostless.returncode == 2 and "[host]" in hostless.stderr
    for run in (bad, hubless, hostless):
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
