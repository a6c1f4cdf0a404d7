"""`loket serve` over real loopback HTTP, as a shop's POS uses it: a child process against the
simulator, a bearer token, JSON in and out, one payment per idempotency key however often and
however fast the POS repeats it, even across a SIGKILL."""

from __future__ import annotations

import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from loket.printing.decode import decode
from tests.conftest import AGENT, KEY
from tests.durability import config_for, ledger

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run

TOKEN = "serve-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NUMBER = "0001000000011"  # SITI AMINAH: Rp 105.000 + admin 2.500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A `loket serve` child process on its own port."""

    def __init__(self, config: Path, env: dict | None = None, host: str = "127.0.0.1") -> None:
        self.config = config
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "loket",
                "--config",
                str(config),
                "serve",
                "--host",
                host,
                "--port",
                str(self.port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "LOKET_SERVE_TOKEN": TOKEN, **(env or {})},
        )

    def ready(self, timeout: float = 30) -> Served:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.stderr.read()
            try:
                if httpx.get(self.url + "/openapi.json", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("loket serve did not start")

    def call(self, method: str, path: str, *, key: str | None = None, headers=None, **kw):
        h = {**AUTH, **({"Idempotency-Key": key} if key else {}), **(headers or {})}
        return httpx.request(method, self.url + path, headers=h, timeout=60, **kw)

    def pay(self, key: str, number: str = NUMBER, cash: int = 110_000, **kw):
        return self.call(
            "POST", "/v1/payments", key=key, json={"number": number, "cash": cash}, **kw
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def config(tmp_path, sim) -> Path:
    db = ledger(tmp_path / "loket.db", paid=0)  # with the POS account `loket pay` acts as
    return config_for(tmp_path, db, sim.url, AGENT, KEY)


@pytest.fixture
def served(config):
    server = Served(config).ready()
    yield server
    server.stop()


def test_without_the_token_or_with_a_wrong_one_nothing_is_answered(served):
    body = {"number": NUMBER}
    for headers in (
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": TOKEN},
    ):
        r = httpx.post(served.url + "/v1/inquiry", json=body, headers=headers)
        assert r.status_code == 401 and r.json()["code"] == "unauthorized", r.text
        assert r.headers["www-authenticate"] == "Bearer"
    assert served.call("POST", "/v1/inquiry", json=body).status_code == 200


def test_inquiry_answers_the_bill_as_loket_inquiry_json(served):
    r = served.call("POST", "/v1/inquiry", json={"number": "0001-0000-00011"})
    out = r.json()
    assert r.status_code == 200 and out["ok"] is True
    assert (out["bill"]["premium"], out["bill"]["admin_fee"], out["bill"]["total"]) == (
        105_000,
        2_500,
        107_500,
    )
    unknown = served.call("POST", "/v1/inquiry", json={"number": "0009999999999"}).json()
    assert unknown["ok"] is False and unknown["message"] and "bill" not in unknown


def test_a_payment_repeated_with_its_key_is_the_same_payment_never_a_second(served, sim):
    first = served.pay("pos-order-0001")
    paid = first.json()
    assert first.status_code == 200, first.text
    assert (paid["state"], paid["total"], paid["cash"], paid["change"]) == (
        "SUCCESS",
        107_500,
        110_000,
        2_500,
    )
    assert paid["sn"] == sim.ledger()[0]["sn"] and paid["printed"] is True
    again = served.pay("pos-order-0001").json()
    assert again["replayed"] is True and again["ref_id"] == paid["ref_id"]
    assert again["sn"] == paid["sn"] and len(sim.ledger()) == 1
    assert again["printed"] is False and again["print_message"]  # a repeat prints no second slip
    reused = served.pay("pos-order-0001", cash=200_000)
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    status = served.call("GET", f"/v1/payments/{paid['ref_id']}").json()
    assert {k: status[k] for k in ("state", "ref_id", "sn", "total")} == {
        k: paid[k] for k in ("state", "ref_id", "sn", "total")
    }


def test_requests_racing_with_one_key_make_one_payment(served, sim):
    sim.faults("slow", latency_ms=300)  # the racers overlap on the host's answers
    start = threading.Barrier(6)
    answers: list[httpx.Response] = []

    def racer():
        start.wait()
        answers.append(served.pay("pos-order-race"))

    threads = [threading.Thread(target=racer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sim.faults("none")
    assert [r.status_code for r in answers] == [200] * 6, [r.text for r in answers]
    assert len({r.json()["ref_id"] for r in answers}) == 1
    assert sum(1 for r in answers if not r.json().get("replayed")) == 1
    assert len(sim.ledger()) == 1


def test_the_receipt_in_every_format_says_the_same_payment(served):
    paid = served.pay("pos-order-slip").json()
    path = f"/v1/payments/{paid['ref_id']}/receipt"
    raw = served.call("GET", path, params={"format": "escpos"})
    assert raw.headers["content-type"] == "application/octet-stream"
    paper = "\n".join(decode(raw.content))
    text = served.call("GET", path).text  # text is the default
    assert paid["sn"] in paper and paid["sn"] in text and "Rp 107.500" in text
    assert (
        text.splitlines()
        == [line for line in paper.splitlines() if line != "[CUT]"][: len(text.splitlines())]
    )

    from PIL import Image

    png = served.call("GET", path, params={"format": "png"})
    image = Image.open(io.BytesIO(png.content))
    assert png.headers["content-type"] == "image/png" and image.format == "PNG"
    assert image.width >= 32 * 6 and image.height > len(text.splitlines()) * 11

    from pypdf import PdfReader

    pdf = served.call("GET", path, params={"format": "pdf"})
    extracted = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert pdf.headers["content-type"] == "application/pdf" and paid["sn"] in extracted

    odd = served.call("GET", path, params={"format": "gif"})
    assert odd.status_code == 400 and odd.json()["code"] == "unsupported_format"
    missing = served.call("GET", "/v1/payments/PAY-NOSUCHPAYMENT/receipt")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_reprint_says_it_is_a_reprint(served):
    paid = served.pay("pos-order-reprint").json()
    r = served.call("POST", f"/v1/payments/{paid['ref_id']}/reprint").json()
    assert r["printed"] is True and "ke-1" in r["print_message"]


def test_a_payment_taken_offline_waits_in_the_queue_and_the_forwarder_sends_it(served, sim):
    assert served.call("POST", "/v1/inquiry", json={"number": NUMBER}).json()["ok"]
    sim.faults("drop_before")  # the host unreachable: a family seen online pays offline
    paid = served.pay("pos-order-queue").json()
    assert paid["state"] == "QUEUED" and paid["total"] == 107_500, paid
    queue = served.call("GET", "/v1/queue").json()
    assert queue["count"] == 1 and queue["payments"][0]["ref_id"] == paid["ref_id"]
    assert queue["amount"] == 107_500
    sim.faults("none")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # serve's own forwarder asks the host's status
        status = served.call("GET", f"/v1/payments/{paid['ref_id']}").json()
        if status["state"] == "SUCCESS":
            break
        time.sleep(0.5)
    assert status["state"] == "SUCCESS" and len(sim.ledger()) == 1
    assert served.call("GET", "/v1/queue").json()["count"] == 0


@pytest.mark.parametrize(
    "send, code, http",
    [
        ({"content": b"{not json"}, "bad_json", 400),
        ({"content": b"[1, 2]"}, "bad_json", 400),
        ({"json": {"number": NUMBER, "cash": "110000"}}, "bad_request", 400),
        ({"json": {"number": NUMBER, "cash": True}}, "bad_request", 400),
        ({"json": {"number": NUMBER}}, "bad_request", 400),
        ({"json": {"number": NUMBER, "cash": 110000, "tip": 1}}, "bad_request", 400),
        ({"content": b'{"number": "' + b"1" * 20_000 + b'"}'}, "body_too_large", 413),
        ({"json": {"number": NUMBER, "cash": 1000}}, "not_paid", 422),
        ({"json": {"number": "12345", "cash": 110000}}, "not_paid", 422),
    ],
)
def test_every_refusal_is_json_with_a_stable_code(served, sim, send, code, http):
    r = served.call("POST", "/v1/payments", key="pos-order-bad", **send)
    assert (r.status_code, r.json()["code"]) == (http, code), r.text
    assert r.json()["message"]
    assert sim.ledger() == []


@pytest.mark.parametrize(
    "method, path, headers, code, http",
    [
        ("POST", "/v1/payments", {}, "idempotency_key_missing", 400),
        ("POST", "/v1/payments", {"Idempotency-Key": "short"}, "idempotency_key_invalid", 400),
        ("GET", "/v1/nothing", {}, "not_found", 404),
        ("DELETE", "/v1/queue", {}, "method_not_allowed", 405),
        ("GET", "/v1/payments/PAY-NOSUCHPAYMENT", {}, "not_found", 404),
    ],
)
def test_the_request_itself_refused(served, method, path, headers, code, http):
    r = served.call(method, path, headers=headers, json={"number": NUMBER, "cash": 110000})
    assert (r.status_code, r.json()["code"]) == (http, code), r.text


def test_the_openapi_document_lists_every_route_and_no_other():
    from loket.serve.app import create_app
    from loket.serve.door import Door
    from loket.serve.openapi import document

    app = create_app(None, TOKEN, Door("127.0.0.1", 8780))  # type: ignore[arg-type]  (no request)
    served = {
        (route.path, method.lower())
        for route in app.routes
        for method in route.methods
        if method != "HEAD"
    }
    documented = {(path, method) for path, ops in document()["paths"].items() for method in ops}
    assert served == documented


def test_without_a_token_it_does_not_start(config):
    run = subprocess.run(
        [sys.executable, "-m", "loket", "--config", str(config), "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "LOKET_SERVE_TOKEN"},
    )
    assert run.returncode == 2 and "LOKET_SERVE_TOKEN" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def test_a_second_serve_on_the_same_database_refuses_clearly(served, config):
    second = Served(config)
    try:
        assert second.proc.wait(timeout=60) == 3
        line = second.proc.stderr.read().strip()
        assert "loket serve lain sudah berjalan" in line and len(line.splitlines()) == 1
    finally:
        second.stop()
    assert served.call("GET", "/v1/queue").status_code == 200  # the first carries on


def test_killed_mid_payment_and_restarted_nothing_lost_nothing_doubled(config, sim, tmp_path):
    first = Served(config).ready()
    sim.faults("slow", latency_ms=1500)
    answer: list = []
    caller = threading.Thread(target=lambda: answer.append(_quietly(first.pay, "pos-kill-1")))
    caller.start()
    db = tmp_path / "loket.db"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _states(db):
        time.sleep(0.02)
    assert _states(db) in (["RECORDED"], ["SENDING"])  # recorded, the host not yet answered
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait()
    first.stop()
    caller.join()
    sim.faults("none")
    again = Served(config).ready()
    try:
        retried = again.pay("pos-kill-1").json()  # the POS retries after its time-out
        assert retried["replayed"] is True
        deadline = time.monotonic() + 60
        while retried["state"] != "SUCCESS" and time.monotonic() < deadline:
            time.sleep(0.5)
            retried = again.call("GET", f"/v1/payments/{retried['ref_id']}").json()
        assert retried["state"] == "SUCCESS"
        assert len(sim.ledger()) == 1 and _states(db) == ["SUCCESS"]
    finally:
        again.stop()


def _quietly(call, *args):
    try:
        return call(*args)
    except httpx.TransportError as exc:  # the server died under the request
        return exc


def _states(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT state FROM payment")]
    finally:
        conn.close()


def test_the_reference_of_a_key_is_fixed_a_valid_host_ref_and_the_accounts_own():
    import re

    from loket.service.pos import ref_for_key

    ref = ref_for_key("pos", "order-0001")
    assert ref == ref_for_key("pos", "order-0001") and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", ref)
    assert ref != ref_for_key("pos2", "order-0001") != ref_for_key("pos", "order-0002")
    assert ref_for_key("pos", "a\nb") != ref_for_key("pos\na", "b")


def test_a_payment_the_host_failed_has_no_receipt_and_is_owed_back(served, sim):
    paid = served.pay("pos-order-fails", number="0001000000086", cash=200_000).json()
    assert paid["state"] == "REFUND_DUE", paid  # pending, then failed at the host
    r = served.call("GET", f"/v1/payments/{paid['ref_id']}/receipt", params={"format": "pdf"})
    assert r.status_code == 409 and r.json()["code"] == "no_receipt"
    assert paid["printed"] is False and paid["print_message"].startswith("Tidak ada struk")
    assert served.call("GET", "/v1/queue").json()["payments"][0]["ref_id"] == paid["ref_id"]


def test_without_the_pos_account_it_does_not_start(tmp_path, sim):
    from loket.store.opening import open_database

    open_database(tmp_path / "empty.db").dispose()  # a database with nobody in it
    config = config_for(tmp_path, tmp_path / "empty.db", sim.url, AGENT, KEY)
    server = Served(config)
    try:
        assert server.proc.wait(timeout=60) == 2
        line = server.proc.stderr.read().strip()
        assert "Akun POS 'pos' belum ada" in line and len(line.splitlines()) == 1
    finally:
        server.stop()


def test_the_serve_section_is_optional_and_its_token_must_be_set_and_long(tmp_path, monkeypatch):
    from loket.config import ConfigError, load_config

    plain = config_for(tmp_path, tmp_path / "x.db")
    assert load_config(plain).serve.token_env == "LOKET_SERVE_TOKEN"
    named = tmp_path / "named.toml"
    named.write_text(plain.read_text() + '[serve]\ntoken_env = "TOKO_API_TOKEN"\n')
    serve = load_config(named).serve
    monkeypatch.delenv("TOKO_API_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="TOKO_API_TOKEN belum diisi"):
        serve.token()
    monkeypatch.setenv("TOKO_API_TOKEN", "short")
    with pytest.raises(ConfigError, match="kurang dari 16"):
        serve.token()
    monkeypatch.setenv("TOKO_API_TOKEN", TOKEN)
    assert serve.token() == TOKEN
    bad = tmp_path / "bad.toml"
    bad.write_text(plain.read_text() + '[serve]\ntoken_env = "not a name"\n')
    with pytest.raises(ConfigError, match=r"\[serve\]|serve"):
        load_config(bad)
