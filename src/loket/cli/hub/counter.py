"""``loket hub push``, ``status``, ``resend`` and ``check``: this counter's side of the hub, through
its runtime's hub desk (``[hub]`` required)."""

from __future__ import annotations

import signal
import threading

from loket.cli.hub.inputs import config_of, day


def _on_counter(args, act) -> int:
    """``act(desk)``'s exit code, with this counter's runtime open around it."""
    from loket.cli import boot
    from loket.config import ConfigError

    config = config_of(args)
    if config is None or config.hub is None:
        raise ConfigError("Hub belum diatur: tambahkan bagian [hub] ke konfigurasi")
    rt = boot.start(config)
    try:
        desk = rt.hub
        if desk is None:
            raise ConfigError("Hub belum diatur: tambahkan bagian [hub] ke konfigurasi")
        return act(desk)
    finally:
        rt.close()


def status(args) -> int:
    def act(desk) -> int:
        from loket.clock import WIB, parse_iso

        waiting = desk.backlog()
        since = (
            f"{parse_iso(waiting.pushed_at).astimezone(WIB):%d/%m/%Y %H:%M} WIB"
            if waiting.pushed_at
            else "belum pernah"
        )
        print(f"Antrean hub {waiting.count} baris; terakhir terkirim: {since}")
        return 0

    return _on_counter(args, act)


def resend(args) -> int:
    def act(desk) -> int:
        queued = desk.resend()
        print(f"{queued} baris diantrekan lagi untuk hub; kirim dengan loket hub push")
        return 0

    return _on_counter(args, act)


def check(args) -> int:
    def act(desk) -> int:
        found = desk.check(day(args.date).isoformat())
        for d in found:
            print(d.text)
        print(f"{args.date}: {len(found)} selisih dengan hub")
        return 1 if found else 0

    return _on_counter(args, act)


def push(args) -> int:
    def act(desk) -> int:
        if args.once:
            sent = desk.push()
            print(f"{sent} baris terkirim ke hub; antrean {desk.backlog().count}")
            return 0
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            desk.pusher().run(stop)
        except KeyboardInterrupt:
            stop.set()
        return 0

    return _on_counter(args, act)
