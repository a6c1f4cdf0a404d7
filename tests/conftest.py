"""Shared fixtures: a real simulator on loopback, a frozen clock, deterministic refs."""

from __future__ import annotations

import itertools
import json
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from loket.cli import boot
from loket.clock import CLOCK_ENV, WIB, FixedClock, iso
from loket.config import training_config
from loket.host.native.client import NativeHost
from loket.host.signing import STAMPS, signed_headers
from loket.printing.backends import Delivery, PrinterSettings
from loket.service.runtime import build_runtime
from loket.sim.app import SimSettings
from loket.sim.server import SimThread
from loket.store import shifts

# Tests (and the CLI processes they start) log to a throwaway folder, never the user's.
os.environ.setdefault("LOKET_LOG_DIR", tempfile.mkdtemp(prefix="loket-test-logs-"))
# ... and keep their audit key there too, never in the user's config folder.
os.environ.setdefault("LOKET_AUDIT_KEY", os.path.join(os.environ["LOKET_LOG_DIR"], "audit.key"))
# ... and python-escpos's parsed printer database, never in the user's cache folder.
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", os.environ["LOKET_LOG_DIR"])
# Parse it once, here, before any xdist worker or child process starts: python-escpos writes that
# pickle in place, so two first imports at once could read it half-written.
import escpos.capabilities  # noqa: E402,F401,I001

NOW = datetime(2026, 11, 21, 10, 0, 0, tzinfo=WIB)
# The suite's day, for every process it starts: a ``loket`` child reads its clock from
# ``LOKET_NOW`` (loket/clock.py), so it lives on the same day as the test's frozen clock whatever
# today's date is. A test whose clock is another passes its own (``clock_env``).
os.environ[CLOCK_ENV] = iso(NOW)


def clock_env(now: datetime | str, **more: str) -> dict[str, str]:
    """The environment for a process that must live at ``now`` (the test's clock)."""
    return {**os.environ, CLOCK_ENV: now if isinstance(now, str) else iso(now), **more}


AGENT = "AGT-TEST"
KEY = "test-key-not-secret"


class SimControl:
    """A running simulator plus its ``/_sim/`` controls, spoken over signed HTTP."""

    def __init__(self, thread: SimThread, clock: FixedClock) -> None:
        self.thread = thread
        self.clock = clock
        self.url = thread.url

    def call(self, method: str, path: str, body: dict | None = None) -> httpx.Response:
        raw = json.dumps(body).encode() if body is not None else b""
        with httpx.Client(timeout=10) as client:
            request = client.build_request(
                method, self.url + path, content=raw, headers={"Content-Type": "application/json"}
            )
            target = request.url.raw_path.decode()  # path and query, as on the wire
            stamp = STAMPS.issue(AGENT, method, str(request.url), raw)  # a repeat is no replay
            request.headers.update(signed_headers(AGENT, KEY, method, target, raw, stamp))
            return client.send(request)

    def faults(self, mode: str, rate: float = 1.0, latency_ms: int = 0) -> None:
        r = self.call(
            "POST", "/_sim/faults", {"mode": mode, "rate": rate, "latency_ms": latency_ms}
        )
        assert r.status_code == 200, r.text

    def ledger(self) -> list[dict]:
        return self.call("GET", "/_sim/ledger").json()["data"]["entries"]

    def deposit(self, balance: int) -> None:
        assert self.call("POST", "/_sim/deposit", {"balance": balance}).status_code == 200

    def host(self, **kw) -> NativeHost:
        return NativeHost(self.url, AGENT, KEY, **kw)


def start_sim(db: str = ":memory:", pending_delay_s: float = 0.3) -> SimControl:
    clock = FixedClock(NOW)
    settings = SimSettings(
        agent_id=AGENT,
        key=KEY,
        db_path=db,
        families=60_000,
        pending_delay_s=pending_delay_s,
        clock=clock,
    )
    return SimControl(SimThread(settings).start(), clock)


@pytest.fixture
def sim():
    control = start_sim()
    yield control
    control.thread.stop()


def refs(prefix: str = "T"):
    counter = itertools.count(1)
    return lambda kind: f"{kind}-{prefix}{next(counter):04d}"


def make_runtime(
    tmp_path: Path,
    sim: SimControl,
    *,
    printer: PrinterSettings | None = None,
    clock: FixedClock | None = None,
    **config_changes,
):
    config = training_config(tmp_path)
    config.host.agent_id = AGENT
    for section, values in config_changes.items():
        for key, value in values.items():
            setattr(getattr(config, section), key, value)
    delivery = Delivery(printer or PrinterSettings(backend="dummy"))
    rt = build_runtime(
        config,
        sim.host(),
        clock=clock or FixedClock(NOW),
        new_ref=refs(),
        training_pin="123456",
        delivery=delivery,
        training_host=boot.training_host(config),
    )
    if shifts.current(rt.engine, "latihan") is None:
        shifts.open_shift(rt.engine, "latihan", 100_000, "2026-11-21T08:00:00+07:00")
    rt.counter.sleep = lambda _s: time.sleep(0.05)
    rt.counter.settings.pending_wait_s = 3.0
    return rt


@pytest.fixture
def runtime(tmp_path, sim):
    rt = make_runtime(tmp_path, sim)
    yield rt
    rt.close()
