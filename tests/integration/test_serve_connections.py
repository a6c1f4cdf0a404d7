"""Half-open connections (issue 19): a client that never finishes its request holds nothing for
long, and a flood of them holds no more than `[serve] max_connections`, while the POS is still
answered. Raw sockets against a real `loket serve` process; its descriptors counted in /proc."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time

import httpx
import pytest

from tests.conftest import AGENT, KEY
from tests.durability import config_for, ledger
from tests.integration.test_serve import AUTH, NUMBER, TOKEN, Served


@pytest.fixture
def config(tmp_path, sim):
    return config_for(tmp_path, ledger(tmp_path / "loket.db", paid=0), sim.url, AGENT, KEY)


def _open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _closed_by_server(conn: socket.socket, until: float) -> float | None:
    """When the server closed ``conn`` (monotonic), or None if it was still open at ``until``."""
    while time.monotonic() < until:
        conn.settimeout(max(0.01, until - time.monotonic()))
        try:
            if conn.recv(4096) == b"":
                return time.monotonic()
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic()
        except TimeoutError:
            return None
    return None


def _with_limits(config, **limits) -> None:
    lines = "".join(f"{key} = {value}\n" for key, value in limits.items())
    config.write_text(config.read_text() + f"[serve]\n{lines}")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_half_open_connections_are_closed_within_the_bound_and_a_request_is_still_answered(
    config, tmp_path, sim
):
    _with_limits(config, read_timeout_s=3)
    logs = tmp_path / "logs"
    server = Served(config, env={"LOKET_LOG_DIR": str(logs)}).ready()
    stalls: list[socket.socket] = []
    tricklers: list[socket.socket] = []
    trickling = threading.Event()
    try:
        before = _open_fds(server.proc.pid)
        head = f"POST /v1/inquiry HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        partial = [
            b"",  # connected, nothing said
            b"GE",  # half a request line
            head.encode(),  # headers never finished
            (
                head + f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                'Content-Length: 200\r\n\r\n{"number": "00'
            ).encode(),
        ]  # body never finished
        started = time.monotonic()
        for i in range(40):
            conn = socket.create_connection(("127.0.0.1", server.port))
            conn.sendall(partial[i % len(partial)])
            stalls.append(conn)
        tricklers += [socket.create_connection(("127.0.0.1", server.port)) for _ in range(4)]

        def trickle():  # a byte at a time, never idle, never done
            for n in range(200):
                if trickling.wait(0.2):
                    return
                for conn in tricklers:
                    with contextlib.suppress(OSError):  # closed by the server: as it should
                        conn.send(head.encode()[n : n + 1] or b"X")

        trickler = threading.Thread(target=trickle)
        trickler.start()
        time.sleep(0.3)
        assert _open_fds(server.proc.pid) >= before + 40  # all of them held, for now
        sim.faults("slow", latency_ms=3000)  # an answer slower than read_timeout_s is not cut
        slow: list[httpx.Response] = []
        asking = threading.Thread(
            target=lambda: slow.append(server.call("POST", "/v1/inquiry", json={"number": NUMBER}))
        )
        asking.start()
        with httpx.Client(base_url=server.url, headers=AUTH) as pos:  # one kept-alive connection
            answered = [pos.get("/v1/queue"), time.sleep(0.5), pos.get("/v1/queue")]
        assert [r.status_code for r in answered if r] == [200, 200]
        answered_at = time.monotonic()
        bound = started + 3 + 3  # read_timeout_s, and slack for a loaded machine
        closed = [_closed_by_server(conn, bound) for conn in stalls + tricklers]
        assert None not in closed, f"{closed.count(None)} of 44 still open after the bound"
        assert answered_at < min(closed)  # the POS answered while all of them were held
        assert min(closed) - started >= 2.5  # closed by the deadline, not at once
        asking.join()
        deadline = time.monotonic() + 3
        while _open_fds(server.proc.pid) > before + 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _open_fds(server.proc.pid) <= before + 2  # (the host's kept-alive connection)
        assert slow[0].status_code == 200 and slow[0].json()["ok"], slow[0].text
        assert server.call("GET", "/v1/queue").status_code == 200
    finally:
        trickling.set()
        for conn in stalls + tricklers:
            conn.close()
        said = _stop(server)
    assert "Traceback" not in said and "Exception" not in said, said  # closed quietly
    logged = (logs / "loket.log").read_text()
    assert "Traceback" not in logged and "ClientDisconnect" not in logged, logged


def _stop(server: Served) -> str:
    """Stops ``server``; what it wrote on stderr."""
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(timeout=20)
    finally:
        said = server.proc.stderr.read()
        server.stop()
    return said


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_past_max_connections_the_oldest_waiting_are_closed_and_the_pos_still_answered(config):
    _with_limits(config, read_timeout_s=60, max_connections=16)
    server = Served(config).ready()
    stalls: list[socket.socket] = []
    try:
        before = _open_fds(server.proc.pid)
        for _ in range(60):
            stalls.append(socket.create_connection(("127.0.0.1", server.port)))
            stalls[-1].sendall(b"GET /v1/queue HTTP/1.1\r\n")
        time.sleep(0.5)
        assert _open_fds(server.proc.pid) <= before + 16  # never more than the limit held
        started = time.monotonic()
        answered = server.call("GET", "/v1/queue")
        assert answered.status_code == 200 and time.monotonic() - started < 2
        closed = [_closed_by_server(conn, time.monotonic() + 0.2) for conn in stalls]
        assert sum(1 for when in closed if when is not None) >= 60 - 16 + 1
        assert closed[-1] is None  # the newest kept: the oldest waiting went first
    finally:
        for conn in stalls:
            conn.close()
        server.stop()
