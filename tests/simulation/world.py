"""One simulated world in one process: the simulator's app and loket's real runtime, wired
together by an in-process transport (no sockets, no threads of our own beyond the event loop
portal that runs the ASGI app), on one simulated clock.

What the simulation owns and a crash does not drop: the simulator (another machine), the clock,
the reference counter (a ULID is unique across restarts; this counter stands in for it), and the
database files. Everything loket holds in memory is the ``Runtime``, rebuilt by ``reopen()``.
"""

from __future__ import annotations

import itertools
import json
import re
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import httpx
from anyio.from_thread import BlockingPortal, start_blocking_portal

from loket.clock import WIB, FixedClock
from loket.config import training_config
from loket.host.base import HostAdapter
from loket.host.digiflazz.client import DigiflazzHost
from loket.host.iak.client import IakHost
from loket.host.native.client import NativeHost
from loket.host.signing import Stamps, signed_headers
from loket.printing.backends import Delivery, PrinterSettings
from loket.service.runtime import Runtime, build_runtime
from loket.sim.app import SimSettings, create_app
from loket.sim.faults import FaultInjector
from loket.store import shifts

START = datetime(2026, 11, 21, 9, 0, 0, tzinfo=WIB)
AGENT = "AGT-SIM"
KEY = "sim-key-not-secret"
URL = "http://sim.invalid"
CASHIER = "latihan"
FLOAT = 500_000
FAMILIES = 2_000  # the generated population the cashiers draw from


class InProcess(httpx.BaseTransport):
    """A sync httpx transport that runs each request through the ASGI app on a portal's loop.
    An exception inside the app (the simulator's drop faults raise ``ConnectionAbortedError``
    when there is no socket to abort) reaches the client as it would from a dead connection."""

    def __init__(self, app: FaultInjector, portal: BlockingPortal) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            answer = await self._asgi.handle_async_request(request)
            body = await answer.aread()
            return httpx.Response(answer.status_code, headers=answer.headers, content=body)

        return self._portal.call(call)


class World:
    def __init__(self, root: Path, profile: str = "loket", seed: int = 1) -> None:
        self.root = root
        self.profile = profile
        self.clock = FixedClock(START)
        self.settings = SimSettings(
            agent_id=AGENT,
            key=KEY,
            seed=seed,
            db_path=str(root / "sim.db"),
            families=FAMILIES,
            pending_delay_s=30.0,
            clock=self.clock,
            profile=profile,
            timer=self.timer,
        )
        self.app = create_app(self.settings)
        self._stack = ExitStack()
        self.portal = self._stack.enter_context(start_blocking_portal())
        self.transport = InProcess(self.app, self.portal)
        # the host's signatures are aged by the simulated clock; a burst waits by moving it
        self.stamps = Stamps(clock=self.timer, sleep=lambda s: self.clock.advance(seconds=s))
        self._refs = itertools.count(1)
        self._looks = 0
        self._host_refs = itertools.count(1)
        self.rt: Runtime | None = None

    def timer(self) -> float:
        return self.clock.now().timestamp()

    def new_ref(self, kind: str) -> str:
        return f"{kind}-S{next(self._refs):06d}"

    # -- loket ----------------------------------------------------------------------------------
    def host(self) -> HostAdapter:
        """The real adapter on the in-process transport. The aggregators' fresh references (a
        ULID, a random suffix) come from a counter instead, so that a seed replays exactly."""
        if self.profile == "digiflazz":
            digiflazz = DigiflazzHost(
                URL, AGENT, KEY, testing=True, transport=self.transport, clock=self.clock
            )
            digiflazz.new_ref = lambda _ref, _seq: f"SIM{next(self._host_refs):023d}"  # type: ignore[method-assign]
            return digiflazz
        if self.profile == "iak":
            iak = IakHost(URL, AGENT, KEY, transport=self.transport, clock=self.clock)
            iak.new_ref = (
                lambda ref, seq: (  # type: ignore[method-assign]
                    f"{re.sub('[^A-Za-z0-9]', '', ref)[-20:]}{seq:03d}{next(self._host_refs):06X}"
                )
            )
            return iak
        return NativeHost(URL, AGENT, KEY, transport=self.transport, stamps=self.stamps)

    def open(self) -> Runtime:
        config = training_config(self.root, self.profile)
        delivery = Delivery(PrinterSettings(backend="dummy"))
        rt = build_runtime(
            config,
            self.host(),
            clock=self.clock,
            new_ref=self.new_ref,
            training_pin="123456",
            delivery=delivery,
        )
        rt.counter.sleep = self.clock_sleep
        rt.counter.settings.pending_wait_s = 0.0  # a pending answer is the forwarder's to settle
        if shifts.current(rt.engine, CASHIER) is None:
            shifts.open_shift(rt.engine, CASHIER, FLOAT, self.clock.now().isoformat())
        self.rt = rt
        return rt

    def clock_sleep(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)

    def crash(self) -> Runtime:
        """Drop every object loket held and open the database again, as a restart does."""
        if self.rt is not None:
            self.rt.close()
        self.rt = None
        rt = self.open()
        rt.counter.forwarder.recover()
        return rt

    # -- the simulator's side ------------------------------------------------------------------
    def faults(self, mode: str, rate: float = 1.0) -> None:
        self.app.plan.mode, self.app.plan.rate, self.app.plan.latency_ms = mode, rate, 0

    def host_ledger(self) -> list[dict]:
        """``/_sim/ledger`` (pending payments that are due resolve first), never faulted."""
        # each look its own target, so that no two are the same signed request: the signing
        # pace (one identical request per second) would otherwise move the clock
        self._looks += 1
        target = f"/_sim/ledger?look={self._looks}"
        with httpx.Client(base_url=URL, transport=self.transport) as client:
            request = client.build_request("GET", target)
            stamp = int(self.timer())
            request.headers.update(signed_headers(AGENT, KEY, "GET", target, b"", stamp))
            answer = client.send(request)
        assert answer.status_code == 200, answer.text
        entries: list[dict] = json.loads(answer.content)["data"]["entries"]
        return entries

    def close(self) -> None:
        if self.rt is not None:
            self.rt.close()
            self.rt = None
        self._stack.close()
