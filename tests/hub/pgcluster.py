"""A throwaway PostgreSQL cluster: ``initdb`` + ``pg_ctl`` in a temp dir, on a unix socket only.

PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` system user
that Debian's package creates, and its commands run through ``runuser``. The superuser logs in
with a password (scram), so the hub's connections are made the way a shop's would be.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "postgres"
SUPERPASS = "hub-test-superuser"  # a throwaway cluster's, never a real one's


def _bin(name: str) -> str:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found: install PostgreSQL (bash .ci/run does)")
    return found if isinstance(found, str) else found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return False


class PgCluster:
    def __init__(self, base: str | None = None) -> None:
        self.root = Path(base or tempfile.mkdtemp(prefix="loket-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "postgres.log"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self._owner = pwd.getpwnam(SUPERUSER) if self.as_root else None

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(argv)
        if self.as_root:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> PgCluster:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        pwfile = self.root / "pw"
        pwfile.write_text(SUPERPASS + "\n")
        if self._owner is not None:
            for path in (self.root, self.socket_dir, pwfile):
                os.chown(path, self._owner.pw_uid, self._owner.pw_gid)
            self.root.chmod(0o755)
        self._run(
            _bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        pwfile.unlink()
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "listen_addresses = ''\nfsync = off\nsynchronous_commit = off\n"
                "full_page_writes = off\nmax_connections = 100\n"
                "shared_buffers = 128MB\n"
            )
        return self

    def start(self) -> PgCluster:
        for attempt in range(50):  # after a kill, the old postmaster may linger a moment
            done = self._run(
                _bin("pg_ctl"),
                "start",
                "-w",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                f"-k {self.socket_dir} -p {self.port}",
                check=attempt == 49,
            )
            if done.returncode == 0:
                break
            time.sleep(0.1)
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(_bin("pg_ctl"), "stop", "-w", "-D", str(self.data), "-m", mode, check=False)

    def kill(self) -> None:
        """The server dies at once (SIGKILL to the postmaster), as on a power cut."""
        pid_file = self.data / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        for _ in range(200):  # gone (or a zombie waiting for init) and its backends with it
            if (
                not _alive(pid)
                and subprocess.run(["pgrep", "-P", str(pid)], capture_output=True).returncode
            ):
                break
            time.sleep(0.05)

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), password=SUPERPASS, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def cleanup(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
