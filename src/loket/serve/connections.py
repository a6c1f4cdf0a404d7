"""How long a request may take to arrive, and how many connections are held at once.

uvicorn closes a connection that stays idle ``timeout_keep_alive`` seconds after an answer, but
bounds neither the time a request takes to arrive (its ``data_received`` restarts nothing: a
client that sends half a request, or a byte now and then, is kept for ever; uvicorn issue 157
still lists ``timeout-request-start`` as to do) nor the connections it holds (``limit_concurrency``
answers 503 to a *complete* request over the limit and leaves a half-open one where it is). Each
such connection holds a file descriptor, and a process has about a thousand.

So ``loket serve`` speaks HTTP through uvicorn's own h11 protocol with two rules added:

* a request, headers and body, must have arrived ``read_timeout_s`` after the connection opened
  or after the previous answer went out; if not, the connection is closed (no answer: the client
  is not reading one);
* past ``max_connections`` connections, the one waiting longest for its request is closed; one
  that is being answered is never closed for this (if all are, the newcomer is).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

log = logging.getLogger("loket.serve")
KEEP_ALIVE_S = 5  # uvicorn's timeout_keep_alive: an idle connection after an answer
MAX_HEAD = 16_384  # h11's limit on headers still incomplete (uvicorn answers 400 past it)


@dataclass(frozen=True)
class Limits:
    read_timeout_s: float = 10.0
    max_connections: int = 64


def protocol(limits: Limits) -> type[asyncio.Protocol]:
    """uvicorn's ``http=`` for these limits."""
    return type("Bounded", (BoundedH11,), {"limits": limits})


class BoundedH11(H11Protocol):
    limits = Limits()

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.waiting_since: float | None = None  # for a request; None while one is answered
        self.deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_request()
        if len(self.connections) > self.limits.max_connections:
            self._make_room()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.DONE:  # all of it here: now it is being answered
            self._stop_clock()
            self.waiting_since = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is not h11.DONE:
            self._await_request()  # the next one (a pipelined one already in is being answered)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_clock()
        self.waiting_since = None
        super().connection_lost(exc)

    def _await_request(self) -> None:
        self._stop_clock()
        self.waiting_since = self.loop.time()
        self.deadline = self.loop.call_later(self.limits.read_timeout_s, self._too_slow)

    def _stop_clock(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _too_slow(self) -> None:
        self.deadline = None
        if self.waiting_since is not None and not self.transport.is_closing():
            log.debug(
                "closed a connection whose request did not arrive within %s s",
                self.limits.read_timeout_s,
            )
            self.transport.close()

    def _make_room(self) -> None:
        waiting = [
            c
            for c in self.connections
            if isinstance(c, BoundedH11)
            and c.waiting_since is not None
            and not c.transport.is_closing()
        ]
        if waiting:  # this one at least, unless it is closing already
            oldest = min(waiting, key=lambda c: c.waiting_since or 0.0)
            log.debug(
                "more than %s connections: closed the one waiting longest",
                self.limits.max_connections,
            )
            oldest.transport.close()
