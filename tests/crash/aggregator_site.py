"""The crash test of store-and-forward.md §5, for a host that pays its own inquiry (Digiflazz, IAK):
a simulator in that profile, a counter killed with SIGKILL at random moments in every fault mode,
then one sync; afterwards the counter's books and the host's ledger agree exactly."""

import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx

from loket.clock import SystemClock, iso
from loket.domain.states import PaymentState
from loket.host.signing import STAMPS, signed_headers
from loket.sim.faults import MODES
from loket.store import attempts, payments, verifying
from loket.store.opening import open_database
from tests.crash.killer import Killer

S = PaymentState
KILLS = int(os.environ.get("LOKET_CRASH_KILLS", "54"))
USER, KEY = "AGT-CRASH", "crash-test-key"
PAYER = Path(__file__).with_name("aggregator_payer.py")
ROOT = Path(__file__).parents[2]
NEXT_DAY_AFTER = 3  # sync runs today before the rest are run a day later
UNSETTLED = {S.PENDING, S.UNKNOWN, S.REJECTED, S.QUEUED, S.RECORDED, S.SENDING}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProfileSim:
    """``loket sim --profile …`` in its own process; its ``/_sim/`` controls signed natively."""

    def __init__(self, tmp: Path, profile: str) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = (tmp / "sim.log").open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "loket",
                "sim",
                "--profile",
                profile,
                "--port",
                self.url.rsplit(":", 1)[1],
                "--db",
                str(tmp / "sim.db"),
                "--agent",
                USER,
                "--key",
                KEY,
                "--pending-delay",
                "1",
                "--min-status-interval",
                "0",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.call("GET", "/_sim/customers?limit=1").status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("simulator did not start")

    def call(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        raw = json.dumps(body).encode() if body is not None else b""
        stamp = STAMPS.issue(USER, method, self.url + path, raw)
        headers = signed_headers(USER, KEY, method, path, raw, stamp)
        return httpx.request(method, self.url + path, content=raw, headers=headers, timeout=10)

    def faults(self, mode: str) -> None:
        body = {"mode": mode, "rate": 0.3, "latency_ms": 1500}
        assert self.call("POST", "/_sim/faults", body).status_code == 200

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def site(tmp: Path, profile: str) -> tuple[ProfileSim, Path]:
    sim = ProfileSim(tmp, profile)
    config = tmp / "loket.toml"
    config.write_text(f"""
[shop]
name = "CRASH TEST"
terminal_id = "T01"
[host]
url = "{sim.url}"
agent_id = "{USER}"
key_env = "LOKET_CRASH_KEY"
[database]
path = "{tmp / "loket.db"}"
[printer]
backend = "none"
""")
    return sim, config


def kill_and_sync(
    sim: ProfileSim, config: Path, tmp: Path, profile: str, test_numbers: list[str]
) -> dict:
    """Pay, SIGKILL, again, ``KILLS`` times round every fault mode; then sync until settled."""
    env = {**os.environ, "LOKET_CRASH_USER": USER, "LOKET_CRASH_KEY": KEY, "PYTHONPATH": str(ROOT)}
    current = sim.call("GET", "/_sim/customers?situation=current&limit=2000").json()
    numbers = [c["card_no"] for c in current["data"]["customers"]]
    # pending then posted, pending then failed; the test numbers (payable again and again) often
    numbers += ["0001000000078", "0001000000086"] + test_numbers * (len(numbers) // 20)
    (tmp / "numbers.txt").write_text("\n".join(numbers))
    killer = Killer(random.Random(20261122))  # while it recovers, inquires, records, sends, asks
    for kill in range(KILLS):
        sim.faults(MODES[kill % len(MODES)])
        err = killer.run(
            [sys.executable, str(PAYER), profile, str(config), str(tmp / "numbers.txt"), str(kill)],
            env,
        )
        assert "Traceback" not in err, err
    print(f"\n{profile}: kills timed from the children: {killer}")
    engine = open_database(tmp / "loket.db")
    before = Counter(p.state for p in payments.in_states(engine, set(S)))
    print(f"\n{profile}: after {KILLS} kills, before sync: {dict(before)}")
    sim.faults("none")
    days = 0
    for rounds in range(15):
        if rounds == NEXT_DAY_AFTER:  # what only the day's end settles (a Digiflazz quote
            days = 1  # that may still be paid today): sync again tomorrow, at host and counter
            tomorrow = SystemClock().now() + timedelta(days=days)
            assert sim.call("POST", "/_sim/clock", {"now": iso(tomorrow)}).status_code == 200
        run = subprocess.run(
            [sys.executable, str(PAYER), profile, str(config), "sync", str(days)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
        if not payments.in_states(engine, UNSETTLED):
            break
        time.sleep(1.2)
    print(f"{profile}: settled after {rounds + 1} sync runs ({days} day later)")
    ledger = sim.call("GET", "/_sim/ledger").json()["data"]["entries"]
    check(engine, ledger, profile)
    engine.dispose()
    return before


def events_of(engine, payment_id: int) -> list[tuple]:
    with engine.connect() as conn:
        return list(
            conn.exec_driver_sql(
                "SELECT at, from_state, to_state, rc, message, actor FROM paymentevent "
                "WHERE payment_id = ? ORDER BY id",
                (payment_id,),
            )
        )


def check(engine, ledger: list[dict], profile: str) -> None:
    local = {p.ref_id: p for p in payments.in_states(engine, set(S))}
    after = Counter(p.state for p in local.values())
    print(f"{profile}: after sync: {dict(after)}; host ledger: {len(ledger)} entries")
    assert sum(after.values()) >= min(20, KILLS), "the children should have taken payments"
    assert set(after) <= {S.SUCCESS, S.REFUND_DUE}, after  # nothing SENDING, pending, unknown

    owner = {}  # host reference -> the local payment whose attempt used it
    for payment in local.values():
        for attempt in attempts.of(engine, payment.id):
            assert not attempt.open, (payment.ref_id, attempt)  # nothing in flight at the host
            assert attempt.host_ref not in owner, "a host reference used by two attempts"
            owner[attempt.host_ref] = payment
    assert all(n == 1 for n in Counter(e["ref_id"] for e in ledger).values()), "ref paid twice"
    assert all(n == 1 for n in Counter(e["tr_id"] for e in ledger if e["tr_id"]).values())
    months = Counter((e["va_no"], p) for e in ledger for p in e["periods"])
    assert all(n == 1 for n in months.values()), "a family-month was posted twice"

    posted = Counter()
    for entry in ledger:  # every host booking is a local SUCCESS, at the premium collected
        payment = owner.get(entry["ref_id"])
        assert payment is not None and payment.state == S.SUCCESS, (
            entry,
            payment,
            payment and attempts.of(engine, payment.id),
            payment and [e for e in events_of(engine, payment.id)],
        )
        assert entry["premium"] == payment.premium
        posted[payment.ref_id] += 1
    success = {ref for ref, p in local.items() if p.state == S.SUCCESS}
    assert set(posted) == success and all(n == 1 for n in posted.values())  # once each
    verdict = verifying.verify(engine)
    assert verdict.ok, verdict.reason
