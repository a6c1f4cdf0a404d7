"""Kill the counter at random moments, in every fault mode; after `loket sync` the local ledger and
the host's agree exactly. (store-and-forward.md §5)"""

import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from loket.domain.states import PaymentState
from loket.host.signing import STAMPS, signed_headers
from loket.sim import faults
from loket.store import payments, verifying
from loket.store.opening import open_database
from tests.crash.killer import Killer

S = PaymentState
KILLS = int(os.environ.get("LOKET_CRASH_KILLS", "54"))
MODES = faults.MODES  # the hostile ones too: booked, then lied about
AGENT, KEY = "AGT-CRASH", "crash-test-key"
PAYER = Path(__file__).parents[1] / "crash" / "payer.py"
ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sim:
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (tmp / "sim.log").open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "loket",
                "sim",
                "--port",
                str(self.port),
                "--db",
                str(tmp / "sim.db"),
                "--agent",
                AGENT,
                "--key",
                KEY,
                "--pending-delay",
                "1",
            ],
            # to a file, never an unread pipe: a full pipe would stop the simulator mid-test
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("simulator did not start")

    def call(self, method: str, path: str, body: dict | None = None):
        raw = json.dumps(body).encode() if body is not None else b""
        stamp = STAMPS.issue(AGENT, method, self.url + path, raw)  # the target includes the query
        headers = signed_headers(AGENT, KEY, method, path, raw, stamp)
        return httpx.request(method, self.url + path, content=raw, headers=headers, timeout=10)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture
def crash_site(tmp_path):
    sim = Sim(tmp_path)
    config = tmp_path / "loket.toml"
    config.write_text(f"""
[shop]
name = "CRASH TEST"
terminal_id = "T01"
[host]
url = "{sim.url}"
agent_id = "{AGENT}"
key_env = "LOKET_CRASH_KEY"
connect_timeout_s = 1
read_timeout_s = 1
[database]
path = "{tmp_path / "loket.db"}"
[printer]
backend = "none"
""")
    yield sim, config, tmp_path
    sim.stop()


@pytest.mark.slow
@pytest.mark.timeout(300)  # about 100 s alone; more beside the rest of the suite
def test_sigkill_at_random_moments_in_every_fault_mode_loses_and_doubles_nothing(crash_site):
    sim, config, tmp = crash_site
    env = {**os.environ, "LOKET_CRASH_KEY": KEY, "PYTHONPATH": str(ROOT)}
    current = sim.call("GET", "/_sim/customers?situation=current&limit=2000").json()
    numbers = [c["card_no"] for c in current["data"]["customers"]]
    numbers += ["0001000000078", "0001000000086"]  # pending, then success / failure
    (tmp / "numbers.txt").write_text("\n".join(numbers))
    killer = Killer(random.Random(20261121))
    for kill in range(KILLS):
        mode = MODES[kill % len(MODES)]
        assert (
            sim.call(
                "POST", "/_sim/faults", {"mode": mode, "rate": 0.3, "latency_ms": 1500}
            ).status_code
            == 200
        )
        err = killer.run(
            [sys.executable, str(PAYER), str(config), str(tmp / "numbers.txt"), str(kill)], env
        )
        assert "Traceback" not in err, err
    print(f"\nkills timed from the children: {killer}")

    engine = open_database(tmp / "loket.db")
    before = Counter(p.state for p in payments.in_states(engine, set(S)))
    print(f"\nafter {KILLS} kills, before sync: {dict(before)}")
    assert sim.call("POST", "/_sim/faults", {"mode": "none"}).status_code == 200
    for _ in range(10):
        run = subprocess.run(
            [sys.executable, "-m", "loket", "--config", str(config), "sync", "--once"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        if not payments.in_states(
            engine, {S.PENDING, S.UNKNOWN, S.REJECTED, S.QUEUED, S.RECORDED, S.SENDING}
        ):
            break
        time.sleep(1.2)

    local = {p.ref_id: p for p in payments.in_states(engine, set(S))}
    after = Counter(p.state for p in local.values())
    print(f"after sync: {dict(after)}")
    ledger = sim.call("GET", "/_sim/ledger").json()["data"]["entries"]
    host_refs = Counter(e["ref_id"] for e in ledger)

    assert sum(after.values()) >= 20, "the children should have taken payments"
    assert S.SENDING not in after
    assert set(after) <= {S.SUCCESS, S.REFUND_DUE}, after  # every payment final after sync
    success = {ref for ref, p in local.items() if p.state == S.SUCCESS}
    assert all(count == 1 for count in host_refs.values()), "a payment was posted twice"
    assert set(host_refs) == success  # each local SUCCESS once at the host, and nothing else
    for entry in ledger:
        assert entry["premium"] == local[entry["ref_id"]].premium
    verdict = verifying.verify(engine)  # a kill rolls back a whole transaction, audit row included
    assert verdict.ok, verdict.reason
    engine.dispose()
