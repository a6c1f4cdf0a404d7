"""The database file, looked at before SQLite is given it.

SQLite opens whatever it is handed: an empty file becomes a new empty database, a directory or
``/dev/null`` fails with an error that names neither the file nor the setting. Here each of those
ends in one line: a path that cannot be a database is a mistake in ``[database] path`` (exit 2);
a file that was a database and is now empty or damaged is refused (exit 1), never started over.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from loket.errors import LoketError, StorageError
from loket.store.failures import PROBLEMS, SAFE
from loket.store.files import PRIVATE_FILE, make_private_dirs, read_only_disk, sync_dir

MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
RESTORE = "pulihkan cadangan terakhir (lihat README: Cadangan) lalu jalankan `loket doctor`"


class DatabasePathError(LoketError):
    """``[database] path`` cannot be a database: a mistake in the configuration (exit 2)."""


class DatabaseRefused(StorageError):
    """The file is there but loket will not use it: emptied, damaged, or behind its anchor."""


@dataclass(frozen=True)
class Found:
    missing: bool = False  # no file yet: a new database will be made
    suspect: bool = False  # the header counts more pages than the file holds: check before use


def checked_path(raw: str | os.PathLike[str]) -> Path:
    text = os.fspath(raw)
    if not text.strip() or text.strip() == ".":  # "" becomes "." once it has been a Path
        raise DatabasePathError(
            "[database] path kosong: isi dengan nama file database, "
            "misalnya ~/.local/share/loket/loket.db"
        )
    if text.startswith("~"):  # expanduser leaves an unknown user's ~name as it is
        user = text[1:].split("/", 1)[0]
        raise DatabasePathError(
            f"[database] path {text}: pengguna '{user}' tidak ada di komputer "
            f"ini; tulis path lengkapnya"
        )
    if Path(text).name in ("", ".."):
        raise DatabasePathError(
            f"[database] path {text}: itu folder, bukan file database; tulis "
            f"nama filenya, misalnya {Path(text) / 'loket.db'}"
        )
    return Path(text)


def _config(path: Path, what: str) -> DatabasePathError:
    return DatabasePathError(f"[database] path {path}: {what}")


def _writable(db: Path, target: Path, what: str) -> None:
    """``target`` (the database ``db``, or a folder that holds it) can be written, or one line:
    on a disk mounted read-only that is the disk's trouble, not a setting chmod could fix."""
    if os.access(target, os.W_OK | (os.X_OK if target.is_dir() else 0)):
        return
    if read_only_disk(target):
        wrong, action = PROBLEMS["readonly_disk"]
        raise DatabaseRefused(f"{db}: {wrong}; {SAFE['open']}. {action[0].upper()}{action[1:]}")
    raise _config(db, what)


def inspect(path: Path, anchor: Path) -> Found:
    try:
        st = path.stat()
    except FileNotFoundError:
        _check_new(path)
        return Found(missing=True)
    except NotADirectoryError:
        raise _config(path, "salah satu foldernya ternyata file") from None
    except PermissionError:
        raise _config(path, "foldernya tidak boleh dibuka (izin)") from None
    except OSError as exc:
        raise _config(path, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise _config(
            path,
            f"itu folder, bukan file database; tulis nama filenya, misalnya {path / 'loket.db'}",
        )
    if not stat.S_ISREG(st.st_mode):
        raise _config(
            path,
            "itu bukan file biasa (perangkat atau pipa, misalnya /dev/null); "
            "tulis nama file database",
        )
    if st.st_size == 0:
        raise DatabaseRefused(
            f"{path}: file database kosong (0 byte); loket tidak memulai database baru diam-diam. "
            f"Bila datanya memang ada, {RESTORE}; untuk sengaja mulai baru, pindahkan {path.name} "
            f"dan {path.name}.anchor ke folder lain"
        )
    try:
        with open(path, "rb") as f:
            header = f.read(HEADER_BYTES)
    except OSError as exc:
        raise _config(path, f"tidak bisa dibaca ({exc.strerror or exc}); periksa izinnya") from None
    problem = header_problem(header)
    if problem:
        if anchor.exists() or path.with_name(path.name + "-wal").exists():
            raise DatabaseRefused(
                f"{path}: database loket ini rusak ({problem}); belum ada "
                f"pembayaran yang diproses. Hentikan loket, {RESTORE}"
            )
        raise _config(
            path,
            f"bukan database SQLite ({problem}); periksa path-nya (bila ini "
            f"memang database loket yang rusak: jalankan `loket doctor`)",
        )
    _writable(
        path,
        path,
        "file hanya-baca; loket harus menulis setiap pembayaran: ubah "
        "izinnya (chmod 600) atau pilih path lain",
    )
    _writable(
        path,
        path.parent,
        f"folder {path.parent} hanya-baca; SQLite perlu menulis file "
        f"-wal dan -shm di sebelah database",
    )
    return Found(suspect=claims_more_pages(header, st.st_size))


def _check_new(path: Path) -> None:
    if path.with_name(path.name + "-wal").exists():
        raise DatabaseRefused(
            f"{path} tidak ada, tetapi {path.name}-wal masih ada: database "
            f"dipindah atau dihapus tanpa file pendampingnya. {RESTORE}"
        )
    existing = next(p for p in path.parents if p.exists() or p == Path(p.anchor))
    if not existing.is_dir():
        raise _config(path, f"{existing} adalah file, bukan folder")
    _writable(path, existing, f"folder {existing} hanya-baca: database tidak bisa dibuat di sana")


def header_problem(header: bytes) -> str:
    """What is wrong with the first 100 bytes, or "" when they look like SQLite's."""
    if len(header) < HEADER_BYTES:
        return "file terlalu pendek"
    if not header.startswith(MAGIC):
        return "kepala file bukan 'SQLite format 3'"
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page & (page - 1):
        return "ukuran halaman di kepala file tidak sah"
    if header[21:24] != b"\x40\x20\x20":
        return "kepala file rusak"
    return ""


def claims_more_pages(header: bytes, size: int) -> bool:
    """The header's page count is believed only when its two change counters agree (SQLite's own
    rule); then a shorter file is truncated, or a checkpoint is writing: confirm by checking."""
    if header[24:28] != header[92:96]:
        return False
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    return int.from_bytes(header[28:32], "big") * page > size


def confirm_intact(engine: Engine, path: Path) -> None:
    with engine.connect() as conn:
        result = conn.exec_driver_sql("PRAGMA quick_check(1)").scalar()
    if result != "ok":
        raise DatabaseRefused(
            f"{path}: database terpotong atau rusak ({result}); belum ada "
            f"pembayaran yang diproses. Hentikan loket, {RESTORE}"
        )


def create(path: Path, build: Callable[[Path], None]) -> None:
    """Make a new database: built under a temporary name, then linked into place, so nobody ever
    opens a half-made one and two processes starting at once end with one database."""
    try:
        make_private_dirs(path.parent)
    except OSError as exc:
        raise _config(path, f"folder tidak bisa dibuat ({exc.strerror or exc})") from None
    temp = path.with_name(f".{path.name}.new-{os.getpid()}")
    leftovers = [temp.with_name(temp.name + s) for s in ("", "-wal", "-shm", "-journal")]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except OSError as exc:
        raise _config(path, f"database tidak bisa dibuat ({exc.strerror or exc})") from None
    try:
        build(temp)
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:  # no hard links here (a FAT flash disk): a rename, if still free
            if not path.exists():
                os.rename(temp, path)
        sync_dir(path.parent)
    finally:
        for leftover in leftovers:
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
