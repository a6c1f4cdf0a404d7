"""`loket serve`'s bearer token (issue 19): one nobody can guess, or serve does not start; and
`loket serve --new-token` to make one. Against a real `loket serve` process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from loket.config import ConfigError
from tests.conftest import AGENT, KEY
from tests.durability import config_for, ledger, one_line


@pytest.fixture
def config(tmp_path, sim):
    return config_for(tmp_path, ledger(tmp_path / "loket.db", paid=0), sim.url, AGENT, KEY)


def _serve(config, token: str, *args: str, timeout: float = 15) -> subprocess.CompletedProcess:
    """`loket serve` with this token; one that starts is ended and reported as started."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "loket", "--config", str(config), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "LOKET_SERVE_TOKEN": token},
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"loket serve started with the token {token!r}: {out}") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize(
    "token, why",
    [
        (" " * 16, "spasi"),
        ("\t" * 20, "spasi"),
        ("serve-test-token 0123456789", "spasi"),
        ("aaaaaaaaaaaaaaaa", "mudah ditebak"),
        ("0123456789abcdef", "mudah ditebak"),
        ("passwordpassword", "mudah ditebak"),
        ("qwertyuiopasdfghjkl", "mudah ditebak"),
        ("Kasir2026Kasir2026", "mudah ditebak"),
        ("tokén-dengan-huruf-aksen-0123", "ASCII"),
    ],
)
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
        run = subprocess.run(
            [sys.executable, "-m", "loket", "--config", str(config), "serve", "--new-token"],
            capture_output=True,
            text=True,
            timeout=60,
            env={k: v for k, v in os.environ.items() if k != "LOKET_SERVE_TOKEN"},
        )  # needs no token to make one
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
    run = subprocess.run(
        [sys.executable, "-m", "loket", "--config", str(config), "serve", "--new-token"],
        capture_output=True,
        text=True,
        timeout=60,
    )
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
