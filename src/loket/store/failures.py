"""SQLite and disk failures, said in one Indonesian line: what is wrong, what is safe, what to do.

Registered on every engine (``handle_error``), so a full disk or a damaged file reaches the
cashier as a ``StorageError`` wherever it happens: opening, a report, recording a payment. What
is safe depends on what the failed transaction was doing; SQLite rolled all of it back.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

from loket.errors import StorageError
from loket.store.files import read_only_disk

log = logging.getLogger("loket.store")

# SQLite primary result codes (sqlite3.h)
SQLITE_ERROR, SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM = 1, 3, 5, 6, 7
SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 8, 10, 11, 13, 14
SQLITE_PROTOCOL, SQLITE_AUTH, SQLITE_NOTADB = 15, 23, 26
SQLITE_READONLY_DBMOVED = SQLITE_READONLY | (4 << 8)

DOCTOR = "jalankan `loket doctor` lalu pulihkan cadangan terakhir bila perlu (lihat README)"
PROBLEMS = {  # kind: (what is wrong, what to do)
    "full": ("disk penuh", "kosongkan ruang disk lalu jalankan loket lagi"),
    "readonly": (
        "database tidak bisa ditulis (file atau foldernya hanya-baca)",
        "periksa izin file dan folder database",
    ),
    "readonly_disk": (
        "disk tempat database hanya-baca (read-only), jadi chmod tidak menolong",
        "pasang ulang disk itu dengan izin tulis (bila ia menjadi hanya-baca "
        "sendiri, periksa disknya dulu), lalu jalankan loket lagi",
    ),
    "moved": (
        "file database dipindah atau dihapus saat loket berjalan",
        "hentikan semua proses loket, kembalikan filenya, lalu " + DOCTOR,
    ),
    "io": ("disk gagal membaca/menulis (I/O error)", "periksa disk, lalu " + DOCTOR),
    "corrupt": ("database rusak", "hentikan loket, " + DOCTOR),
    "notadb": ("file itu bukan database SQLite atau kepalanya rusak", "hentikan loket, " + DOCTOR),
    "schema": ("tabel database hilang", "hentikan loket, " + DOCTOR),
    "busy": (
        "database dikunci proses lain terlalu lama",
        "tutup proses loket lain yang macet lalu coba lagi",
    ),
    "cantopen": (
        "file database tidak bisa dibuka (folder hilang atau tanpa izin)",
        "periksa [database] path dan izin foldernya",
    ),
    "nomem": ("memori komputer habis", "tutup program lain lalu coba lagi"),
}
NEARLY_FULL = 1024 * 1024
DAMAGE = {"corrupt", "notadb", "schema", "moved"}  # a failed write alone is rolled back whole
SAFE = {  # what the failed transaction was doing -> what the person may rely on
    "open": "belum ada pembayaran yang diproses",
    "read": "tidak ada yang diubah",
    "record": "pembayaran ini BELUM tercatat: jangan serahkan struk, kembalikan uang pelanggan",
    # a payment recorded before: the one in hand at the counter, or one the forwarder was
    # settling (``loket serve`` recovering at start-up, when nobody is paying): named by its ref
    "update": (
        "pembayaran {ref} sudah tercatat; perubahan statusnya belum tersimpan dan akan "
        "dicek ulang ke host saat loket jalan lagi"
    ),
    "write": "perubahan terakhir tidak tersimpan",
}


class StorageFailure(StorageError):
    """A SQLite or disk failure; ``kind`` names it for tests and callers."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def kind_of(exc: BaseException) -> str | None:
    """The kind of storage failure ``exc`` is, or None when it is not one (a bug, a constraint)."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.IntegrityError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc).lower()
    if code is None:
        if "disk is full" in text:
            return "full"
        if "not a database" in text:
            return "notadb"
        if "malformed" in text:
            return "corrupt"
        return None
    if code == SQLITE_READONLY_DBMOVED:
        return "moved"
    primary = code & 0xFF
    if primary == SQLITE_ERROR:  # generic: a missing table is damage, anything else is a bug
        return "schema" if "no such table" in text or "no such column" in text else None
    return {
        SQLITE_FULL: "full",
        SQLITE_READONLY: "readonly",
        SQLITE_PERM: "readonly",
        SQLITE_AUTH: "readonly",
        SQLITE_IOERR: "io",
        SQLITE_CORRUPT: "corrupt",
        SQLITE_NOTADB: "notadb",
        SQLITE_BUSY: "busy",
        SQLITE_LOCKED: "busy",
        SQLITE_PROTOCOL: "busy",
        SQLITE_CANTOPEN: "cantopen",
        SQLITE_NOMEM: "nomem",
    }.get(primary)


def _nearly_full(where: str) -> bool:
    try:
        return shutil.disk_usage(Path(where).parent).free < NEARLY_FULL
    except OSError:
        return False


def failure(exc: BaseException, where: str, doing: str, ref: str = "") -> StorageFailure | None:
    """The one line for ``exc`` raised while ``doing`` (a key of SAFE) on the file ``where``;
    ``ref``: the payment an "update" was changing."""
    kind = kind_of(exc)
    if kind is None or (kind == "readonly" and doing == "read"):
        return None  # a write inside a read transaction: query_only caught a bug (store/db.py)
    if kind in ("readonly", "io") and read_only_disk(Path(where)):
        kind = "readonly_disk"  # a failing disk is often remounted read-only by the system
    elif kind == "io" and _nearly_full(where):
        kind = "full"  # a full disk often shows as an I/O error (the -shm cannot grow)
    wrong, action = PROBLEMS[kind]
    safe = SAFE.get(doing, SAFE["write"]).format(ref=ref or "yang sedang diproses")
    if kind in DAMAGE and doing not in ("read", "open"):
        safe += "; data yang sudah tercatat mungkin ikut rusak"
    log.warning("storage failure (%s) while %s on %s: %s", kind, doing, where, exc)
    return StorageFailure(
        f"{where}: {wrong} ({exc}); {safe}. {action[0].upper()}{action[1:]}", kind
    )
