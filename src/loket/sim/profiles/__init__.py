"""Host profiles: the simulator speaking Digiflazz's or IAK's API instead of the native protocol.

``create_app`` (``sim/app.py``) hands over here when ``SimSettings.profile`` is not ``"loket"``,
passing the native ``/_sim/`` control routes (faults, clock, deposit, customers) and its
``endpoint`` wrapper, so the controls and their ``X-Loket-*`` authentication are the native ones:
the agent id is the profile's username (``SimSettings.agent_id``), the key its API key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from loket.sim.faults import FaultInjector, FaultPlan
from loket.sim.ledger import SimLedger
from loket.sim.population import Population
from loket.sim.profiles import digiflazz, iak
from loket.sim.profiles.engine import Engine

PROFILES = ("loket", "digiflazz", "iak")
API_PATHS = {  # what the fault modes hit in each profile
    "digiflazz": ("/v1/transaction", "/v1/cek-saldo"),
    "iak": ("/api/v1/bill/check",),
}


def _api(path: str, handler: Callable[[bytes], tuple[int, dict]]) -> Route:
    async def handle(request: Request) -> Response:
        try:
            raw = await request.body()
        except ClientDisconnect:  # the client gave up (e.g. a "slow" fault): nothing to do
            return Response(status_code=499)
        status, body = await run_in_threadpool(handler, raw)
        return JSONResponse(body, status_code=status)

    return Route(path, handle, methods=["POST"])


def profile_app(
    settings,
    ledger: SimLedger,
    population: Population,
    plan: FaultPlan,
    endpoint: Callable,
    controls: Sequence[BaseRoute],
) -> FaultInjector:
    if settings.profile not in API_PATHS:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}")
    dialect = digiflazz if settings.profile == "digiflazz" else iak
    engine = Engine(
        settings.profile,
        ledger,
        population,
        settings.clock,
        settings.pending_delay_s,
        settings.min_status_interval_s,
        failed_rc=dialect.PENDING_FAILS_WITH,
        host_reference=dialect.host_reference,
        timer=settings.timer,
    )
    if settings.profile == "digiflazz":
        buyer_api = digiflazz.Digiflazz(engine, settings.agent_id, settings.key)
        api = [
            _api("/v1/transaction", buyer_api.transaction),
            _api("/v1/cek-saldo", buyer_api.deposit),
        ]
    else:
        postpaid = iak.Iak(engine, settings.agent_id, settings.key, settings.inquiry_ttl_s)
        api = [_api("/api/v1/bill/check", postpaid.bill_check)]

    def ledger_entries(_body: dict) -> tuple[int, dict]:
        with ledger.transaction():
            return 200, {"entries": engine.entries()}

    routes = [*api, Route("/_sim/ledger", endpoint(ledger_entries), methods=["GET"]), *controls]
    return FaultInjector(
        Starlette(routes=routes),
        plan,
        seed=settings.seed,
        paths=API_PATHS[settings.profile],
        profile=settings.profile,
    )
