"""``loket sync``: the forwarder run headless, for cron or systemd."""

from __future__ import annotations

import time
from collections.abc import Callable

from loket.domain.money import format_rupiah
from loket.domain.states import label
from loket.errors import LoketError
from loket.store import payments
from loket.sync.lock import ForwarderLock

IDLE_POLL_S = 5.0
EXIT_LOCKED = 3


def summary(engine) -> str:
    counts = payments.counts_by_state(engine)
    parts = [
        f"{label(s)}: {c.count} ({format_rupiah(c.amount)})"
        for s, c in sorted(counts.items())
    ]
    return "; ".join(parts) or "belum ada pembayaran"


def _push_once(hub, out: Callable[[str], None]) -> None:
    """What waits for the hub, once; a hub that is down is one line, not a failed sync (the
    payments went to the host; the hub's queue waits for the next run)."""
    try:
        sent = hub.push()
    except LoketError as exc:
        out(f"Hub: {exc}; antrean hub {hub.backlog().count} baris menunggu")
        return
    out(f"{sent} baris terkirim ke hub; antrean hub {hub.backlog().count}")


def run_sync(
    rt,
    once: bool = False,
    out: Callable[[str], None] = print,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    lock = ForwarderLock(rt.config.database.path)
    if not lock.acquire():
        out(
            "Forwarder lain sedang berjalan untuk database ini (loket terbuka?); tidak ada yang dikirim."
        )
        return EXIT_LOCKED
    hub = getattr(rt, "hub", None)  # the owner's hub: pushed from a thread of this process
    stop_hub = hub.start_pushing() if hub is not None and not once else None
    try:
        forwarder = rt.counter.forwarder
        forwarder.actor = "sync"
        recovered = forwarder.recover()
        if recovered:
            out(f"{recovered} pembayaran yang terputus saat dikirim akan dicek statusnya.")
        while True:
            done = forwarder.drain(force=once)
            if done:
                out(f"{len(done)} pembayaran diproses. {summary(rt.engine)}")
            if once or stop():
                break
            time.sleep(IDLE_POLL_S)
        if once and not done:
            out(f"Tidak ada yang perlu dikirim. {summary(rt.engine)}")
        if once and hub is not None:  # cron's `loket sync --once` keeps the hub's copy too
            _push_once(hub, out)
        return 0
    finally:
        if stop_hub is not None:
            stop_hub()
        lock.release()
