"""How fast loket starts (issue 11): medians of repeated runs, with `python -c pass` measured in the
same run as the floor.

- `loket --version`                                     target ≤ 0.15 s
- `loket inquiry NUMBER --json` against a local simulator  target ≤ 0.6 s
- training mode, launch to the login screen drawn (in a pty) target ≤ 1.5 s
- the TUI's memory (RSS) with the login screen up          target ≤ 100 MB

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from fcntl import ioctl
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import AGENT, KEY, start_sim  # noqa: E402
from tests.durability import config_for, ledger  # noqa: E402

LOGIN_MARK = b"ID kasir"  # a label of the login screen (tui/texts.py LOGIN_ID)


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each measured child


def timed(command: list[str], env: dict, name: str = "") -> float:
    """Wall seconds; the child's CPU seconds go to ``CPU[name]`` (steadier on a busy machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, env=env)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"{command}: exit {run.returncode}: {run.stderr.decode()[-500:]}")
    if name:
        CPU.setdefault(name, []).append(
            after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        )
    return took


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def training_to_login(env: dict, timeout: float = 60) -> tuple[float, float]:
    """Launch `loket --training` on an 80x24 pty; seconds until the login screen is drawn, and
    the process's RSS then (MB)."""
    main, child = pty.openpty()
    ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "loket", "--training"],
        stdin=child,
        stdout=child,
        stderr=child,
        env={**env, "TERM": "xterm-256color"},
        close_fds=True,
        start_new_session=True,
    )
    os.close(child)
    seen = b""
    try:
        while LOGIN_MARK not in seen:
            if time.perf_counter() - start > timeout or proc.poll() is not None:
                raise SystemExit(f"no login screen: {seen[-300:]!r}")
            ready, _, _ = select.select([main], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(main, 65536)
                except OSError:
                    break
        took = time.perf_counter() - start
        time.sleep(0.5)  # what it holds once the first screen's work has settled
        memory = rss_mb(proc.pid)
        return took, memory
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(main)


def line(name: str, values: list[float], unit: str = "s", target: str = "", cpu: str = "") -> str:
    med = statistics.median(values)
    shown = f"{med:.3f} {unit}" if unit == "s" else f"{med:.0f} {unit}"
    spread = (
        f"(min {min(values):.3f}, max {max(values):.3f}, n={len(values)})"
        if unit == "s"
        else f"(min {min(values):.0f}, max {max(values):.0f}, n={len(values)})"
    )
    used = f"  CPU {statistics.median(CPU[cpu]):.3f} s" if cpu in CPU else ""
    return f"{name:<44} median {shown:<10} {spread}{used}  {target}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    tmp = Path(tempfile.mkdtemp(prefix="loket-bench-startup-"))
    env = {
        **os.environ,
        "LOKET_LOG_DIR": str(tmp / "logs"),
        "LOKET_AUDIT_KEY": str(tmp / "audit.key"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
    }
    os.environ.update({k: env[k] for k in ("LOKET_LOG_DIR", "LOKET_AUDIT_KEY")})
    sim = start_sim()
    config = config_for(tmp, ledger(tmp / "loket.db", paid=0), sim.url, AGENT, KEY)
    loket = [sys.executable, "-m", "loket"]
    inquiry = [*loket, "--config", str(config), "inquiry", "0001000000011", "--json"]
    timed(inquiry, env)  # warm the disk cache and the .pyc files
    first_login, _ = training_to_login(env)  # creates the training database: once per machine
    floor, version, inquire, login, memory = [], [], [], [], []
    for _ in range(runs):
        floor.append(timed([sys.executable, "-c", "pass"], env, "floor"))
        version.append(timed([*loket, "--version"], env, "version"))
        inquire.append(timed(inquiry, env, "inquiry"))
        took, rss = training_to_login(env)
        login.append(took)
        memory.append(rss)
    sim.thread.stop()
    print(f"loket startup, {runs} runs each, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(line("python -c pass (floor)", floor, cpu="floor"))
    print(line("loket --version", version, target="target ≤ 0.15 s", cpu="version"))
    print(
        line(
            "loket inquiry --json (local simulator)",
            inquire,
            target="target ≤ 0.6 s",
            cpu="inquiry",
        )
    )
    print(line("training mode: launch -> login drawn", login, target="target ≤ 1.5 s"))
    print(f"{'  (first start, creating the database)':<44} {first_login:.3f} s")
    print(line("TUI memory (RSS) at the login screen", memory, unit="MB", target="target ≤ 100 MB"))


if __name__ == "__main__":
    main()
