"""A payment request still on its way when the counter is killed is never paid again under a new
reference (issues 18 and 25): `loket sim --profile digiflazz` holds the `pay-pasca` request 5 s
and then books it (`late_booking`); the paying process is killed with SIGKILL while the request is
on its way; the counter starts again 2 s later (`sync --once`). Status answers rc 50 ("not
found"), because the request has not arrived. The documented test number has no family check at
the host: paying it again under a second reference would be booked twice when the first lands.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from loket.domain.attempts import AttemptState
from loket.domain.states import PaymentState
from loket.store import attempts, payments
from loket.store.opening import open_database
from tests.crash.aggregator_site import KEY, PAYER, ROOT, USER, site

S, A = PaymentState, AttemptState
NUMBER = "9801234560001"  # Digiflazz's "pending, then success" test number
LATE_S = 5.0


def paying_attempt(engine):
    for payment in payments.in_states(engine, set(S)):
        for attempt in attempts.of(engine, payment.id):
            if attempt.state is A.PAYING:
                return payment, attempt
    return None


def sync(config, env) -> None:
    run = subprocess.run(
        [sys.executable, str(PAYER), "digiflazz", str(config), "sync", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_request_on_its_way_when_the_counter_is_killed_is_booked_once(tmp_path):
    sim, config = site(tmp_path, "digiflazz")
    env = {**os.environ, "LOKET_CRASH_USER": USER, "LOKET_CRASH_KEY": KEY, "PYTHONPATH": str(ROOT)}
    (tmp_path / "numbers.txt").write_text(NUMBER)
    try:
        assert sim.call(
            "POST",
            "/_sim/faults",
            {"mode": "late_booking", "rate": 1.0, "latency_ms": int(LATE_S * 1000)},
        ).is_success
        child = subprocess.Popen(
            [
                sys.executable,
                str(PAYER),
                "digiflazz",
                str(config),
                str(tmp_path / "numbers.txt"),
                "1",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        engine = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the attempt is written before the request goes
            if engine is None and (tmp_path / "loket.db").exists():
                engine = open_database(tmp_path / "loket.db")
            found = paying_attempt(engine) if engine is not None else None
            if found:
                break
            time.sleep(0.05)
        assert engine is not None and found, "the child never sent its payment"
        sent_at = time.monotonic()
        time.sleep(0.3)  # on its way: held by the host, the child waiting for its answer
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert sim.call("POST", "/_sim/faults", {"mode": "none"}).is_success
        payment, first = found

        time.sleep(2.0)  # the counter starts again: "not found" at status, the request not in
        sync(config, env)
        assert sim.call("GET", "/_sim/ledger").json()["data"]["entries"] == []
        tried = attempts.of(engine, payment.id)
        assert [a.host_ref for a in tried] == [first.host_ref], "a new reference was minted"
        assert payments.get(engine, payment.ref_id).state == S.UNKNOWN

        time.sleep(max(0.0, sent_at + LATE_S + 1.5 - time.monotonic()))  # it lands, is booked
        for _ in range(10):
            sync(config, env)
            if payments.get(engine, payment.ref_id).state == S.SUCCESS:
                break
            time.sleep(0.5)
        ledger = sim.call("GET", "/_sim/ledger").json()["data"]["entries"]
        assert [e["ref_id"] for e in ledger] == [first.host_ref]  # one booking, the first
        assert payments.get(engine, payment.ref_id).state == S.SUCCESS
        engine.dispose()
    finally:
        sim.stop()
