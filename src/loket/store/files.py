"""Files beside the database, written so that a crash or a second process never sees half of one.

Everything loket keeps holds PIN hashes or payments: files are created 0600 and folders that loket
creates 0700, whatever the umask.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents, each owner-only; existing ones are left alone."""
    missing = []
    for part in [folder, *folder.parents]:
        if part.exists():
            break
        missing.append(part)
    for part in reversed(missing):
        try:
            part.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue
        os.chmod(part, PRIVATE_DIR)  # mkdir's mode is masked by the umask


def tighten(path: Path) -> None:
    """Owner-only, if it is ours and anyone else could read it (a database from before 0600)."""
    try:
        st = path.stat()
        if st.st_mode & 0o077 and st.st_uid == os.getuid():
            os.chmod(path, PRIVATE_FILE)
    except OSError:
        pass


def sync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` survive a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: a temp file, fsync, rename, fsync of the folder.

    Callers hold a lock (the temp name is fixed, so a crashed writer's leftover is overwritten).
    """
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    sync_dir(path.parent)


class FileLock:
    """An exclusive ``flock`` on a small file beside the database, given up after ``timeout``.

    The kernel drops it when its holder dies, however it dies. ``acquired`` says whether it was
    taken: a process stopped while holding it must not freeze the counter.
    """

    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self.path, self.timeout = path, timeout
        self.fd: int | None = None

    @property
    def acquired(self) -> bool:
        return self.fd is not None

    def __enter__(self) -> FileLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.fd = fd
                return self
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return self
                time.sleep(0.005)

    def __exit__(self, *_exc) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
