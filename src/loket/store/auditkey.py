"""The audit log's secret: an HMAC key kept outside the database, readable by its owner only.

Someone who can edit the database can rewrite audit rows and recompute an unkeyed hash; without
this key they cannot make a row that verifies. Each database has its own key, in a file beside
it (``loket.db.audit.key``, mode 600), made with the database and never written into it or to the
log; so two counters on one computer never share one (``LOKET_AUDIT_KEY`` names one file for every
database instead, for tests and training set-ups). Lose it and the keyed rows can no longer be
verified: keep a copy with the backups, not beside them.

Older installs had one key per computer, for all its databases: ``audit.key`` in the user config folder.
A database that has no key beside it yet is opened with that one; once its audit head verifies
with it, the key is copied beside the database (``adopt``), and the old file is left for any
other database that still uses it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs

from loket.errors import LoketError, StorageError
from loket.store.files import make_private_dirs, sync_dir

ENV = "LOKET_AUDIT_KEY"
KEY_BYTES = 32


class AuditKeyError(LoketError):
    """The key file cannot be made or read: a set-up problem (exit 2)."""


def _override() -> Path | None:
    override = os.environ.get(ENV, "").strip()
    return Path(override).expanduser() if override else None


def shared_path() -> Path:
    """The one key every database used before each had its own."""
    return Path(platformdirs.user_config_dir("loket", appauthor=False)) / "audit.key"


def key_path() -> Path:
    """``LOKET_AUDIT_KEY``, else the shared key of old installs (tests, a database-less use)."""
    return _override() or shared_path()


def beside(db: Path) -> Path:
    return db.with_name(db.name + ".audit.key")


def where_for(db: Path) -> Path:
    """Where the key of the database at ``db`` is kept (for messages)."""
    return _override() or beside(db)


def for_database(db: Path, new: bool) -> tuple[bytes, bool]:
    """The key of the database at ``db`` (made with a new database), and whether it is the shared
    key of an older install that still has to be ``adopt``-ed once it has verified the head."""
    override = _override()
    if override is not None:
        return load_or_create(override), False
    try:
        return _read(beside(db)), False
    except FileNotFoundError:
        pass
    if not new:
        try:
            return _read(shared_path()), True
        except FileNotFoundError:
            pass
    return load_or_create(beside(db)), False


def existing_for(db: Path) -> bytes | None:
    """The key of the database at ``db`` if there is one; nothing is made (``loket doctor``)."""
    override = _override()
    if override is not None:
        return load_existing(override)
    return load_existing(beside(db)) or load_existing(shared_path())


def adopt(db: Path, key: bytes) -> None:
    """Keep the shared key beside the database it verified, from now on that database's own."""
    try:
        _place(beside(db), key)
    except OSError as exc:
        raise AuditKeyError(
            f"Kunci log audit tidak bisa disalin ke {beside(db)} "
            f"({exc.strerror or exc}); pastikan folder database bisa ditulis"
        ) from None


def load_existing(path: Path | None = None) -> bytes | None:
    """The key if there is one (``loket doctor`` must not make a new one to check with)."""
    try:
        return _read(path or key_path())
    except FileNotFoundError:
        return None


def load_or_create(path: Path | None = None) -> bytes:
    """The key, made on first use. Two processes starting at once agree on one key: the file
    appears whole or not at all (written aside, then linked into place, never replaced)."""
    path = path or key_path()
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    try:
        _place(path, secrets.token_bytes(KEY_BYTES))
        return _read(path)
    except OSError as exc:
        raise AuditKeyError(
            f"Kunci log audit tidak bisa dibuat di {path} ({exc.strerror or exc}); belum ada "
            f"yang diproses. Pastikan folder itu bisa ditulis, atau atur {ENV} ke file lain"
        ) from None


def _place(path: Path, key: bytes) -> None:
    """Write ``key`` to ``path`` unless a key is there already: the file appears whole or not at
    all (written aside, then linked into place, never replaced); of two writers the first wins."""
    make_private_dirs(path.parent)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (key.hex() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temp, path)  # fails if another process made it first: theirs wins
    except FileExistsError:
        pass
    finally:
        os.unlink(temp)
    sync_dir(path.parent)


def _read(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(
            f"Kunci log audit {path} tidak bisa dibaca ({exc}); belum ada yang "
            f"diproses. Periksa izin file itu"
        ) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise StorageError(
            f"Kunci log audit {path} rusak (isinya bukan kunci loket); belum ada "
            f"yang diproses. Pulihkan file kunci dari cadangan"
        )
    return key
