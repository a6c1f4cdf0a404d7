"""The anchor: what the database held when a customer was last told, kept outside the database.

SQLite can lose committed rows without noticing: delete ``loket.db-wal`` under a running process
and the next checkpoint writes an older picture over the newer one; cut rows off the end of the
audit log and the chain that is left is valid. Both leave a database that looks healthy. So each
time the counter tells someone something (a payment recorded or sent, a refund, a shift closed)
it writes down, beside the database (``loket.db.anchor``), the newest payment and the audit
chain's head. On every start the database must still hold them, or loket refuses to start.

The file is replaced atomically (temp file, fsync, rename, fsync of the folder) under a lock, so
the counter, ``loket pay`` and ``loket sync`` can share it; it only ever moves forward, and only
along the chain it already records: a process whose view of the database has forked (it kept the
deleted WAL) cannot overwrite the evidence. It carries an HMAC with the audit key, checked by
``loket doctor`` and ``loket audit verify``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from loket.clock import SystemClock
from loket.store import audit
from loket.store.db import StoreInfo, store_of, write
from loket.store.dbfile import RESTORE, DatabaseRefused
from loket.store.files import FileLock, write_atomic

log = logging.getLogger("loket.store")
FORMAT = 1
STARTED = "anchor_started"  # the audit row that says this database has an anchor


@dataclass(frozen=True)
class Mark:
    payment_id: int = 0
    payment_ref: str = ""
    audit_id: int = 0
    audit_hash: str = ""
    keyed_from: int = 0

    def ahead_of(self, other: Mark) -> bool:
        return (self.payment_id, self.audit_id) > (other.payment_id, other.audit_id)


@dataclass(frozen=True)
class Anchor:
    mark: Mark
    at: str
    signed: bool  # its HMAC verifies with this process's audit key


class AnchorUnreadable(ValueError):
    pass


def path_for(db: Path) -> Path:
    return db.with_name(db.name + ".anchor")


def _lock_for(db: Path) -> FileLock:
    return FileLock(db.with_name(db.name + ".anchor.lock"))


def _body(mark: Mark, at: str, db: Path) -> dict[str, Any]:
    return {"format": FORMAT, "database": db.name, "at": at, **asdict(mark)}


def load(db: Path, store: StoreInfo | None = None) -> Anchor | None:
    try:
        raw = path_for(db).read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        mac = data.pop("mac")
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        mark = Mark(**{k: data[k] for k in Mark.__dataclass_fields__})
        at = data["at"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnchorUnreadable(str(exc)) from None
    signed = (
        store is not None and store.key is not None and store.sign(audit.canonical(data)) == mac
    )
    return Anchor(mark, at, signed)


def _save(store: StoreInfo, mark: Mark) -> None:
    body = _body(mark, SystemClock().now().isoformat(timespec="seconds"), store.path)
    body["mac"] = store.sign(audit.canonical(body))
    write_atomic(path_for(store.path), (json.dumps(body, indent=1) + "\n").encode())


def observe(conn: Connection) -> Mark:
    """The newest payment and the audit head, as this connection sees them."""
    payment = conn.exec_driver_sql(
        "SELECT id, ref_id FROM payment ORDER BY id DESC LIMIT 1"
    ).first()
    head = conn.exec_driver_sql(audit.HEAD).first()
    keyed = audit.keyed_from(conn)
    return Mark(
        payment[0] if payment else 0,
        payment[1] if payment else "",
        head[0] if head else 0,
        head[1] if head else "",
        keyed[0] if keyed else 0,
    )


def gaps(conn: Connection, mark: Mark, audit_too: bool = True) -> list[str]:
    """What the database lacks of ``mark`` (Indonesian), empty when it holds all of it."""
    found = []
    if mark.payment_id:
        row = conn.exec_driver_sql(
            "SELECT ref_id FROM payment WHERE id = ?", (mark.payment_id,)
        ).first()
        if row is None:
            last = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM payment").scalar()
            found.append(
                f"pembayaran sampai #{mark.payment_id} ({mark.payment_ref}) sudah "
                f"diakui, tetapi database hanya berisi sampai #{last}"
            )
        elif row[0] != mark.payment_ref:
            found.append(
                f"pembayaran #{mark.payment_id} di database ({row[0]}) bukan yang "
                f"diakui ({mark.payment_ref})"
            )
    if mark.audit_id and audit_too:
        row = conn.exec_driver_sql(
            "SELECT hash FROM auditentry WHERE id = ?", (mark.audit_id,)
        ).first()
        if row is None:
            last = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM auditentry").scalar()
            found.append(
                f"log audit terpotong: berakhir di baris #{last}, padahal sudah sampai "
                f"#{mark.audit_id}"
            )
        elif row[0] != mark.audit_hash:
            found.append(
                f"baris log audit #{mark.audit_id} tidak sama dengan yang dicatat (ditulis ulang)"
            )
    return found


def _refusal(db: Path, what: str) -> DatabaseRefused:
    return DatabaseRefused(
        f"{db}: data yang sudah diakui ke pelanggan hilang — {what}. Pembayaran itu sudah "
        f"diberitahukan ke pelanggan dan mungkin sudah dibukukan host. Jangan lanjutkan: "
        f"{RESTORE}"
    )


def refuse_if_acknowledged(db: Path, key: bytes | None) -> None:
    """No database file: refused if its anchor says payments had been acknowledged."""
    try:
        anchor = load(db)
    except AnchorUnreadable as exc:
        raise DatabaseRefused(
            f"{db} tidak ada dan file jangkarnya rusak ({exc}); tidak ada yang dibuat. {RESTORE}"
        ) from None
    if anchor is not None and anchor.mark.payment_id:
        raise _refusal(
            db,
            f"file database tidak ada, padahal pembayaran sampai "
            f"#{anchor.mark.payment_id} sudah tercatat (lihat {path_for(db).name})",
        )


def check_on_open(engine: Engine) -> None:
    """Refuse a database that lacks what was acknowledged, or whose audit head does not verify
    with this key; write the first anchor of a database that never had one."""
    with engine.connect() as conn:
        store = store_of(conn)
        try:
            anchor = load(store.path, store)
        except AnchorUnreadable as exc:
            raise DatabaseRefused(
                f"{path_for(store.path)}: file jangkar rusak ({exc}); belum ada pembayaran yang "
                f"diproses. Jalankan `loket doctor`"
            ) from None
        if anchor is not None:
            missing = gaps(conn, anchor.mark)
            if missing:
                raise _refusal(store.path, "; ".join(missing))
        elif (
            conn.exec_driver_sql(
                "SELECT 1 FROM auditentry WHERE action = ? LIMIT 1", (STARTED,)
            ).first()
            is not None
            and observe(conn).payment_id
        ):
            raise _refusal(
                store.path,
                f"file jangkar {path_for(store.path).name} hilang, padahal "
                f"database ini pernah memilikinya",
            )
        wrong = audit.head_problem(conn, store.key) if store.key else None
        if wrong:
            raise DatabaseRefused(
                f"{store.path}: {wrong}; belum ada pembayaran yang diproses. "
                f"Jalankan `loket doctor`"
            )
    if anchor is None:
        _start(engine, store)


def _start(engine: Engine, store: StoreInfo) -> None:
    with _lock_for(store.path) as lock:
        if not lock.acquired or path_for(store.path).exists():
            return  # another process is starting it, or has
        now = SystemClock().now().isoformat(timespec="seconds")
        with write(engine) as conn:
            audit.append(conn, now, "system", STARTED, {"anchor": path_for(store.path).name})
            mark = observe(conn)
        _save(store, mark)


def acknowledge(engine: Engine) -> bool:
    """Someone has just been told: anchor what the database holds now. Fast (two fsyncs of a
    small file) and never raises: a failure here is logged and the next start still checks
    against the last anchor that was written."""
    try:
        with engine.connect() as conn:
            store = store_of(conn)
            with _lock_for(store.path) as lock:
                if not lock.acquired:
                    log.warning("anchor: lock busy, not updated this time")
                    return False
                previous = load(store.path)
                seen = observe(conn)
                if previous is not None:
                    if not seen.ahead_of(previous.mark):
                        return True
                    missing = gaps(conn, previous.mark)
                    if missing:  # our view has forked from what was acknowledged: keep the proof
                        log.error("anchor: not moved, this process's view lacks %s", missing)
                        return False
                _save(store, seen)
                return True
    except Exception:
        log.warning("anchor: not updated", exc_info=True)
        return False


def on_dispose(engine: Engine) -> None:
    """A clean close anchors what this process saw; the pool it opens for that is closed again."""
    acknowledge(engine)
    engine.pool.dispose()


def reset(engine: Engine, actor: str, now: str) -> tuple[Mark | None, Mark]:
    """After a backup was restored on purpose: anchor what the database holds now, backwards,
    and say so in the audit log (with what was anchored before)."""
    with engine.connect() as conn:
        store = store_of(conn)
    with _lock_for(store.path) as lock:
        if not lock.acquired:
            raise DatabaseRefused(
                f"{path_for(store.path)}: sedang dipakai proses loket lain; "
                f"hentikan loket lalu coba lagi"
            )
        try:
            previous = load(store.path, store)
        except AnchorUnreadable:
            previous = None
        before = previous.mark if previous else None
        with write(engine) as conn:
            audit.append(
                conn, now, actor, "anchor_reset", {"before": asdict(before) if before else None}
            )
            mark = observe(conn)
        _save(store, mark)
    return before, mark


def findings(engine: Engine) -> tuple[Anchor | None, list[str]]:
    """For ``loket doctor`` and ``loket audit verify``: the anchor and what is wrong with it.
    The audit log's end against the anchor is ``verifying.verify``'s to report."""
    with engine.connect() as conn:
        store = store_of(conn)
        try:
            anchor = load(store.path, store)
        except AnchorUnreadable as exc:
            return None, [f"file jangkar rusak ({exc})"]
        if anchor is None:
            started = conn.exec_driver_sql(
                "SELECT 1 FROM auditentry WHERE action = ? LIMIT 1", (STARTED,)
            ).first()
            return None, [f"file jangkar {path_for(store.path).name} tidak ada"] if started else []
        problems = gaps(conn, anchor.mark, audit_too=False)
        if store.key is not None and not anchor.signed:
            problems.append(
                "tanda tangan file jangkar tidak cocok dengan kunci audit (diubah "
                "dari luar, atau kunci lain)"
            )
        return anchor, problems
