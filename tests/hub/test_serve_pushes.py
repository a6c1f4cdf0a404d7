"""`loket serve` with `[hub]` keeps the owner's hub up to date with no other process running, and
`loket sync --once` from cron beside it pushes the hub and says who forwards (issue 19)."""

from __future__ import annotations

import subprocess
import sys
import time

from loket.domain.states import PaymentState
from loket.hub import schema
from tests.conftest import AGENT, KEY
from tests.durability import config_for, ledger, loket
from tests.hub.helpers import admin
from tests.integration.test_serve import Served

S = PaymentState
PAYMENTS = 100


def hub_config(tmp_path, sim, hub_url, hub):
    schema.add_counter(hub, "T01")  # the owner added this outlet to the hub
    db = ledger(tmp_path / "loket.db", paid=0)  # with the POS account serve acts as
    config = config_for(tmp_path, db, sim.url, AGENT, KEY)
    config.write_text(
        config.read_text() + f'[hub]\nurl = "{hub_url}"\npassword_env = "LOKET_HUB_PASSWORD"\n'
    )
    return config


def hub_count(hub_url: str) -> int:
    engine = admin(hub_url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT count(*) FROM payment WHERE terminal = 'T01' AND state = 'SUCCESS'"
            ).scalar_one()
    finally:
        engine.dispose()


def test_serve_pushes_every_payment_to_the_hub_with_no_other_process(tmp_path, sim, hub, hub_url):
    config = hub_config(tmp_path, sim, hub_url, hub)
    families = sim.call("GET", f"/_sim/customers?situation=current&limit={PAYMENTS}").json()
    numbers = [c["card_no"] for c in families["data"]["customers"]]
    assert len(numbers) == PAYMENTS
    served = Served(config).ready()
    try:
        for i, number in enumerate(numbers):
            paid = served.pay(f"HUBKEY-{i:04d}", number, cash=10_000_000)
            assert paid.status_code == 200 and paid.json()["state"] == "SUCCESS", paid.text
        paid_at = time.monotonic()
        while time.monotonic() - paid_at < 60 and hub_count(hub_url) < PAYMENTS:
            time.sleep(0.5)
        waited = time.monotonic() - paid_at
        assert hub_count(hub_url) == PAYMENTS, f"{hub_count(hub_url)} in the hub after {waited}s"
        deadline = time.monotonic() + 30  # the last rows (events, records) follow the payments
        while True:
            status = loket(config, "hub", "status")
            assert status.returncode == 0, status.stderr
            if status.stdout.startswith("Antrean hub 0 baris") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert status.stdout.startswith("Antrean hub 0 baris"), status.stdout

        # cron's `loket sync --once` beside it: serve forwards, the hub is pushed all the same
        synced = loket(config, "sync", "--once")
        assert synced.returncode == 0, synced.stderr + synced.stdout
        assert "loket serve sedang berjalan" in synced.stdout
        assert "antrean hub 0" in synced.stdout
    finally:
        served.stop()


def test_sync_once_beside_serve_says_so_in_one_line(tmp_path, sim, hub, hub_url):
    config = hub_config(tmp_path, sim, hub_url, hub)
    served = Served(config).ready()
    try:
        synced = subprocess.run(
            [sys.executable, "-m", "loket", "--config", str(config), "sync", "--once"],
            capture_output=True,
            text=True,
            timeout=90,
        )
    finally:
        served.stop()
    assert synced.returncode == 0 and "Traceback" not in synced.stderr, synced.stderr
    lines = synced.stdout.splitlines()
    assert lines[0] == "loket serve sedang berjalan dan mengirim pembayaran untuk database ini."
