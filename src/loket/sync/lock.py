"""One forwarder per database: an OS file lock beside the database file.

The kernel drops the lock when its holder dies, however it dies, so a crashed holder cannot keep
it; a second forwarder (another window, ``loket sync`` from cron) sees it taken and stands aside.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class ForwarderLock:
    def __init__(self, db_path: str | Path, role: str = "forwarder") -> None:
        # role "serve": one `loket serve` per database, on the same kind of lock
        self.path = Path(f"{db_path}.{role}.lock")
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> ForwarderLock:
        return self

    def __exit__(self, *_exc) -> None:
        self.release()
