"""The audit log's secret: an HMAC key kept outside the database, readable by its owner only.

Someone who can edit the database can rewrite audit rows and recompute an unkeyed hash; without
this key they cannot make a row that verifies. The key is created once (``audit.key`` in the
user config folder; ``LOKET_AUDIT_KEY`` names another file, for tests and training set-ups) and is
never written to the database or to the log. Lose it and the keyed rows can no longer be verified:
keep it with the backups, not beside them.
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


def key_path() -> Path:
    override = os.environ.get(ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir("loket", appauthor=False)) / "audit.key"


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
        make_private_dirs(path.parent)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, (secrets.token_hex(KEY_BYTES) + "\n").encode())
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
        return _read(path)
    except OSError as exc:
        raise AuditKeyError(
            f"Kunci log audit tidak bisa dibuat di {path} ({exc.strerror or exc}); belum ada "
            f"yang diproses. Pastikan folder itu bisa ditulis, atau atur {ENV} ke file lain"
        ) from None


def _read(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(f"Kunci log audit {path} tidak bisa dibaca ({exc}); belum ada yang "
                            f"diproses. Periksa izin file itu") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise StorageError(f"Kunci log audit {path} rusak (isinya bukan kunci loket); belum ada "
                           f"yang diproses. Pulihkan file kunci dari cadangan")
    return key

