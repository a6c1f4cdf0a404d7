"""One forwarder per database: an OS file lock beside the database file.

The operating system drops the lock when its holder dies, however it dies, so a crashed holder
cannot keep it; a second forwarder (another window, ``loket sync`` from cron or the Windows task
scheduler) sees it taken and stands aside. ``filelock`` takes it with ``flock`` on POSIX and
``msvcrt.locking`` on Windows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import filelock

if TYPE_CHECKING:
    from loket.domain.payment import Payment
    from loket.sync.forwarder import Forwarder


class ForwarderLock:
    """Held from ``acquire`` until ``release``, or until the object is collected or its process
    ends."""

    def __init__(self, db_path: str | Path, role: str = "forwarder") -> None:
        # role "serve": one `loket serve` per database, on the same kind of lock
        self.path = Path(f"{db_path}.{role}.lock")
        # not thread-local: the counter takes it in a worker thread and lets go on the main one
        self._lock = filelock.FileLock(self.path, timeout=0, mode=0o600, thread_local=False)

    def acquire(self) -> bool:
        if self._lock.is_locked:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            return False
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def __enter__(self) -> ForwarderLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


@dataclass(frozen=True)
class Turn:
    """One turn of a process's forwarding: the payments it processed, how many sends a killed
    process had left on the wire it recovered first, or why it did not run."""

    done: tuple[Payment, ...] = ()
    recovered: int = 0
    skipped: Literal["", "busy", "elsewhere"] = ""  # busy: a drain of this process was running;
    # elsewhere: another process (``loket sync``, ``loket serve``, another window) holds the lock

    @property
    def ran(self) -> bool:
        return not self.skipped


class Forwarding:
    """One process's way to forward: the lock across processes, one drain at a time within this
    one, and the sends a killed process left on the wire recovered (by status, never by paying
    again) the first time this process holds the lock."""

    def __init__(self, db_path: str | Path) -> None:
        self.lock = ForwarderLock(db_path)
        self._one = threading.Lock()
        self._recovered = False

    @property
    def running(self) -> bool:
        return self._one.locked()

    def turn(self, forwarder: Forwarder, force: bool = False) -> Turn:
        """Drain once if this process may."""
        if not self._one.acquire(blocking=False):
            return Turn(skipped="busy")
        try:
            if not self.lock.acquire():
                return Turn(skipped="elsewhere")
            recovered = 0
            if not self._recovered:
                recovered = forwarder.recover()
                self._recovered = True
            return Turn(tuple(forwarder.drain(force=force)), recovered)
        finally:
            self._one.release()

    def release(self) -> None:
        self.lock.release()
