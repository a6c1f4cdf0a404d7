"""The simulator's HTTP face: the native protocol v1 plus the ``/_sim/`` controls."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Scope

from loket.clock import WIB, OffsetClock, SettableClock, iso
from loket.host.signing import SeenSignatures, verify
from loket.sim.faults import FaultInjector, FaultPlan
from loket.sim.host import BadRequest, SimHost
from loket.sim.ledger import SimLedger
from loket.sim.population import SITUATIONS, Population


@dataclass
class SimSettings:
    agent_id: str = "AGT-SIM"
    key: str = ""
    seed: int = 1
    db_path: str = ":memory:"
    families: int = 60_000
    pending_delay_s: float = 5.0
    clock: SettableClock = field(default_factory=OffsetClock)
    # Host profiles (sim/profiles/): which API is served, and their request rules.
    profile: str = "loket"  # loket | digiflazz | iak
    min_status_interval_s: float = 60.0  # digiflazz/iak: one pay/status call per transaction
    inquiry_ttl_s: float = 900.0  # iak: how long an inquiry's tr_id can be paid
    # Real seconds: signatures' age, pending payments' delay, the aggregators' pacing. Only an
    # in-process simulation (tests/simulation/) hands in its own, to replay a seed exactly.
    timer: Callable[[], float] = time.time


def _reply(status: int, data: dict) -> JSONResponse:
    return JSONResponse({"data": data}, status_code=status)


def _error(status: int, rc: str, message: str) -> JSONResponse:
    return _reply(status, {"status": "failed", "rc": rc, "message": message})


def request_target(scope: Scope) -> str:
    """The request target as it came on the wire (path and ``?query``): what the client signed,
    so that neither the path nor the query can be altered in transit."""
    raw = scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string", b"")
    return (raw + b"?" + query if query else raw).decode("latin-1")


def create_app(settings: SimSettings) -> FaultInjector:
    if not settings.key:
        raise ValueError("the simulator needs a key")
    ledger = SimLedger(settings.db_path)
    population = Population(settings.seed, settings.families)
    host = SimHost(ledger, population, settings.clock, settings.pending_delay_s, settings.timer)
    plan = FaultPlan()
    seen = SeenSignatures()

    async def authed(request: Request) -> tuple[dict | None, JSONResponse | None]:
        raw = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        agent_ok = headers.get("x-loket-agent") == settings.agent_id
        # Signatures are checked against real time: the simulated clock only sets the business date.
        now = int(settings.timer())
        if not agent_ok or not verify(
            settings.key, headers, request.method, request_target(request.scope), raw, now
        ):
            return None, _error(401, "41", "Autentikasi gagal")
        if not seen.first_time(
            headers["x-loket-signature"], int(headers["x-loket-timestamp"]), now
        ):
            return None, _error(
                401, "41", "Autentikasi gagal: permintaan ini sudah pernah diterima"
            )
        if request.method == "GET":
            return {}, None
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return None, _error(400, "40", "Body bukan JSON")
        if not isinstance(body, dict):
            return None, _error(400, "40", "Body harus objek JSON")
        return body, None

    def endpoint(method):
        async def handle(request: Request) -> Response:
            try:
                body, failure = await authed(request)
            except ClientDisconnect:  # the client gave up (a killed counter, a "slow" fault)
                return Response(status_code=499)
            if failure:
                return failure
            try:
                status, data = await run_in_threadpool(method, body)
            except BadRequest as exc:
                return _error(400, "40", str(exc))
            return _reply(status, data)

        return handle

    async def health(_request: Request) -> JSONResponse:
        return _reply(200, {"status": "ok", "time": iso(settings.clock.now())})

    def ledger_entries(_body: dict) -> tuple[int, dict]:
        with ledger.transaction():
            host.settle_due(ledger)
            return 200, {"entries": ledger.entries()}

    def set_faults(body: dict) -> tuple[int, dict]:
        try:
            new = FaultPlan.from_body(body)
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
        plan.mode, plan.rate, plan.latency_ms = new.mode, new.rate, new.latency_ms
        return 200, {
            "status": "ok",
            "mode": plan.mode,
            "rate": plan.rate,
            "latency_ms": plan.latency_ms,
        }

    def set_clock(body: dict) -> tuple[int, dict]:
        try:
            when = datetime.fromisoformat(body["now"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BadRequest("now must be an ISO 8601 time") from exc
        settings.clock.set(when if when.tzinfo else when.replace(tzinfo=WIB))
        return 200, {"status": "ok", "now": iso(settings.clock.now())}

    def set_deposit(body: dict) -> tuple[int, dict]:
        balance = body.get("balance")
        if not isinstance(balance, int) or isinstance(balance, bool) or balance < 0:
            raise BadRequest("balance must be a non-negative integer")
        with ledger.transaction():
            ledger.set_deposit(balance)
        return 200, {"status": "ok", "balance": balance}

    async def customers(request: Request) -> JSONResponse:
        _body, failure = await authed(request)
        if failure:
            return failure
        situation = request.query_params.get("situation", "current")
        limit = request.query_params.get("limit", "10")
        if situation not in SITUATIONS or not limit.isdigit():
            return _error(400, "40", f"situation must be one of {', '.join(SITUATIONS)}")
        found: list[dict[str, object]] = []
        for family in population.families():
            if len(found) >= int(limit):
                break
            if family.situation == situation and family.pending is None:
                head = family.members[0]
                found.append(
                    {
                        "card_no": head.card_no,
                        "va_no": "88888" + family.va_tail,
                        "situation": situation,
                        "members": len(family.members),
                    }
                )
        return _reply(200, {"customers": found})

    routes = [
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/inquiry", endpoint(host.inquiry), methods=["POST"]),
        Route("/v1/payment", endpoint(host.payment), methods=["POST"]),
        Route("/v1/status", endpoint(host.status), methods=["POST"]),
        Route("/v1/balance", endpoint(lambda _b: host.balance()), methods=["POST"]),
        Route("/_sim/ledger", endpoint(ledger_entries), methods=["GET"]),
        Route("/_sim/faults", endpoint(set_faults), methods=["POST"]),
        Route("/_sim/clock", endpoint(set_clock), methods=["POST"]),
        Route("/_sim/deposit", endpoint(set_deposit), methods=["POST"]),
        Route("/_sim/customers", customers, methods=["GET"]),
    ]
    if settings.profile != "loket":  # Digiflazz or IAK: that host's API, these same controls
        from loket.sim.profiles import profile_app

        controls = [r for r in routes if r.path.startswith("/_sim/") and r.path != "/_sim/ledger"]
        return profile_app(settings, ledger, population, plan, endpoint, controls)
    app = Starlette(routes=routes)
    return FaultInjector(app, plan, seed=settings.seed)
