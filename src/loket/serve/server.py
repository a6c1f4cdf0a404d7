"""``loket serve``: the local API as a resident process, with the forwarding loop running beside it
(``service/forwarding.py``: the payments to the host, and the owner's hub with ``[hub]``).

One ``loket serve`` per database (its own lock beside the database file); the forwarder takes the
usual forwarder lock, so it stands aside while the counter's window or ``loket sync`` holds it and
takes over when they let go.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

import uvicorn

from loket import logs
from loket.errors import LoketError
from loket.serve.app import create_app
from loket.serve.connections import KEEP_ALIVE_S, MAX_HEAD, Limits, protocol
from loket.serve.door import Door
from loket.service.forwarding import ForwardingLoop
from loket.service.runtime import Runtime
from loket.sync.lock import ForwarderLock

log = logging.getLogger("loket.serve")


class ServeRunning(LoketError):
    exit_code = 3  # as `loket sync` when another forwarder holds the database


def run(rt: Runtime, host: str, port: int, token: str, out: Callable[[str], None] = print) -> int:
    logs.redact(token)
    only_one = ForwarderLock(rt.database_path, role="serve")
    if not only_one.acquire():
        raise ServeRunning(
            f"loket serve lain sudah berjalan untuk database {rt.database_path}; "
            "yang ini tidak dijalankan"
        )
    try:
        desk = rt.pos_desk()
        account = desk.account()  # refused now, in one line, not at the first payment
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        bound = sock.getsockname()[1]
        forwarding = ForwardingLoop(rt, actor="serve").start()  # and the hub, with [hub]
        try:
            serve = rt.config.serve
            door = Door(host, bound, serve.allowed_origins)
            limits = Limits(serve.read_timeout_s, serve.max_connections)
            config = uvicorn.Config(
                create_app(desk, token, door),
                http=protocol(limits),
                timeout_keep_alive=KEEP_ALIVE_S,
                h11_max_incomplete_event_size=MAX_HEAD,
                ws="none",
                proxy_headers=False,  # no WebSocket, no proxy
                log_level="warning",
                access_log=False,
                lifespan="off",
            )
            out(
                f"loket serve: http://{host}:{bound}  akun POS {account.id}  "
                f"database {rt.database_path}"
            )
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            forwarding.stop()
            sock.close()
    finally:
        only_one.release()
    return 0
