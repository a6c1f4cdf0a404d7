"""One forwarder per database: an OS file lock beside the database file.

The operating system drops the lock when its holder dies, however it dies, so a crashed holder
cannot keep it; a second forwarder (another window, ``loket sync`` from cron or the Windows task
scheduler) sees it taken and stands aside. ``filelock`` takes it with ``flock`` on POSIX and
``msvcrt.locking`` on Windows.
"""

from __future__ import annotations

from pathlib import Path

import filelock


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

    def __exit__(self, *_exc) -> None:
        self.release()
