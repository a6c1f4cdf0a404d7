"""What the disk-and-audit tests need: a small real ledger, the ways a file gets damaged, and the
CLI run as a subprocess against a configuration file."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from loket.domain.states import PaymentState
from loket.store import anchor, cashiers, payments
from loket.store.opening import open_database
from tests.factories import payment as make_payment

S = PaymentState
NOW = "2026-11-21T10:00:00+07:00"


def ledger(path: Path, paid: int = 5, first: int = 0) -> Path:
    """A database with ``paid`` payments recorded, sent and acknowledged, as the counter would."""
    engine = open_database(path)
    try:
        cashiers.ensure_pos_account(engine, "kasir1", NOW)
        cashiers.ensure_pos_account(engine, "pos", NOW)  # who `loket pay` acts as
        for i in range(first, first + paid):
            pay(engine, f"PAY-{i:04d}")
    finally:
        engine.dispose()
    return path


def pay(engine, ref: str, state: S = S.SUCCESS):
    payments.record(engine, make_payment("RECORDED", ref_id=ref), actor="kasir1", state=S.RECORDED)
    payments.transition(engine, ref, S.SENDING, actor="kasir1", now=NOW)
    done = payments.transition(engine, ref, state, actor="kasir1", now=NOW)
    anchor.acknowledge(engine)  # the customer is told
    return done


def checkpoint(path: Path) -> None:
    """Everything into the main file, so damaging the file damages the data."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def root_page(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[
            0
        ]
    finally:
        db.close()


def damage(path: Path, kind: str) -> None:
    """Damage a checkpointed database the way disks and people do."""
    checkpoint(path)
    rng = random.Random(kind)
    size = path.stat().st_size
    if kind == "zero_length":
        path.write_bytes(b"")
    elif kind == "truncated":
        os.truncate(path, size // 2)
    elif kind == "random_page":  # over the payment table's root: every payment is behind it
        page = root_page(path, "payment")
        with open(path, "r+b") as f:
            f.seek((page - 1) * 4096)
            f.write(rng.randbytes(4096))
    elif kind == "not_a_database":
        path.write_bytes(rng.randbytes(size))
    elif kind == "header_damaged":
        with open(path, "r+b") as f:
            f.write(rng.randbytes(16))
    else:
        raise ValueError(kind)


DAMAGE = ["zero_length", "truncated", "random_page", "not_a_database", "header_damaged"]


def config_for(
    tmp: Path,
    db: Path | str,
    url: str = "http://127.0.0.1:9",
    agent: str = "A",
    key: str = "kkkkkkkk",
) -> Path:
    config = tmp / "loket.toml"
    config.write_text(
        f'[shop]\nname="T"\n[host]\nurl="{url}"\nagent_id="{agent}"\n'
        f'key="{key}"\n[database]\npath="{db}"\n'
    )
    return config


def loket(
    config: Path,
    *args: str,
    stdin: str = "",
    env: dict | None = None,
    limit_bytes: int | None = None,
    umask: int | None = None,
) -> subprocess.CompletedProcess:
    """``loket --config CONFIG ARGS`` in a child process; ``limit_bytes`` caps the size of any
    file it writes (RLIMIT_FSIZE: a disk that fills up under it); ``umask``: the child's."""
    command = [sys.executable, "-m", "loket", "--config", str(config), *args]
    before = []  # set in the child itself: preexec_fn is unsafe beside threads
    if limit_bytes is not None:
        before.append(
            "import resource; "
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit_bytes}, {limit_bytes}))"
        )
    if umask is not None:
        before.append(f"os.umask({umask:#o})")
    if before:
        command = [
            sys.executable,
            "-c",
            "import os, sys; " + "; ".join(before) + "; "
            "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])",
            *command[1:],
        ]
    return subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, **(env or {})},
    )


def one_line(run: subprocess.CompletedProcess) -> str:
    """The person sees one line on stderr, no traceback; returns it."""
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    return lines[0]


def in_mount_namespace(
    setup: str, *command: str, stdin: str = "", env: dict | None = None
) -> subprocess.CompletedProcess:
    """``command`` after the shell lines ``setup`` (mounts: a read-only bind, a tiny tmpfs) in a
    private mount namespace (``unshare -rm``): nothing outside the child sees them, no root is
    needed. Skips the test where the machine allows no such namespace."""
    import shutil

    import pytest

    if (
        shutil.which("unshare") is None
        or subprocess.run(
            ["unshare", "-rm", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("no private mount namespace here (unshare -rm)")
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", f'{setup} && exec "$@"', "sh", *command],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, **(env or {})},
    )
