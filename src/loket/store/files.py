"""Files beside the database, written so that a crash or a second process never sees half of one.

Everything loket keeps holds PIN hashes or payments: files are created 0600 and folders that loket
creates 0700, whatever the umask.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import filelock

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


def owned(path: Path) -> bool:
    """Ours to chmod: owned by this user (POSIX); Windows has no modes to tighten."""
    getuid = getattr(os, "getuid", None)
    return getuid is not None and path.stat().st_uid == getuid()


def tighten(path: Path) -> None:
    """Owner-only, if it is ours and anyone else could read it (a database from before 0600)."""
    try:
        if path.stat().st_mode & 0o077 and owned(path):
            os.chmod(path, PRIVATE_FILE)
    except OSError:
        pass


def sync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` survive a power cut."""
    if os.name == "nt":  # a folder cannot be opened to fsync it there; NTFS journals the rename
        return
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
    """An exclusive lock on a small file beside the database, given up after ``timeout``.

    The operating system drops it when its holder dies, however it dies (``filelock``: ``flock``
    on POSIX, ``msvcrt.locking`` on Windows). ``acquired`` says whether it was taken: a process
    stopped while holding it must not freeze the counter.
    """

    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self.path, self.timeout = path, timeout
        self._lock = filelock.FileLock(path, timeout=timeout, mode=PRIVATE_FILE,
                                       thread_local=False)

    @property
    def acquired(self) -> bool:
        return self._lock.is_locked

    def __enter__(self) -> FileLock:
        with contextlib.suppress(filelock.Timeout):  # not taken: ``acquired`` says so
            self._lock.acquire(timeout=self.timeout, poll_interval=0.005)
        return self

    def __exit__(self, *_exc) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
