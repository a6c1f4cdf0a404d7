"""Three counters keep paying against the simulator while their pushers and the hub's PostgreSQL
are killed (SIGKILL) and restarted at random; afterwards the hub holds each counter's payments,
events and records exactly once, equal to the counter's own ledger, and no counter lost a thing.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from loket.hub import schema
from loket.service.hub import desk as hub_desk
from loket.store import verifying
from loket.store.opening import open_database
from tests.hub.helpers import admin
from tests.hub.pgcluster import SUPERPASS, PgCluster
from tests.integration.test_crash import AGENT, KEY, PAYER, ROOT, Sim

CHAOS_S = float(os.environ.get("LOKET_HUB_CHAOS_S", "45"))
TERMINALS = ("OUTLET1", "OUTLET2", "OUTLET3")
SOURCES = {
    "payment": "ref_id",
    "paymentevent": "id",
    "shift": "id",
    "deposit": "id",
    "auditentry": "id",
    "cashier": "id",
    "hostattempt": "id",
}
RECORD_KIND = {
    "shift": "shift",
    "deposit": "deposit",
    "auditentry": "audit",
    "cashier": "cashier",
    "hostattempt": "attempt",
}


@pytest.fixture
def site(tmp_path, monkeypatch):
    cluster = PgCluster().init().start()  # its own, to kill: not the session's
    sim = Sim(tmp_path)
    hub_url = cluster.create_database("hub")
    monkeypatch.setenv("LOKET_HUB_PASSWORD", SUPERPASS)
    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    env = {**os.environ, "LOKET_CRASH_KEY": KEY, "PYTHONPATH": str(ROOT)}
    configs = {}
    for terminal in TERMINALS:
        role = schema.add_counter(root, terminal)
        env[f"PW_{terminal}"] = role.password
        config = tmp_path / f"{terminal}.toml"
        config.write_text(f"""
[shop]
name = "{terminal}"
terminal_id = "{terminal}"
[host]
url = "{sim.url}"
agent_id = "{AGENT}"
key_env = "LOKET_CRASH_KEY"
connect_timeout_s = 1
read_timeout_s = 2
[database]
path = "{tmp_path / terminal / "loket.db"}"
[printer]
backend = "none"
[hub]
url = "{hub_url.replace("postgres@", f"{role.name}@")}"
password_env = "PW_{terminal}"
""")
        configs[terminal] = config
    yield cluster, sim, root, env, configs, tmp_path
    root.dispose()
    sim.stop()
    cluster.cleanup()


def _start(argv, env) -> subprocess.Popen:
    return subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _local(db: Path, table: str) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
    finally:
        conn.close()
    return {str(r[SOURCES[table]]): dict(r) for r in rows}


@pytest.mark.slow
@pytest.mark.timeout(300)  # about 70 s alone; the whole suite beside it slows everything
def test_pushers_and_the_hub_killed_at_random_the_hub_equals_every_ledger_exactly_once(site):
    cluster, sim, root, env, configs, tmp = site
    current = sim.call("GET", "/_sim/customers?situation=current&limit=2000").json()
    numbers = [c["card_no"] for c in current["data"]["customers"]]
    (tmp / "numbers.txt").write_text("\n".join(numbers))
    assert sim.call("POST", "/_sim/faults", {"mode": "drop_after", "rate": 0.1}).status_code == 200
    for terminal in TERMINALS:
        (tmp / terminal).mkdir()
    payers = {
        t: _start(
            [sys.executable, str(PAYER), str(configs[t]), str(tmp / "numbers.txt"), str(i)], env
        )
        for i, t in enumerate(TERMINALS)
    }

    def pusher(t):
        return _start(
            [sys.executable, "-m", "loket", "--config", str(configs[t]), "hub", "push"], env
        )

    time.sleep(3)  # the payers create their databases before any pusher opens one
    pushers = {t: pusher(t) for t in TERMINALS}
    rng = random.Random(20261122)
    kills = {"pusher": 0, "hub": 0}
    end = time.monotonic() + CHAOS_S
    while time.monotonic() < end:
        time.sleep(rng.uniform(0.5, 2.5))
        if rng.random() < 0.35:
            cluster.kill()
            kills["hub"] += 1
            time.sleep(rng.uniform(0.2, 2.0))
            cluster.start()
        else:
            t = rng.choice(TERMINALS)
            pushers[t].send_signal(signal.SIGKILL)
            _out, err = pushers[t].communicate(timeout=10)
            assert "Traceback" not in err, err
            kills["pusher"] += 1
            pushers[t] = pusher(t)
    for proc in (*pushers.values(), *payers.values()):
        proc.send_signal(signal.SIGKILL)
        _out, err = proc.communicate(timeout=10)
        assert "Traceback" not in err, err
    print(f"\nkills: {kills}")

    for terminal in TERMINALS:  # what was left in each outbox goes now
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "loket",
                "--config",
                str(configs[terminal]),
                "hub",
                "push",
                "--once",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().endswith("antrean 0"), done.stdout

    paid = 0
    with root.connect() as conn:
        for terminal in TERMINALS:
            db = tmp / terminal / "loket.db"
            engine = open_database(db)  # the anchor and audit chain hold: nothing was lost
            assert verifying.verify(engine).ok
            engine.dispose()
            local = _local(db, "payment")
            hub = {
                r.ref_id: r._asdict()
                for r in conn.execute(
                    text("SELECT * FROM payment WHERE terminal = :t"), {"t": terminal}
                )
            }
            assert set(hub) == set(local)
            for ref, row in local.items():
                for column in ("state", "total", "premium", "host_sn", "updated_at", "cash"):
                    assert hub[ref][column] == row[column], (terminal, ref, column)
            paid += len(local)
            events = {
                str(e)
                for (e,) in conn.execute(
                    text("SELECT event_id FROM payment_event WHERE terminal = :t"), {"t": terminal}
                )
            }
            assert events == set(_local(db, "paymentevent"))
            for table, kind in RECORD_KIND.items():
                keys = {
                    k
                    for (k,) in conn.execute(
                        text("SELECT key FROM record WHERE terminal = :t AND kind = :k"),
                        {"t": terminal, "k": kind},
                    )
                }
                assert keys == set(_local(db, table)), (terminal, table)
            backlog = conn.execute(
                text("SELECT backlog FROM counter WHERE terminal = :t"), {"t": terminal}
            ).scalar()
            assert backlog == 0
    print(f"payments: {paid}")
    assert paid >= 30, "the counters should have kept paying"
    assert kills["hub"] >= 3 and kills["pusher"] >= 5
