"""The files loket writes, so that a crash or a second process never sees half of one.

Everything loket keeps holds PIN hashes, names, numbers or money — the database and what sits
beside it, reports, the file printer's slips, the log: files are created 0600 and folders that
loket creates 0700, whatever the umask. A file is replaced by writing a new one beside it and
renaming it into place, so a link planted where it goes is replaced, never followed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import filelock

from loket.errors import StorageError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation on raw writes
# what a failed write says, and what to do about it (the disk, not the data, is at fault)
WRITE_PROBLEMS = {
    errno.ENOSPC: ("disk penuh", "kosongkan ruang disk lalu coba lagi"),
    errno.EDQUOT: ("kuota disk habis", "kosongkan ruang disk lalu coba lagi"),
    errno.EFBIG: ("file melebihi batas ukuran", "kosongkan ruang disk lalu coba lagi"),
    errno.EROFS: (
        "disk hanya-baca, read-only",
        "periksa disknya lalu pasang ulang dengan izin tulis, atau pilih folder lain",
    ),
    errno.EACCES: (
        "tanpa izin menulis di foldernya",
        "periksa izin folder itu atau pilih folder lain",
    ),
    errno.EPERM: (
        "tanpa izin menulis di foldernya",
        "periksa izin folder itu atau pilih folder lain",
    ),
    errno.EISDIR: ("itu folder", "tulis nama file"),
    errno.ENOENT: ("foldernya tidak ada", "periksa path-nya"),
    errno.ENOTDIR: ("salah satu foldernya ternyata file", "periksa path-nya"),
    errno.EIO: ("disk gagal menulis (I/O error)", "periksa disknya"),
}
DISK_TROUBLE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}


class NotWritten(StorageError):
    """A file loket writes could not be written; what was there before is untouched."""


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


def owned(path: Path | os.stat_result) -> bool:
    """Ours to chmod: owned by this user (POSIX); Windows has no modes to tighten."""
    getuid = getattr(os, "getuid", None)
    st = path if isinstance(path, os.stat_result) else path.stat()
    return getuid is not None and st.st_uid == getuid()


def tighten(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Owner-only, if it is ours and anyone else could read it (a database from before 0600)."""
    try:
        if path.stat().st_mode & 0o077 and owned(path):
            os.chmod(path, mode)
    except OSError:
        pass


def private_folder(folder: Path) -> None:
    """A folder of loket's own (``laporan/``, ``backups/``): made owner-only, or closed to others
    when an earlier loket made it open."""
    make_private_dirs(folder)
    tighten(folder, PRIVATE_DIR)


def read_only_disk(path: Path) -> bool:
    """Is the file system holding ``path`` (or its nearest folder that exists) mounted
    read-only? Then no chmod can make it writable. False where it cannot be told (Windows)."""
    for where in (path, *path.parents):
        try:
            return bool(os.statvfs(where).f_flag & os.ST_RDONLY)
        except FileNotFoundError:
            continue
        except (OSError, AttributeError):
            return False
    return False


def sync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` survive a power cut."""
    if os.name == "nt":  # a folder cannot be opened to fsync it there; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def not_written(path: Path, exc: OSError) -> NotWritten:
    """A failed write as one Indonesian line naming the file (never a temporary one)."""
    wrong, action = WRITE_PROBLEMS.get(
        exc.errno or 0, (exc.strerror or str(exc), "periksa folder dan disknya")
    )
    return NotWritten(
        f"{path}: tidak bisa ditulis ({wrong}); file itu tidak diubah. "
        f"{action[0].upper()}{action[1:]}"
    )


def _owner_only(fd: int) -> None:
    """0600 whatever the umask, and a file made by an earlier loket closed to others; a device
    (a printer's ``/dev/usb/lp0``) or someone else's file is left as it is."""
    st = os.fstat(fd)
    if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) != PRIVATE_FILE and owned(st):
        os.fchmod(fd, PRIVATE_FILE)


@contextlib.contextmanager
def replacing(
    path: Path, *, temp: Path | None = None, encoding: str | None = None, newline: str | None = None
) -> Iterator[IO[Any]]:
    """Write ``path`` whole or not at all, the user's only, never through a link.

    The block writes to a new file beside ``path`` (created exclusively, 0600; binary, or text
    with ``encoding``), which is then synced and renamed over ``path``: a link at ``path`` is
    replaced, never its target. If anything fails the new file is removed and ``path`` is
    untouched; a failed write is a ``NotWritten``. The folder must exist (a typo in a path the
    owner gave is not made into folders). ``temp``: a fixed name, for callers that hold a lock
    (a crashed writer's leftover is removed first); otherwise a fresh one.
    """
    path = Path(path)
    try:
        if temp is not None:
            temp.unlink(missing_ok=True)
        else:
            temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, PRIVATE_FILE)
    except OSError as exc:
        raise not_written(path, exc) from None
    try:
        with os.fdopen(fd, "w" if encoding else "wb", encoding=encoding, newline=newline) as out:
            _owner_only(fd)
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and (
            exc.errno in DISK_TROUBLE or exc.filename in (str(temp), str(path), str(path.parent))
        ):
            raise not_written(path, exc) from None
        raise
    sync_dir(path.parent)  # replaced by now: a failure here is not "file itu tidak diubah"


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (``replacing``). Callers hold a lock: the temp name is
    fixed, so a crashed writer's leftover is overwritten."""
    with replacing(path, temp=path.with_name(path.name + ".tmp")) as out:
        out.write(data)


def appending(path: Path, encoding: str | None = None, errors: str | None = None) -> IO[Any]:
    """``path`` opened to add to its end (the file printer's slips, the log): created 0600 in
    owner-only folders, and closed to others if an earlier loket left it open."""
    make_private_dirs(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | BINARY, PRIVATE_FILE)
    out = os.fdopen(fd, "a" if encoding else "ab", encoding=encoding, errors=errors)
    try:
        _owner_only(fd)
    except BaseException:
        out.close()
        raise
    return out


class FileLock:
    """An exclusive lock on a small file beside the database, given up after ``timeout``.

    The operating system drops it when its holder dies, however it dies (``filelock``: ``flock``
    on POSIX, ``msvcrt.locking`` on Windows). ``acquired`` says whether it was taken: a process
    stopped while holding it must not freeze the counter.
    """

    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        self.path, self.timeout = path, timeout
        self._lock = filelock.FileLock(path, timeout=timeout, mode=PRIVATE_FILE, thread_local=False)

    @property
    def acquired(self) -> bool:
        return self._lock.is_locked

    def __enter__(self) -> FileLock:
        with contextlib.suppress(filelock.Timeout):  # not taken: ``acquired`` says so
            self._lock.acquire(timeout=self.timeout, poll_interval=0.005)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
