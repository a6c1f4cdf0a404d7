"""The pusher: a counter's outbox into the hub, exactly once, without ever holding up the counter.

One batch at a time: read the oldest rows after the high-water mark (a short read of SQLite),
upsert them into the hub in one PostgreSQL transaction, and only after that commits move the
mark (store/outbox.py). A crash anywhere sends the batch again; the upserts are keyed by
(terminal, ref_id / event id / record key) and only a newer outbox ``seq`` replaces a row, so a
batch sent twice, or an old version arriving late, changes nothing. The hub being down is just
a growing outbox: the counter's own transactions never wait for the hub. A row the hub will not
store is set aside there and said in the log (hub/ingest.py), and the batch goes on: no row is
sent again and again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from loket.clock import SystemClock
from loket.domain.text import clean_text
from loket.host import registry
from loket.hub import ingest
from loket.hub.connect import HubError, failure
from loket.store import outbox

log = logging.getLogger("loket.hub")

BATCH = 1000
MARK = (
    "UPDATE counter SET pushed_seq = GREATEST(pushed_seq, %s), pushed_at = now(), "
    "backlog = %s, host_account = coalesce(%s, host_account), "
    "settlement = coalesce(%s, settlement) WHERE terminal = %s"
)
# Nothing waiting: the counter still reports in, so the owner can tell an idle counter from one
# the hub has lost (``pushed_at`` = when the hub last heard from it with everything sent).
HEARD = (
    "UPDATE counter SET pushed_at = now(), backlog = 0, "
    "host_account = coalesce(%s, host_account), settlement = coalesce(%s, settlement) "
    "WHERE terminal = %s"
)
HEARD_EVERY_S = 60.0


def host_account(adapter: str, account: str) -> str:
    """A counter's host account as the hub names it (never a secret): native:<agent_id>,
    digiflazz:<username>, iak:<username>."""
    return f"{registry.kind(adapter).hub_name}:{account}"


class _Refused(Exception):
    """The hub refused a row of the batch: send it again, finding which."""


class Pusher:
    """Copies one counter's outbox into the hub (``push`` for cron, ``run`` in a thread)."""

    def __init__(
        self,
        local: Engine,
        hub: Engine,
        terminal: str,
        batch: int = BATCH,
        now: Callable[[], str] | None = None,
        host_account: str | None = None,
        settlement: str | None = None,
    ) -> None:
        self.local, self.hub, self.terminal, self.batch = local, hub, terminal, batch
        # which host account this counter pays from, and how (deposit | postpaid): written on
        # the counter's row with each batch, so the owner's deposit movement is per account
        self.host_account, self.settlement = host_account, settlement
        self.now = now or (
            lambda: SystemClock().now().astimezone(UTC).isoformat(timespec="seconds")
        )
        self.last_error = ""
        self._joined = False  # whether the hub is known to have heard from this counter before
        self._heard: float | None = None  # when it last reported in with nothing waiting
        # a test's crash point: called after the hub committed, before the mark moves
        self.after_commit: Callable[[int], None] = lambda _seq: None

    def push_batch(self) -> int:
        """Send the oldest batch; how many outbox rows it covered (0: nothing was waiting).
        Rows the hub will not store are set aside there, said in the log, and covered too."""
        rows = outbox.pending(self.local, self.batch)
        if not rows:
            self._report_in()
            return 0
        batch = ingest.batch(self.terminal, rows)
        last = rows[-1].seq
        left = max(outbox.backlog(self.local).count - len(rows), 0)
        try:
            unusable = self._commit(batch, last, left, finding=False)
        except _Refused:  # in a new transaction: which rows, and the others stored
            unusable = self._commit(batch, last, left, finding=True)
        for u in unusable:
            log.warning(
                "hub: %s %s (antrean %d) tidak disimpan hub, %s; disisihkan di hub, "
                "baris lain tetap dikirim",
                u.source.kind,
                clean_text(u.source.key, 80),
                u.source.seq,
                u.reason,
            )
        self.after_commit(last)
        outbox.mark_pushed(self.local, last, self.now())
        return len(rows)

    def _commit(
        self, batch: ingest.Batch, last: int, left: int, finding: bool
    ) -> list[ingest.Unusable]:
        """The batch in one transaction with the mark on the counter's row; what was set aside."""
        unusable = list(batch.unusable)
        try:
            with self.hub.begin() as conn:
                raw = conn.connection.driver_connection
                assert raw is not None  # a live psycopg connection inside begin()
                cur = raw.cursor()
                # the mark moves only on a durable commit, whatever the server's default (the
                # crash test's cluster runs synchronous_commit=off and lost acknowledged commits)
                cur.execute("SET LOCAL synchronous_commit = on")
                if finding:
                    unusable += ingest.send_finding(cur, batch.rows)
                else:
                    try:
                        ingest.send(cur, batch.rows)
                    except ingest.REFUSALS:
                        raise _Refused from None
                if unusable:
                    ingest.set_aside(cur, self.terminal, unusable)
                cur.execute(MARK, (last, left, self.host_account, self.settlement, self.terminal))
                if cur.rowcount != 1:
                    raise HubError(
                        f"Terminal {self.terminal} belum didaftarkan di hub "
                        f"(loket hub add-counter {self.terminal})"
                    )
        except SQLAlchemyError as exc:
            raise failure(exc) from None
        except (HubError, _Refused):
            raise
        except Exception as exc:  # psycopg's own errors from the raw cursor
            if type(exc).__module__.startswith("psycopg"):
                raise failure(exc) from None
            raise
        return unusable

    def _report_in(self) -> None:
        """Tell the hub this counter is here with nothing waiting (at most once a minute)."""
        if self._heard is not None and time.monotonic() - self._heard < HEARD_EVERY_S:
            return
        try:
            with self.hub.begin() as conn:
                conn.exec_driver_sql(HEARD, (self.host_account, self.settlement, self.terminal))
        except SQLAlchemyError as exc:
            raise failure(exc) from None
        self._heard = time.monotonic()

    def join(self) -> None:
        """A hub that has never heard from this counter gets its whole history first: what
        was recorded before the triggers existed, or let go while there was no hub."""
        if self._joined:
            return
        try:
            with self.hub.connect() as conn:
                found = conn.exec_driver_sql(
                    "SELECT pushed_at IS NULL FROM counter WHERE terminal = %s", (self.terminal,)
                ).first()
        except SQLAlchemyError as exc:
            raise failure(exc) from None
        if found is not None and found[0]:
            queued = outbox.requeue_all(self.local)
            log.info("hub: first push from %s, %d rows of history queued", self.terminal, queued)
        self._joined = True

    def push(self, stop: Callable[[], bool] = lambda: False) -> int:
        """Everything waiting, batch by batch; how many rows were sent."""
        self.join()
        sent = 0
        while not stop():
            n = self.push_batch()
            if not n:
                break
            sent += n
        return sent

    def run(self, stop: threading.Event, idle_s: float = 2.0, max_backoff_s: float = 60.0) -> None:
        """Push until ``stop`` is set; a hub that is down is tried again later, never given up."""
        backoff = idle_s
        while not stop.is_set():
            try:
                self.push(stop.is_set)
                self.last_error, backoff = "", idle_s
            except HubError as exc:
                if str(exc) != self.last_error:
                    log.warning("hub push: %s", exc)
                self.last_error = str(exc)
                backoff = min(backoff * 2, max_backoff_s)
            except Exception:  # a bug: logged, and the counter carries on without the hub
                log.exception("hub push failed")
                backoff = max_backoff_s
            stop.wait(backoff if self.last_error else idle_s)

    def start(self, idle_s: float = 2.0) -> Callable[[], None]:
        """``run`` in a daemon thread; returns the function that stops it."""
        stop = threading.Event()
        thread = threading.Thread(
            target=self.run, args=(stop, idle_s), name="hub-pusher", daemon=True
        )
        thread.start()

        def _stop() -> None:
            stop.set()
            thread.join(timeout=10)

        return _stop
