"""The pusher: a counter's outbox into the hub, exactly once, without ever holding up the counter.

One batch at a time: read the oldest rows after the high-water mark (a short read of SQLite),
upsert them into the hub in one PostgreSQL transaction, and only after that commits move the
mark (store/outbox.py). A crash anywhere sends the batch again; the upserts are keyed by
(terminal, ref_id / event id / record key) and only a newer outbox ``seq`` replaces a row, so a
batch sent twice, or an old version arriving late, changes nothing. The hub being down is just
a growing outbox: the counter's own transactions never wait for the hub.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from loket.clock import SystemClock
from loket.hub.connect import HubError, failure
from loket.store import outbox
from loket.store.outbox import OutboxRow

log = logging.getLogger("loket.hub")

BATCH = 1000
PAYMENT_COLUMNS = (
    "customer_no", "va_no", "head_name", "branch", "members", "periods", "member_count",
    "month_count", "months_ahead", "arrears_months", "premium", "admin_fee", "total", "cash",
    "change", "agent_price", "cashier_id", "state", "offline", "host_rc", "host_message",
    "host_sn", "paid_at", "print_count", "created_at", "updated_at", "shift_id",
    "refund_shift_id")
EVENT_COLUMNS = ("ref_id", "at", "from_state", "to_state", "rc", "message", "actor")


def _upsert(table: str, key: tuple[str, ...], columns: tuple[str, ...], newer: str = "") -> str:
    names = ", ".join(f'"{c}"' for c in (*key, *columns))
    marks = ", ".join("%s" for _ in (*key, *columns))
    sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns)
    return (f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT "
            f"({', '.join(key)}) DO UPDATE SET {sets} WHERE {table}.seq < EXCLUDED.seq{newer}")


# A counter restored from a backup numbers its outbox again from the backup's last seq: a
# payment changed after the restore still wins by its later updated_at.
UPSERT_PAYMENT = _upsert("payment", ("terminal", "ref_id"), ("seq", "local_id", *PAYMENT_COLUMNS),
                         " OR payment.updated_at < EXCLUDED.updated_at")
UPSERT_EVENT = _upsert("payment_event", ("terminal", "event_id"), ("seq", *EVENT_COLUMNS))
UPSERT_RECORD = _upsert("record", ("terminal", "kind", "key"), ("seq", "data"))
MARK = ("UPDATE counter SET pushed_seq = GREATEST(pushed_seq, %s), pushed_at = now(), "
        "backlog = %s, host_account = coalesce(%s, host_account), "
        "settlement = coalesce(%s, settlement) WHERE terminal = %s")
# Nothing waiting: the counter still reports in, so the owner can tell an idle counter from one
# the hub has lost (``pushed_at`` = when the hub last heard from it with everything sent).
HEARD = ("UPDATE counter SET pushed_at = now(), backlog = 0, "
         "host_account = coalesce(%s, host_account), settlement = coalesce(%s, settlement) "
         "WHERE terminal = %s")
HEARD_EVERY_S = 60.0


def host_account(adapter: str, account: str) -> str:
    """A counter's host account as the hub names it (never a secret): native:<agent_id>,
    digiflazz:<username>, iak:<username>."""
    return f"{'native' if adapter == 'loket' else adapter}:{account}"


class OutboxCorrupt(HubError):
    """An outbox row loket cannot read: pushing stops there rather than skip it."""


def _payment(terminal: str, row: OutboxRow) -> tuple:
    p = row.payload
    values = [p[c] for c in PAYMENT_COLUMNS]
    values[PAYMENT_COLUMNS.index("offline")] = bool(p["offline"])
    return (terminal, row.key, row.seq, int(p["id"]), *values)


def _event(terminal: str, row: OutboxRow) -> tuple:
    p = row.payload
    return (terminal, int(row.key), row.seq, *(p[c] or "" for c in EVENT_COLUMNS))


def rows_for_hub(terminal: str, rows: list[OutboxRow]) -> tuple[list, list, list]:
    """The batch as parameter tuples, the newest version of each key only (order kept)."""
    newest: dict[tuple[str, str], OutboxRow] = {}
    for row in rows:
        newest[(row.kind, row.key)] = row
    payments, events, records = [], [], []
    try:
        for row in sorted(newest.values(), key=lambda r: r.seq):
            if row.kind == "payment":
                payments.append(_payment(terminal, row))
            elif row.kind == "event":
                events.append(_event(terminal, row))
            else:
                records.append((terminal, row.kind, row.key, row.seq, json.dumps(row.payload)))
    except (KeyError, TypeError, ValueError) as exc:
        raise OutboxCorrupt(f"Antrean hub baris {row.seq} ({row.kind}) tidak terbaca: "
                            f"{type(exc).__name__}") from None
    return payments, events, records


class Pusher:
    """Copies one counter's outbox into the hub (``push`` for cron, ``run`` in a thread)."""

    def __init__(self, local: Engine, hub: Engine, terminal: str, batch: int = BATCH,
                 now: Callable[[], str] | None = None, host_account: str | None = None,
                 settlement: str | None = None) -> None:
        self.local, self.hub, self.terminal, self.batch = local, hub, terminal, batch
        # which host account this counter pays from, and how (deposit | postpaid): written on
        # the counter's row with each batch, so the owner's deposit movement is per account
        self.host_account, self.settlement = host_account, settlement
        self.now = now or (lambda: SystemClock().now().astimezone(UTC).isoformat(timespec="seconds"))
        self.last_error = ""
        self._joined = False  # whether the hub is known to have heard from this counter before
        self._heard: float | None = None  # when it last reported in with nothing waiting
        # a test's crash point: called after the hub committed, before the mark moves
        self.after_commit: Callable[[int], None] = lambda _seq: None

    def push_batch(self) -> int:
        """Send the oldest batch; how many outbox rows it covered (0: nothing was waiting)."""
        rows = outbox.pending(self.local, self.batch)
        if not rows:
            self._report_in()
            return 0
        payments, events, records = rows_for_hub(self.terminal, rows)
        last = rows[-1].seq
        left = max(outbox.backlog(self.local).count - len(rows), 0)
        try:
            with self.hub.begin() as conn:
                raw = conn.connection.driver_connection
                assert raw is not None  # a live psycopg connection inside begin()
                cur = raw.cursor()
                # the mark moves only on a durable commit, whatever the server's default (the
                # crash test's cluster runs synchronous_commit=off and lost acknowledged commits)
                cur.execute("SET LOCAL synchronous_commit = on")
                for statement, params in ((UPSERT_PAYMENT, payments), (UPSERT_EVENT, events),
                                          (UPSERT_RECORD, records)):
                    if params:
                        cur.executemany(statement, params)
                cur.execute(MARK, (last, left, self.host_account, self.settlement,
                                   self.terminal))
                if cur.rowcount != 1:
                    raise HubError(f"Terminal {self.terminal} belum didaftarkan di hub "
                                   f"(loket hub add-counter {self.terminal})")
        except SQLAlchemyError as exc:
            raise failure(exc) from None
        except Exception as exc:  # psycopg's own errors from the raw cursor
            if type(exc).__module__.startswith("psycopg"):
                raise failure(exc) from None
            raise
        self.after_commit(last)
        outbox.mark_pushed(self.local, last, self.now())
        return len(rows)

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
                    "SELECT pushed_at IS NULL FROM counter WHERE terminal = %s",
                    (self.terminal,)).first()
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
        thread = threading.Thread(target=self.run, args=(stop, idle_s), name="hub-pusher",
                                  daemon=True)
        thread.start()

        def _stop() -> None:
            stop.set()
            thread.join(timeout=10)

        return _stop

