"""The local API's door (issue 19): a request addressed to this server only, and a web page only
from an origin the owner allowed, so that a page in the cashier's browser cannot reach the API by
DNS rebinding. Over loopback HTTP against a real `loket serve` process, as a POS (or an attacker's
page) reaches it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx
import pytest

from tests.conftest import AGENT, KEY
from tests.durability import config_for, ledger, one_line
from tests.integration.test_serve import AUTH, NUMBER, TOKEN, Served


@pytest.fixture
def config(tmp_path, sim):
    return config_for(tmp_path, ledger(tmp_path / "loket.db", paid=0), sim.url, AGENT, KEY)


@pytest.fixture
def served(config):
    server = Served(config).ready()
    yield server
    server.stop()


def test_a_request_addressed_to_another_name_is_refused_as_dns_rebinding_would_send_it(served):
    port = served.port
    for host in (
        f"kasir-promo.example:{port}",
        f"127.0.0.1.nip.io:{port}",
        f"127.0.0.1:{port + 1}",
        "127.0.0.1",
        f"localhost.:{port}",
        f"[::2]:{port}",
        f"127.0.0.1:{port}@x",
    ):
        for method, path in (
            ("GET", "/v1/queue"),
            ("POST", "/v1/inquiry"),
            ("GET", "/openapi.json"),
        ):
            r = httpx.request(
                method, served.url + path, headers={"Host": host, **AUTH}, json={"number": NUMBER}
            )
            assert (r.status_code, r.json()["code"]) == (421, "host_not_allowed"), (host, r.text)
            assert f"127.0.0.1:{port}" in r.json()["message"]  # where it does answer
    no_token = httpx.get(served.url + "/v1/queue", headers={"Host": f"evil.example:{port}"})
    assert no_token.status_code == 421  # the door before the token: nothing to probe
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
        r = httpx.get(served.url + "/v1/queue", headers={"Host": host, **AUTH})
        assert r.status_code == 200 and r.json()["count"] == 0, (host, r.text)


def test_the_address_given_with_host_is_its_own(config):
    server = Served(config, host="127.0.0.2").ready()
    try:
        here = httpx.get(server.url + "/v1/queue", headers=AUTH)  # Host: 127.0.0.2:port
        assert here.status_code == 200, here.text
        elsewhere = httpx.get(
            server.url + "/v1/queue", headers={**AUTH, "Host": f"127.0.0.3:{server.port}"}
        )
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

    for base, answered in (
        ("http://192.168.1.10:8780", True),
        ("http://[fe80::1]:8780", True),
        ("http://localhost:8780", True),
        ("http://kasir.local:8780", False),
        ("http://192.168.1.10.nip.io:8780", False),
        ("http://192.168.1.10:8781", False),
    ):
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
    config.write_text(
        config.read_text() + "[serve]\nallowed_origins = "
        '["http://Kasir.Toko.local:3000", "https://pos.toko.id:443"]\n'
    )
    server = Served(config).ready()
    try:
        for origin in ("http://kasir.toko.local:3000", "https://pos.toko.id"):
            preflight = httpx.options(
                server.url + "/v1/payments",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
                },
            )
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


@pytest.mark.parametrize(
    "value, why",
    [
        ('["*"]', "bukan asal halaman web"),
        ('["null"]', "bukan asal halaman web"),
        ('["http://kasir.local/app"]', "bukan asal halaman web"),
        ('["ftp://kasir.local"]', "bukan asal halaman web"),
        ('["http://kasir.local:99999"]', "port tidak sah"),
        ('"http://kasir.local"', "harus daftar"),
        ("[3000]", "harus teks"),
    ],
)
def test_an_allowed_origin_that_is_not_one_is_a_configuration_mistake(tmp_path, value, why):
    plain = config_for(tmp_path, tmp_path / "x.db")
    plain.write_text(plain.read_text() + f"[serve]\nallowed_origins = {value}\n")
    run = subprocess.run(
        [sys.executable, "-m", "loket", "--config", str(plain), "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LOKET_SERVE_TOKEN": TOKEN},
    )
    line = one_line(run)
    assert run.returncode == 2 and "[serve] allowed_origins" in line and why in line, line
