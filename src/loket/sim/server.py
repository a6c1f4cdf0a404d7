"""Run the simulator: standalone (``loket sim``) or in a background thread (training mode, tests)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from loket.sim.app import SimSettings, create_app


def _config(settings: SimSettings, log_level: str) -> uvicorn.Config:
    # h11 explicitly: the drop faults rely on its connection object; no access log (keys stay out).
    return uvicorn.Config(
        create_app(settings), http="h11", log_level=log_level, access_log=False, lifespan="off"
    )


def serve(settings: SimSettings, host: str = "127.0.0.1", port: int = 8765) -> None:
    config = _config(settings, "warning")
    config.host, config.port = host, port
    uvicorn.Server(config).run()


class SimThread:
    """The simulator on a free loopback port, in a daemon thread of this process."""

    def __init__(self, settings: SimSettings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted connections only then,
        # and without it every small response waits ~40 ms for a delayed ACK.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.host, self.port = self.sock.getsockname()
        # off the main thread uvicorn installs no signal handlers (Server.capture_signals)
        self.server = uvicorn.Server(_config(settings, "error"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, name="loket-sim", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> SimThread:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("simulator did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()

    def __enter__(self) -> SimThread:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
