"""The local API's door (issue 19): who may knock, and for how long. A token nobody can guess, a
request addressed to this server only, a web page only from an origin the owner allowed, and no
connection held open by a client that never finishes its request. Over loopback HTTP against a
real `loket serve` process, as a shop's POS (or an attacker's page in the cashier's browser)
reaches it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from loket.config import ConfigError
from tests.conftest import AGENT, KEY
from tests.durability import config_for, ledger, one_line
from tests.integration.test_serve import AUTH, NUMBER, TOKEN, Served


@pytest.fixture
def config(tmp_path, sim):
    return config_for(tmp_path, ledger(tmp_path / "loket.db", paid=0), sim.url, AGENT, KEY)


def _serve(config, token: str, *args: str, timeout: float = 15) -> subprocess.CompletedProcess:
    """`loket serve` with this token; one that starts is ended and reported as started."""
    proc = subprocess.Popen([sys.executable, "-m", "loket", "--config", str(config), "serve",
                             "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "LOKET_SERVE_TOKEN": token})
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"loket serve started with the token {token!r}: {out}") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("token, why", [
    (" " * 16, "spasi"),
    ("\t" * 20, "spasi"),
    ("serve-test-token 0123456789", "spasi"),
    ("aaaaaaaaaaaaaaaa", "mudah ditebak"),
    ("0123456789abcdef", "mudah ditebak"),
    ("passwordpassword", "mudah ditebak"),
    ("qwertyuiopasdfghjkl", "mudah ditebak"),
    ("Kasir2026Kasir2026", "mudah ditebak"),
    ("tokén-dengan-huruf-aksen-0123", "ASCII"),
])
def test_a_weak_or_blank_token_is_refused_before_serve_starts(config, token, why):
    run = _serve(config, token)
    line = one_line(run)
    assert run.returncode == 2, run.stderr
    assert "[serve] token_env" in line and "LOKET_SERVE_TOKEN" in line and why in line, line
    assert "loket serve --new-token" in line  # and how to get a good one
    assert token.strip() not in line or not token.strip()  # the token itself is never shown


def test_new_token_prints_a_strong_token_and_where_it_goes(config, monkeypatch):
    tokens = set()
    for _ in range(3):
        run = subprocess.run([sys.executable, "-m", "loket", "--config", str(config), "serve",
                              "--new-token"], capture_output=True, text=True, timeout=60,
                             env={k: v for k, v in os.environ.items()
                                  if k != "LOKET_SERVE_TOKEN"})  # needs no token to make one
        assert run.returncode == 0, run.stderr
        [assignment] = run.stdout.splitlines()
        name, _, token = assignment.partition("=")
        assert name == "LOKET_SERVE_TOKEN" and len(token) >= 40, assignment
        hint = one_line(run)  # where to put it: one Indonesian line, on stderr
        assert "LOKET_SERVE_TOKEN" in hint and "Authorization: Bearer" in hint, hint
        tokens.add(token)
        from loket.config import load_config

        monkeypatch.setenv("LOKET_SERVE_TOKEN", token)
        assert load_config(config).serve.token() == token  # the check takes what it made
    assert len(tokens) == 3


def test_new_token_names_the_variable_the_configuration_names(config, monkeypatch):
    config.write_text(config.read_text() + '[serve]\ntoken_env = "TOKO_API_TOKEN"\n')
    run = subprocess.run([sys.executable, "-m", "loket", "--config", str(config), "serve",
                          "--new-token"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.startswith("TOKO_API_TOKEN="), run.stdout
    assert "TOKO_API_TOKEN" in one_line(run)


def test_a_strong_token_is_taken_as_it_is(tmp_path, monkeypatch):
    from loket.config import load_config

    serve = load_config(config_for(tmp_path, tmp_path / "x.db")).serve
    for token in ("serve-test-token-0123456789", "kJ8#mQ2$vL9@pX4!", "_U2sD-vfRWagWuCd"):
        monkeypatch.setenv("LOKET_SERVE_TOKEN", token)
        assert serve.token() == token
    monkeypatch.setenv("LOKET_SERVE_TOKEN", "x" * 300)
    with pytest.raises(ConfigError, match="paling panjang"):
        serve.token()


# -- Host and Origin: a web page in the cashier's browser cannot reach the API --------------------

@pytest.fixture
def served(config):
    server = Served(config).ready()
    yield server
    server.stop()


def test_a_request_addressed_to_another_name_is_refused_as_dns_rebinding_would_send_it(served):
    port = served.port
    for host in (f"kasir-promo.example:{port}", f"127.0.0.1.nip.io:{port}", f"127.0.0.1:{port + 1}",
                 "127.0.0.1", f"localhost.:{port}", f"[::2]:{port}", f"127.0.0.1:{port}@x"):
        for method, path in (("GET", "/v1/queue"), ("POST", "/v1/inquiry"),
                             ("GET", "/openapi.json")):
            r = httpx.request(method, served.url + path, headers={"Host": host, **AUTH},
                              json={"number": NUMBER})
            assert (r.status_code, r.json()["code"]) == (421, "host_not_allowed"), (host, r.text)
            assert f"127.0.0.1:{port}" in r.json()["message"]  # where it does answer
    no_token = httpx.get(served.url + "/v1/queue", headers={"Host": f"evil.example:{port}"})
    assert no_token.status_code == 421  # the door before the token: nothing to probe
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}",
                 f"[::1]:{port}"):
        r = httpx.get(served.url + "/v1/queue", headers={"Host": host, **AUTH})
        assert r.status_code == 200 and r.json()["count"] == 0, (host, r.text)


def test_the_address_given_with_host_is_its_own(config):
    server = Served(config, host="127.0.0.2").ready()
    try:
        here = httpx.get(server.url + "/v1/queue", headers=AUTH)  # Host: 127.0.0.2:port
        assert here.status_code == 200, here.text
        elsewhere = httpx.get(server.url + "/v1/queue",
                              headers={**AUTH, "Host": f"127.0.0.3:{server.port}"})
        assert elsewhere.status_code == 421
    finally:
        server.stop()


def test_listening_on_every_interface_it_answers_the_machine_s_addresses_never_a_name():
    from loket.serve.app import create_app
    from loket.serve.door import Door

    app = create_app(None, TOKEN, Door("0.0.0.0", 8780))  # type: ignore[arg-type]  (no payment)

    async def get(url: str) -> httpx.Response:  # in process: the property is the app's
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
            return await client.get(url)

    for base, answered in (("http://192.168.1.10:8780", True), ("http://[fe80::1]:8780", True),
                           ("http://localhost:8780", True), ("http://kasir.local:8780", False),
                           ("http://192.168.1.10.nip.io:8780", False),
                           ("http://192.168.1.10:8781", False)):
        r = asyncio.run(get(base + "/openapi.json"))
        assert (r.status_code == 200) is answered, (base, r.text)
        if not answered:
            assert r.json()["code"] == "host_not_allowed"
            assert "alamat IP komputer ini:8780" in r.json()["message"]


def test_a_web_page_from_an_origin_not_allowed_is_refused_and_pays_nothing(served, sim):
    for origin in ("http://kasir-promo.example", "null", f"http://127.0.0.1:{served.port + 1}"):
        r = served.pay("pos-order-from-a-page", headers={"Origin": origin})
        assert (r.status_code, r.json()["code"]) == (403, "origin_not_allowed"), (origin, r.text)
        assert "[serve] allowed_origins" in r.json()["message"]
        assert "access-control-allow-origin" not in r.headers
    assert sim.ledger() == []
    assert served.pay("pos-order-no-origin").status_code == 200  # a POS program sends none


def test_the_refusals_at_the_door_are_in_the_openapi_document(served):
    doc = httpx.get(served.url + "/openapi.json").json()
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            responses = op["responses"]
            assert "host_not_allowed" in responses["421"]["description"], (path, method)
            assert "origin_not_allowed" in responses["403"]["description"], (path, method)


def test_a_web_front_the_owner_allowed_may_call_it_from_a_browser(config, sim):
    config.write_text(config.read_text() + '[serve]\nallowed_origins = '
                      '["http://Kasir.Toko.local:3000", "https://pos.toko.id:443"]\n')
    server = Served(config).ready()
    try:
        for origin in ("http://kasir.toko.local:3000", "https://pos.toko.id"):
            preflight = httpx.options(server.url + "/v1/payments", headers={
                "Origin": origin, "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type,idempotency-key"})
            assert preflight.status_code == 200, preflight.text
            assert preflight.headers["access-control-allow-origin"] == origin
            assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
        paid = server.pay("pos-order-web", headers={"Origin": "http://kasir.toko.local:3000"})
        assert paid.status_code == 200 and paid.json()["state"] == "SUCCESS", paid.text
        assert paid.headers["access-control-allow-origin"] == "http://kasir.toko.local:3000"
        other = server.pay("pos-order-web-2", headers={"Origin": "http://kasir.toko.local:3001"})
        assert other.status_code == 403
        assert len(sim.ledger()) == 1
    finally:
        server.stop()


@pytest.mark.parametrize("value, why", [
    ('["*"]', "bukan asal halaman web"), ('["null"]', "bukan asal halaman web"),
    ('["http://kasir.local/app"]', "bukan asal halaman web"),
    ('["ftp://kasir.local"]', "bukan asal halaman web"),
    ('["http://kasir.local:99999"]', "port tidak sah"),
    ('"http://kasir.local"', "harus daftar"), ('[3000]', "harus teks"),
])
def test_an_allowed_origin_that_is_not_one_is_a_configuration_mistake(tmp_path, value, why):
    plain = config_for(tmp_path, tmp_path / "x.db")
    plain.write_text(plain.read_text() + f"[serve]\nallowed_origins = {value}\n")
    run = subprocess.run([sys.executable, "-m", "loket", "--config", str(plain), "serve"],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "LOKET_SERVE_TOKEN": TOKEN})
    line = one_line(run)
    assert run.returncode == 2 and "[serve] allowed_origins" in line and why in line, line


# -- Half-open connections: a client that never finishes its request holds nothing for long -------

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
        config, tmp_path, sim):
    _with_limits(config, read_timeout_s=3)
    logs = tmp_path / "logs"
    server = Served(config, env={"LOKET_LOG_DIR": str(logs)}).ready()
    stalls: list[socket.socket] = []
    tricklers: list[socket.socket] = []
    trickling = threading.Event()
    try:
        before = _open_fds(server.proc.pid)
        head = f"POST /v1/inquiry HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        partial = [b"",  # connected, nothing said
                   b"GE",  # half a request line
                   head.encode(),  # headers never finished
                   (head + f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                    "Content-Length: 200\r\n\r\n{\"number\": \"00").encode()]  # body never finished
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
                        conn.send(head.encode()[n:n + 1] or b"X")
        trickler = threading.Thread(target=trickle)
        trickler.start()
        time.sleep(0.3)
        assert _open_fds(server.proc.pid) >= before + 40  # all of them held, for now
        sim.faults("slow", latency_ms=3000)  # an answer slower than read_timeout_s is not cut
        slow: list[httpx.Response] = []
        asking = threading.Thread(target=lambda: slow.append(
            server.call("POST", "/v1/inquiry", json={"number": NUMBER})))
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
