"""The one forwarding loop of every long-running process: the counter's window, ``loket serve``
and ``loket sync``.

Each keeps one ``ForwardingLoop``: turns of the forwarder (the lock across processes, one drain at
a time, recovery the first time it holds the lock — ``sync/lock.py``), and, beside them, the
owner's hub pushed from a thread of its own when ``[hub]`` is configured (without it the hub's
outbox is let go). The window times its turns itself (a Textual worker); ``loket serve`` and
``loket sync`` let the loop time them (``start`` / ``run``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from loket.domain.money import format_rupiah
from loket.domain.states import label
from loket.errors import LoketError
from loket.service.runtime import Runtime
from loket.store import payments
from loket.sync.lock import ForwarderLock, Forwarding, Turn

log = logging.getLogger("loket.sync")
EVERY_S = 2.0  # loket serve: a turn this often
IDLE_POLL_S = 5.0  # loket sync: a turn this often
EXIT_LOCKED = 3  # a resident `loket sync` beside another forwarder: nothing to do here
ELSEWHERE = (
    "Forwarder lain sedang berjalan untuk database ini (loket terbuka?); tidak ada yang dikirim."
)
SERVE_FORWARDS = "loket serve sedang berjalan dan mengirim pembayaran untuk database ini."


class ForwardingLoop:
    def __init__(self, rt: Runtime, actor: str = "", every_s: float = EVERY_S) -> None:
        self.rt = rt
        self.actor = actor  # who the payment's events name ("" keeps the forwarder's own)
        self.every_s = every_s
        self.forwarding = Forwarding(rt.database_path)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._stop_hub: Callable[[], None] | None = None

    @property
    def pushing(self) -> bool:
        """This process pushes the owner's hub."""
        return self._stop_hub is not None

    @property
    def running(self) -> bool:
        """A turn of this process is under way."""
        return self.forwarding.running

    def turn(self, force: bool = False) -> Turn:
        forwarder = self.rt.counter.forwarder
        if self.actor:
            forwarder.actor = self.actor
        return self.forwarding.turn(forwarder, force)

    def start_hub(self) -> None:
        """Push the owner's hub from a thread of this process (once)."""
        if self.rt.hub is not None and self._stop_hub is None:
            self._stop_hub = self.rt.hub.start_pushing()

    def start(self) -> ForwardingLoop:
        """A turn now (what a killed process left behind is recovered before anything else; a
        disk that cannot take it stops the start, in one line), then one every ``every_s`` in a
        daemon thread, and the hub pushed beside them."""
        self.turn()
        self._thread = threading.Thread(target=self._run, name="loket-forwarding", daemon=True)
        self._thread.start()
        self.start_hub()
        return self

    def _run(self) -> None:
        while not self._stopping.wait(self.every_s):
            self._safe_turn()

    def _safe_turn(self) -> None:
        try:
            self.turn()
        except Exception:  # the next turn may do better; the process keeps answering
            log.exception("forwarding failed")

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._stop_hub is not None:
            self._stop_hub()
            self._stop_hub = None
        self.forwarding.release()

    @property
    def lock(self) -> ForwarderLock:
        """The database's forwarder lock, as this process holds it or not."""
        return self.forwarding.lock

    def push_once(self, out: Callable[[str], None]) -> None:
        """What waits for the hub, once; a hub that is down is one line, not a failure (the
        payments went to the host; the hub's queue waits for the next run)."""
        hub = self.rt.hub
        if hub is None or not hub.configured:
            return
        try:
            sent = hub.push()
        except LoketError as exc:
            out(f"Hub: {exc}; antrean hub {hub.backlog().count} baris menunggu")
            return
        out(f"{sent} baris terkirim ke hub; antrean hub {hub.backlog().count}")


def summary(rt: Runtime) -> str:
    counts = payments.counts_by_state(rt.engine)
    parts = [
        f"{label(s)}: {c.count} ({format_rupiah(c.amount)})" for s, c in sorted(counts.items())
    ]
    return "; ".join(parts) or "belum ada pembayaran"


def run_sync(
    rt: Runtime,
    once: bool = False,
    out: Callable[[str], None] = print,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """``loket sync``: turns until stopped (``--once``: one turn, then the hub once)."""
    loop = ForwardingLoop(rt, actor="sync")
    if not loop.forwarding.lock.acquire():
        if not once:
            out(ELSEWHERE)
            return EXIT_LOCKED
        # cron's `loket sync --once` beside a resident forwarder: that one sends the payments;
        # the hub is pushed from here all the same (a push sent twice changes nothing)
        out(SERVE_FORWARDS if _serve_running(rt) else ELSEWHERE)
        loop.push_once(out)
        return 0
    if not once:
        loop.start_hub()
    try:
        while True:
            turn = loop.turn(force=once)
            if turn.recovered:
                out(f"{turn.recovered} pembayaran yang terputus saat dikirim akan dicek statusnya.")
            if turn.done:
                out(f"{len(turn.done)} pembayaran diproses. {summary(rt)}")
            if once or stop():
                break
            time.sleep(IDLE_POLL_S)
        if once and not turn.done:
            out(f"Tidak ada yang perlu dikirim. {summary(rt)}")
        if once:
            loop.push_once(out)
        return 0
    finally:
        loop.stop()


def _serve_running(rt: Runtime) -> bool:
    serve = ForwarderLock(rt.database_path, role="serve")
    if serve.acquire():
        serve.release()
        return False
    return True
