"""The counter's side of the hub: how much is waiting, pushing, and checking what arrived.

Everything here is optional: without ``[hub]`` in the configuration the outbox still fills (the
triggers cannot know) and ``backlog`` says so, but nothing connects anywhere.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from loket.clock import SystemClock
from loket.config import Config, HubConfig, check_hub_url
from loket.errors import LoketError
from loket.hub import owner
from loket.hub.connect import hub_engine
from loket.hub.pusher import Pusher, host_account
from loket.reports.figures import day_range
from loket.store import outbox, payments
from loket.store.outbox import Backlog

if TYPE_CHECKING:  # Alembic comes with it: only for the owner's set-up commands
    from loket.hub.schema import NewRole

log = logging.getLogger("loket.hub")


class HubNotConfigured(LoketError):
    exit_code = 2


def connect(hub: HubConfig | None, url: str | None = None) -> Engine:
    """The hub named by ``url`` (an admin's command line) or by ``[hub]``; the password always
    from the environment variable ``[hub] password_env`` names (or $LOKET_HUB_PASSWORD)."""
    if url is None and hub is None:
        raise HubNotConfigured(
            "Hub belum diatur: tambahkan bagian [hub] (url, password_env) "
            "ke konfigurasi, atau beri --url"
        )
    if url is not None:
        try:
            url = check_hub_url(url)
        except ValueError as exc:
            raise HubNotConfigured(f"--url: {exc}") from None
        password = (
            hub.password()
            if hub and hub.password_env
            else os.environ.get("LOKET_HUB_PASSWORD") or None
        )
    elif hub is not None:
        url, password = hub.url, hub.password()
    else:
        raise HubNotConfigured("Hub belum diatur: tambahkan bagian [hub] ke konfigurasi")
    return hub_engine(url, password)


@dataclass(frozen=True)
class Difference:
    ref_id: str
    text: str  # Indonesian, one line


class HubDesk:
    """One counter's outbox and its way to the hub."""

    def __init__(self, engine: Engine, config: Config) -> None:
        self.engine, self.config = engine, config
        self._hub: Engine | None = None

    @property
    def terminal(self) -> str:
        return self.config.hub_terminal()

    @property
    def configured(self) -> bool:
        return self.config.hub is not None

    def backlog(self) -> Backlog:
        """What the hub has not got yet (local only: cheap, never touches the network)."""
        return outbox.backlog(self.engine)

    def hub(self) -> Engine:
        if self._hub is None:
            self._hub = connect(self.config.hub)
        return self._hub

    def pusher(self) -> Pusher:
        host = self.config.host
        return Pusher(
            self.engine,
            self.hub(),
            self.terminal,
            host_account=host_account(host.adapter, host.account),
            settlement=host.settlement,
        )

    def push(self) -> int:
        """``loket hub push --once``: everything waiting, now; how many rows went."""
        return self.pusher().push()

    def _forget(self) -> None:
        try:
            outbox.forget(
                self.engine, SystemClock().now().astimezone(UTC).isoformat(timespec="seconds")
            )
        except LoketError as exc:  # a busy or full disk: the next start tries again
            log.warning("hub outbox not trimmed: %s", exc)

    def resend(self) -> int:
        """``loket hub resend``: everything this counter holds queued again (a restored or new
        hub); the pusher sends it as usual. How many rows were queued."""
        return outbox.requeue_all(self.engine)

    def start_pushing(self) -> Callable[[], None] | None:
        """Push in a background thread of this process (the forwarder's). Without a hub, let the
        outbox go instead (in a thread too: the first time may be a long history) and return
        None."""
        if not self.configured:
            threading.Thread(target=self._forget, name="hub-outbox-trim", daemon=True).start()
            return None
        try:
            return self.pusher().start()
        except LoketError as exc:  # e.g. the password's variable unset: payments go on anyway
            log.warning("hub push not started: %s", exc)
            return None

    def check(self, day: str) -> list[Difference]:
        """This counter's payments of a day against the hub's copy of them."""
        start, end = day_range(_date(day))
        here = {p.ref_id: (str(p.state), p.total) for p in payments.of_day(self.engine, day)}
        there = owner.ledger(self.hub(), self.terminal, start, end)
        found = []
        for ref, (state, total) in sorted(here.items()):
            if ref not in there:
                found.append(Difference(ref, f"{ref}: belum ada di hub"))
            elif there[ref] != (state, total):
                found.append(
                    Difference(
                        ref,
                        f"{ref}: di sini {state} {total}, di hub {there[ref][0]} {there[ref][1]}",
                    )
                )
        for ref in sorted(set(there) - set(here)):
            found.append(Difference(ref, f"{ref}: ada di hub, tidak ada di sini"))
        return found

    def close(self) -> None:
        if self._hub is not None:
            self._hub.dispose()
            self._hub = None


def _date(day: str) -> date:
    try:
        return date.fromisoformat(day)
    except ValueError:
        raise LoketError(f"{day!r}: tanggal harus YYYY-MM-DD") from None


def init_hub(hub: HubConfig | None, url: str | None) -> int:
    """``loket hub init``; how many stored rows the upgrade set aside as unreadable."""
    from loket.hub import schema  # Alembic: only for the owner's set-up commands

    engine = connect(hub, url)
    try:
        return schema.init(engine)
    finally:
        engine.dispose()


def add_role(
    hub: HubConfig | None, url: str | None, name: str, *, owner_role: bool = False
) -> NewRole:
    from loket.hub import schema

    engine = connect(hub, url)
    try:
        return (schema.add_owner if owner_role else schema.add_counter)(engine, name)
    finally:
        engine.dispose()
