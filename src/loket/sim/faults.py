"""Fault injection for the simulator's host API endpoints (``POST /_sim/faults``): requests and
answers lost, late or garbled, and (``hostile.py``) payments booked and then lied about."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from loket.sim.hostile import HOSTILE, Liar

LOSSES = ("drop_before", "drop_after", "error_500", "slow", "garbage")  # requests, answers lost
MODES = ("none", *LOSSES, *HOSTILE)


@dataclass
class FaultPlan:
    mode: str = "none"
    rate: float = 1.0
    latency_ms: int = 0

    @classmethod
    def from_body(cls, body: dict) -> FaultPlan:
        mode = body.get("mode", "none")
        rate = body.get("rate", 1.0)
        latency = body.get("latency_ms", 0)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        if not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise ValueError("rate must be a number 0..1")
        if not isinstance(latency, int) or latency < 0:
            raise ValueError("latency_ms must be a non-negative integer")
        return cls(mode, float(rate), latency)


async def _drop(send) -> None:
    """Close the connection with no response at all (uvicorn's h11 cycle exposes its transport)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None:
        transport.abort()
        await asyncio.sleep(0.01)  # let uvicorn see the disconnect, so it sends no 500
        return
    raise ConnectionAbortedError("simulated drop")  # other servers: best effort


class FaultInjector:
    """Outermost ASGI middleware: decides per request whether a fault hits it."""

    def __init__(
        self,
        app,
        plan: FaultPlan,
        seed: int = 1,
        paths: tuple[str, ...] = ("/v1/",),
        profile: str = "loket",
    ) -> None:
        self.app = app
        self.plan = plan
        self.rng = random.Random(seed)
        self.paths = paths  # path prefixes faults hit: the host API, never /_sim/
        self.liar = Liar(profile)

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        api = scope["type"] == "http" and path.startswith(self.paths) and path != "/v1/health"
        applies = api and self.plan.mode != "none" and self.rng.random() < self.plan.rate
        if api and (self.plan.mode in HOSTILE or self.liar.flipped):
            await self.liar(
                self.plan.mode, applies, self.plan.latency_ms, scope, receive, send, self.app
            )
            return
        if not applies:
            await self.app(scope, receive, send)
            return
        mode = self.plan.mode
        if mode == "slow":
            await asyncio.sleep(self.plan.latency_ms / 1000)
            await self.app(scope, receive, send)
        elif mode == "drop_before":
            await _drop(send)
        elif mode == "drop_after":

            async def swallow(_message) -> None:
                return None

            await self.app(scope, receive, swallow)
            await _drop(send)
        elif mode == "error_500":
            await _respond(send, 500, b'{"data": {"status": "error", "rc": "99"}}')
        elif mode == "garbage":
            await _respond(send, 200, b"<html>502 Bad Gateway \x00\xff</html>")


async def _respond(send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
