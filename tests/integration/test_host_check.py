"""`loket host check` as a new agent runs it: the CLI in its own process, a configuration file,
a Digiflazz simulator on loopback; and the checks themselves against hosts that answer badly."""

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from email.utils import format_datetime

import httpx
import pytest

from loket.clock import MachineClock
from loket.host.digiflazz.client import DigiflazzHost
from loket.service.host_check import Verdict, check_host
from tests.conftest import AGENT, KEY
from tests.integration.digiflazz_support import start_digiflazz

CONFIG = """
[shop]
name = "WARUNG UJI"
[host]
adapter = "digiflazz"
url = "{url}"
username = "{username}"
key_env = "LOKET_DG_KEY"
testing = {testing}
[database]
path = "{db}"
"""


@pytest.fixture(scope="module")
def sim():
    control = start_digiflazz()
    yield control
    control.thread.stop()


def run_check(
    tmp_path,
    url: str,
    key: str,
    *,
    username: str = AGENT,
    testing: str = "true",
    extra: tuple[str, ...] = (),
) -> subprocess.CompletedProcess:
    path = tmp_path / "loket.toml"
    path.write_text(
        CONFIG.format(url=url, username=username, testing=testing, db=tmp_path / "loket.db")
    )
    env = os.environ | {"LOKET_DG_KEY": key}
    return subprocess.run(
        [sys.executable, "-m", "loket", "host", "check", "--config", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_the_right_key_passes_and_shows_the_deposit(tmp_path, sim):
    run = run_check(tmp_path, sim.url, KEY)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert all(line.startswith("OK") for line in lines), lines
    assert lines[-1].endswith("Saldo deposit Rp 1.000.000.000")
    assert any("SKU 'bpjs' dikenal" in line for line in lines)
    assert KEY not in run.stdout + run.stderr


def test_a_simulator_with_another_key_fails_in_one_line(tmp_path, sim):
    run = run_check(tmp_path, sim.url, "a-different-key")
    assert run.returncode == 1 and run.stderr == ""
    failed = [line for line in run.stdout.splitlines() if line.startswith("GAGAL")]
    assert failed == [
        "GAGAL Username atau API key ditolak host: Tanda tangan (sign) ditolak "
        "Digiflazz: username atau API key salah — hubungi pemilik loket (kode 41)"
    ]
    assert "Saldo" not in run.stdout and "a-different-key" not in run.stdout


def test_an_unknown_username_fails(tmp_path, sim):
    run = run_check(tmp_path, sim.url, KEY, username="someone")
    assert run.returncode == 1 and "(kode 42)" in run.stdout


def test_without_testing_mode_the_sku_cannot_be_checked_but_payments_can_be_taken(tmp_path, sim):
    run = run_check(tmp_path, sim.url, KEY, testing="false")
    assert run.returncode == 0
    assert "?     SKU 'bpjs': tidak dapat dicek tanpa mode testing" in run.stdout


def test_an_address_nobody_answers_is_one_line(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the check runs
    run = run_check(tmp_path, f"http://127.0.0.1:{port}", KEY)
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        f"GAGAL Host http://127.0.0.1:{port} tidak dapat "
        "dihubungi: Host tidak dapat dihubungi — periksa koneksi "
        "internet"
    ]


def test_profile_is_only_for_training(tmp_path, sim):
    run = run_check(tmp_path, sim.url, KEY, extra=("--profile", "digiflazz"))
    assert run.returncode == 2 and "--profile hanya untuk mode latihan" in run.stderr


def answering(routes: dict, date_offset: timedelta = timedelta(0)) -> DigiflazzHost:
    def answer(request: httpx.Request) -> httpx.Response:
        data = routes[request.url.path]
        when = format_datetime(MachineClock().now() + date_offset, usegmt=False)
        return httpx.Response(
            200 if "deposit" in data or data.get("rc") == "00" else 400,
            content=json.dumps({"data": data}).encode(),
            headers={"content-type": "application/json", "date": when},
        )

    return DigiflazzHost(
        "https://api.example",
        "buyer",
        "k" * 10,
        testing=True,
        transport=httpx.MockTransport(answer),
    )


def findings(host) -> list[tuple[Verdict, str]]:
    result = check_host(host, MachineClock(), "https://api.example", sku="bpjs", testing=True)
    return [(f.verdict, f.text) for f in result.findings], result.ready


def refusal(rc: str) -> dict:
    return {"customer_no": "8801234560001", "message": "x", "status": "Gagal", "rc": rc}


def test_an_address_not_whitelisted_is_named():
    lines, ready = findings(answering({"/v1/cek-saldo": {"rc": "45", "message": "IP"}}))
    assert not ready and lines[-1][0] is Verdict.FAILED and "whitelist" in lines[-1][1]


def test_an_unknown_sku_fails():
    host = answering({"/v1/cek-saldo": {"deposit": 5000.0}, "/v1/transaction": refusal("43")})
    lines, ready = findings(host)
    assert not ready
    assert (
        Verdict.FAILED,
        "SKU 'bpjs' tidak dikenal atau tidak aktif: periksa [host] sku "
        "dengan daftar harga Digiflazz",
    ) in lines


@pytest.mark.parametrize(
    ("offset", "verdict", "ready"),
    [
        (timedelta(minutes=-10), Verdict.FAILED, False),
        (timedelta(minutes=2), Verdict.OK, True),
    ],
)
def test_a_clock_far_from_the_hosts_is_found(offset, verdict, ready):
    inquiry = {"ref_id": "x"}  # not believed: the SKU is unchecked, not failed
    host = answering({"/v1/cek-saldo": {"deposit": 5000.0}, "/v1/transaction": inquiry}, offset)
    lines, is_ready = findings(host)
    [clock] = [line for line in lines if line[1].startswith("Jam")]
    assert clock[0] is verdict and "detik" in clock[1] and is_ready is ready


def test_training_with_the_digiflazz_profile_pays_the_success_number(tmp_path):
    env = os.environ | {
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("LOKET_CONFIG", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "loket",
            "pay",
            "8801234560001",
            "--cash",
            "30000",
            "--profile",
            "digiflazz",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    paid = json.loads(run.stdout)
    assert (paid["state"], paid["sn"], paid["total"]) == ("SUCCESS", "BP1234554321JS", 25_000)
    assert (tmp_path / "data" / "loket" / "latihan-digiflazz" / "loket.db").exists()


@pytest.mark.parametrize("key, ready", [(KEY, True), ("a-different-key", False)])
def test_iak_credentials_are_checked_without_a_balance_command(key, ready):
    """IAK documents no postpaid balance call: accepted credentials make the counter ready, and
    the balance is said to come with the first payment; a wrong key is one failed line."""
    from loket.host.iak.client import IakHost
    from tests.sim_profiles.conftest import USERNAME, start_profile_sim

    control = start_profile_sim("iak")
    host = IakHost(control.url, USERNAME, key)
    try:
        result = check_host(host, MachineClock(), control.url)
    finally:
        host.close()
        control.thread.stop()
    assert result.ready is ready
    failed = [f for f in result.findings if f.verdict is Verdict.FAILED]
    if ready:
        assert failed == [] and result.balance is None
        assert any("setelah pembayaran pertama" in f.text for f in result.findings)
        clock = [f for f in result.findings if f.text.startswith("Jam")]
        assert [f.verdict for f in clock] == [Verdict.OK]  # the host's HTTP Date was read
    else:
        assert len(failed) == 1 and "ditolak" in failed[0].text


@pytest.mark.parametrize("key, ready", [(KEY, True), ("a-different-key", False)])
def test_the_native_host_speaks_of_the_agent_id_not_a_username(key, ready):
    """Issue 17.12: the native host has an agent id and a key; "Username" meant nothing there."""
    from loket.host.native.client import NativeHost
    from tests.conftest import start_sim

    native = start_sim()
    host = NativeHost(native.url, AGENT, key)
    try:
        result = check_host(host, MachineClock(), native.url)
    finally:
        host.close()
        native.thread.stop()
    texts = [f.text for f in result.findings]
    assert result.ready is ready and not any("Username" in t for t in texts), texts
    said = "ID agen dan kunci host diterima" if ready else "ID agen atau kunci host ditolak"
    assert any(t.startswith(said) for t in texts), texts
