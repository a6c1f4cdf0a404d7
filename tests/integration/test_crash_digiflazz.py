"""The crash test with Digiflazz as the host: kill the counter at random moments in every fault
mode; after forwarding, the local ledger and Digiflazz's agree exactly, no ref_id was paid twice
and no family-month was posted twice. (store-and-forward.md §5, issue 10)

A payment whose pay-pasca was lost before it reached the host stays unknown while its inquiry
could still be paid (the same Jakarta day): the last drain runs "tomorrow", with the simulator's
clock and the forwarder's moved together."""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from loket.clock import WIB, FixedClock, iso
from loket.config import load_config
from loket.domain.states import PaymentState
from loket.host.signing import STAMPS, signed_headers
from loket.service.hosts import make_host
from loket.service.runtime import build_runtime
from loket.store import audit, payments
from loket.store.db import open_database

S = PaymentState
KILLS = int(os.environ.get("LOKET_CRASH_KILLS", "54"))
MODES = ["none", "drop_before", "drop_after", "error_500", "slow", "garbage"]
USERNAME, KEY = "buyer-crash", "crash-test-key"
PAYER = Path(__file__).parents[1] / "crash" / "payer.py"
ROOT = Path(__file__).parents[2]
OPEN = {S.PENDING, S.UNKNOWN, S.REJECTED, S.QUEUED, S.RECORDED, S.SENDING}


class DigiflazzSim:
    def __init__(self, tmp: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "loket", "sim", "--profile", "digiflazz", "--port",
             str(self.port), "--db", str(tmp / "sim-digiflazz.db"), "--agent", USERNAME,
             "--key", KEY, "--pending-delay", "1", "--min-status-interval", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.call("GET", "/_sim/ledger")
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("simulator did not start")

    def call(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        raw = json.dumps(body).encode() if body is not None else b""
        stamp = STAMPS.issue(USERNAME, method, self.url + path, raw)
        headers = signed_headers(USERNAME, KEY, method, path, raw, stamp)
        return httpx.request(method, self.url + path, content=raw, headers=headers, timeout=10)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def crash_site(tmp_path):
    sim = DigiflazzSim(tmp_path)
    config = tmp_path / "loket.toml"
    config.write_text(f"""
[shop]
name = "CRASH TEST"
terminal_id = "T01"
[host]
adapter = "digiflazz"
url = "{sim.url}"
username = "{USERNAME}"
key_env = "LOKET_CRASH_KEY"
min_status_interval_s = 0
connect_timeout_s = 1
read_timeout_s = 1
[database]
path = "{tmp_path / 'loket.db'}"
[printer]
backend = "none"
""")
    yield sim, config, tmp_path
    sim.stop()


def drain_tomorrow(sim: DigiflazzSim, config: Path, env: dict) -> None:
    """What is still open can only be an inquiry of today whose payment never arrived: on
    the next day it is inquired again and paid (or owed back)."""
    tomorrow = (datetime.now(WIB) + timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                               microsecond=0)
    assert sim.call("POST", "/_sim/clock", {"now": iso(tomorrow)}).status_code == 200
    os.environ["LOKET_CRASH_KEY"] = env["LOKET_CRASH_KEY"]
    loaded = load_config(config)
    clock = FixedClock(tomorrow)
    rt = build_runtime(loaded, make_host(loaded.host, loaded.host.url, KEY, clock), clock=clock)
    try:
        rt.counter.forwarder.recover()
        for _ in range(8):
            rt.counter.forwarder.drain(force=True)
            if not payments.in_states(rt.engine, OPEN):
                break
            clock.advance(seconds=30)
            time.sleep(1.2)  # pending payments resolve after the simulator's real-time delay
    finally:
        rt.close()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_sigkill_with_digiflazz_in_every_fault_mode_loses_and_doubles_nothing(crash_site):
    sim, config, tmp = crash_site
    env = {**os.environ, "LOKET_CRASH_KEY": KEY, "PYTHONPATH": str(ROOT)}
    current = sim.call("GET", "/_sim/customers?situation=current&limit=2000").json()
    numbers = [c["card_no"] for c in current["data"]["customers"]]
    numbers += ["0001000000078", "0001000000086"]  # pending, then success / failure
    (tmp / "numbers.txt").write_text("\n".join(numbers))
    rng = random.Random(20261122)
    for kill in range(KILLS):
        mode = MODES[kill % len(MODES)]
        assert sim.call("POST", "/_sim/faults",
                        {"mode": mode, "rate": 0.3, "latency_ms": 1500}).status_code == 200
        child = subprocess.Popen([sys.executable, str(PAYER), str(config), str(tmp / "numbers.txt"),
                                  str(kill)], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(1.5, 4.0))  # a payer needs ~1 s to start
        child.send_signal(signal.SIGKILL)
        _out, err = child.communicate(timeout=10)
        assert "Traceback" not in err, err

    engine = open_database(tmp / "loket.db")
    print(f"\nafter {KILLS} kills: {dict(Counter(p.state for p in payments.in_states(engine, set(S))))}")
    assert sim.call("POST", "/_sim/faults", {"mode": "none"}).status_code == 200
    for _ in range(3):
        run = subprocess.run([sys.executable, "-m", "loket", "--config", str(config), "sync",
                              "--once"], env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        time.sleep(1.2)
    if payments.in_states(engine, OPEN):
        drain_tomorrow(sim, config, env)

    local = {p.ref_id: p for p in payments.in_states(engine, set(S))}
    after = Counter(p.state for p in local.values())
    print(f"after forwarding: {dict(after)}")
    ledger = sim.call("GET", "/_sim/ledger").json()["data"]["entries"]
    paid_refs = Counter(e["host_ref"] for e in ledger)
    owners = {ref: payments.by_host_ref(engine, ref) for ref in paid_refs}

    assert sum(after.values()) >= 20, "the children should have taken payments"
    assert set(after) <= {S.SUCCESS, S.REFUND_DUE}, after  # every payment final, none SENDING
    assert all(count == 1 for count in paid_refs.values()), "a ref_id was paid twice"
    assert all(owner is not None for owner in owners.values()), "a host payment unknown here"
    booked = Counter(owner.ref_id for owner in owners.values())
    success = {ref for ref, p in local.items() if p.state == S.SUCCESS}
    assert set(booked) == success and all(n == 1 for n in booked.values())
    months = Counter((e["va_no"], m) for e in ledger for m in e["periods"])
    assert all(n == 1 for n in months.values()), "a family-month was posted twice"
    for entry in ledger:
        assert entry["premium"] == owners[entry["host_ref"]].premium
    verdict = audit.verify(engine)
    assert verdict.ok, verdict.reason
    engine.dispose()
