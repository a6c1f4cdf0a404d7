"""When to kill a paying child: at a random moment of its work, sized from what this machine
measures, never from constants.

A child prints ``ready`` once it has started (imports, database) and one line per payment it has
taken. The first child is let run to its third payment: the time from ``ready`` is how long a
payment takes here, now (a fraction of a second alone, much more beside a full suite on two
cores, more again when the host is slow). Every later child is killed at a random moment within a
few payments' time of its ``ready``, and the payment lines it printed refine the measure.
A child that never becomes ready, or a first payment that never comes, fails the test: a crash
test whose children never reached a payment has tested nothing.
"""

from __future__ import annotations

import queue
import random
import subprocess
import threading
import time

START_LIMIT_S = 120.0  # however loaded the machine, a child that is not ready by then is broken
WINDOW = (0.05, 5.0)  # a kill lands this many payments' time after ``ready``
CALIBRATION = 3  # payments the first child is let take before it is killed


class Killer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.payment_s: float | None = None  # measured: ``ready`` to a payment line
        self.start_s: float | None = None  # measured: spawn to ``ready``, the latest child's
        self.payments = 0  # payment lines seen over every child
        self._spent = 0.0  # seconds from ``ready`` to each child's last payment line, summed

    def run(self, argv: list[str], env: dict[str, str]) -> str:
        """Start the child, kill it with SIGKILL at a measured random moment; its stderr."""
        spawned = time.monotonic()
        child = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        lines: queue.Queue[tuple[float, str]] = queue.Queue()
        reader = threading.Thread(target=_read, args=(child, lines), daemon=True)
        reader.start()
        ready = _next(lines, START_LIMIT_S)
        if ready is None or ready[1] != "ready":
            child.kill()
            _out, err = child.communicate(timeout=30)
            raise AssertionError(f"the child never became ready: {ready}; {err[-2000:]}")
        self.start_s = ready[0] - spawned
        since = ready[0]
        if self.payment_s is None:  # the first child: measure a few payments, then kill it
            for _ in range(CALIBRATION):
                line = _next(lines, START_LIMIT_S)
                assert line is not None, "the first child took no payment: nothing is tested"
            self._measure(since, line[0], CALIBRATION)
            since = line[0]
        assert self.payment_s is not None
        time.sleep(self.rng.uniform(*WINDOW) * self.payment_s)
        child.kill()
        _out, err = child.communicate(timeout=30)
        reader.join(timeout=10)
        seen = []
        while (line := _next(lines, 0)) is not None:
            seen.append(line[0])
        if seen:
            self._measure(since, seen[-1], len(seen))
        return err

    def _measure(self, since: float, last: float, count: int) -> None:
        """``count`` more payment lines from ``since``, the last at ``last``: the mean time a
        payment takes, over every child so far."""
        self.payments += count
        self._spent += last - since
        self.payment_s = self._spent / self.payments

    def __str__(self) -> str:
        return (
            f"start {self.start_s or 0:.1f} s, a payment {self.payment_s or 0:.2f} s, "
            f"{self.payments} payment lines"
        )


def _read(child: subprocess.Popen, lines: queue.Queue) -> None:
    assert child.stdout is not None
    for line in child.stdout:
        lines.put((time.monotonic(), line.strip()))


def _next(lines: queue.Queue, timeout: float) -> tuple[float, str] | None:
    try:
        return lines.get(timeout=timeout) if timeout > 0 else lines.get_nowait()
    except queue.Empty:
        return None
