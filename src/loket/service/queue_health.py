"""Is the queue stuck? What waits for the host, for how long, and why it cannot be sent.

Stripe Terminal's offline payments once sat unsent behind an expired credential and nothing told
the merchant (issue 18). Square tells two failures apart: FAILED_TO_UPLOAD (could not be sent)
and FAILED_TO_PROCESS (refused). So does loket, here and only here:

- **stuck**: payments the host has not taken — waiting to be sent, or sent without an answer
  (``UNDELIVERED``) — the oldest of which has waited longer than ``STUCK_AFTER``. The reason is
  what the host said last to one of them: credentials or clock refused, address not
  whitelisted, another refusal, or no answer at all.
- **owed back**: a payment the host refused for good (``REFUND_DUE``) is not stuck: it is
  final, and its cash goes back to the customer.

The status line (``Runtime.health``), ``loket host check`` and ``loket doctor`` all ask ``look``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import parse_iso
from loket.domain.money import format_rupiah
from loket.domain.outcomes import (
    HOST_GARBLED,
    HOST_HTTP_ERROR,
    HOST_TOO_LARGE,
    HOST_TOO_SLOW,
    HOST_UNREACHABLE,
    Meaning,
)
from loket.domain.states import UNDELIVERED, PaymentState, label
from loket.errors import LoketError, StorageError
from loket.store import attempts, dbfile, payments
from loket.store.db import code_head, make_engine, stored_revision

# Three tries at the forwarder's five-minute back-off cap, and still nothing got through.
STUCK_AFTER = timedelta(minutes=15)
# What an attempt says when the host gave no answer at all (host/transport.py's words).
NO_ANSWER = (
    HOST_UNREACHABLE,
    HOST_TOO_SLOW,
    HOST_GARBLED,
    HOST_TOO_LARGE,
    HOST_HTTP_ERROR.split("{", 1)[0],
)


@dataclass(frozen=True)
class Reason:
    """Why the queue cannot be sent, in the owner's words."""

    text: str  # "kunci/jam ditolak host (kode 41)"
    short: str  # the status line's: "kunci/jam ditolak"
    advice: str  # what to do about it


def reason_of(meaning: str, rc: str, message: str) -> Reason | None:
    """What one host attempt's answer says about the queue, by what it meant (``meaning``, as
    stored: ``""`` before an answer); ``rc`` is only named, as the host's own code. None when it
    says nothing (a note of loket's own, an answer that is not a refusal)."""
    if meaning == Meaning.AUTH_REFUSED:
        return Reason(
            f"kunci/jam ditolak host (kode {rc})",
            "kunci/jam ditolak",
            "periksa kunci host di konfigurasi dan jam komputer (`loket host check`)",
        )
    if meaning == Meaning.IP_REFUSED:
        return Reason(
            f"IP komputer ini belum di-whitelist host (kode {rc})",
            "IP ditolak",
            "daftarkan IP publik loket di panel akun host",
        )
    if rc:  # any other answer the host gave in a code of its own
        said = f"ditolak host: {message} (kode {rc})" if message else f"ditolak host (kode {rc})"
        return Reason(said, f"ditolak kode {rc}", "jalankan `loket host check`")
    if message.startswith(NO_ANSWER):
        what = message.split(" — ", 1)[0]
        return Reason(
            what[0].lower() + what[1:],
            "host tak menjawab",
            "periksa koneksi internet dan alamat host",
        )
    return None


def waited(delta: timedelta, short: bool = False) -> str:
    """``42 menit``, ``3 jam``, ``2 hari`` (``short``: ``42m``, ``3j``, ``2h``, the status
    line's): how long something has waited."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        count, unit = minutes, ("m", " menit")
    elif minutes < 48 * 60:
        count, unit = minutes // 60, ("j", " jam")
    else:
        count, unit = minutes // 1440, ("h", " hari")
    return f"{count}{unit[0] if short else unit[1]}"


@dataclass(frozen=True)
class QueueHealth:
    waiting: int = 0  # UNDELIVERED payments
    amount: int = 0  # their totals, in rupiah
    oldest: datetime | None = None  # when the oldest of them was taken
    stuck: bool = False
    reason: Reason | None = None  # known only when stuck
    refunds_due: int = 0  # refused by the host for good: cash owed back, not stuck
    unanswered: int = 0  # of ``waiting``, those sent without an answer (UNKNOWN)

    def age(self, now: datetime) -> timedelta:
        return now - self.oldest if self.oldest is not None else timedelta(0)

    @property
    def title(self) -> str:
        return "Antrean macet" if self.stuck else "Antrean"

    def detail(self, now: datetime) -> str:
        if not self.waiting:
            return "tidak ada pembayaran yang menunggu dikirim"
        told = (
            f"{self.waiting} pembayaran ({format_rupiah(self.amount)}) "
            f"{'belum terkirim' if self.stuck else 'menunggu dikirim'}, tertua "
            f"{waited(self.age(now))}"
        )
        if not self.stuck:
            return told
        if self.reason is None:
            return f"{told}; jalankan `loket host check`"
        return f"{told} — {self.reason.text}: {self.reason.advice}"

    def line(self, now: datetime) -> str:
        """One line for the owner: "Antrean macet: 3 pembayaran … belum terkirim, tertua 42
        menit — kunci/jam ditolak host (kode 41): periksa …"."""
        return f"{self.title}: {self.detail(now)}"

    def owed(self) -> str:
        """The payments the host refused, said apart from the queue ("" when there are none)."""
        if not self.refunds_due:
            return ""
        return (
            f"{self.refunds_due} pembayaran ditolak host: "
            f"{label(PaymentState.REFUND_DUE).lower()} ke pelanggan (F6), bukan antrean macet"
        )


def look(engine: Engine, now: datetime) -> QueueHealth:
    """The queue of this database now."""
    counts = payments.counts_by_state(engine)
    waiting = [counts[s] for s in UNDELIVERED if s in counts]
    oldest = min((parse_iso(c.oldest) for c in waiting if c.oldest), default=None)
    stuck = oldest is not None and now - oldest > STUCK_AFTER
    reason = None
    if stuck:
        for attempt in attempts.latest_of(engine, UNDELIVERED):
            reason = reason_of(attempt.meaning, attempt.rc, attempt.message)
            if reason is not None:
                break
    owed = counts.get(PaymentState.REFUND_DUE)
    unanswered = counts.get(PaymentState.UNKNOWN)
    return QueueHealth(
        sum(c.count for c in waiting),
        sum(c.amount for c in waiting),
        oldest,
        stuck,
        reason,
        owed.count if owed else 0,
        unanswered.count if unanswered else 0,
    )


class QueueUnseen(Exception):
    """The queue of a database cannot be looked at here; the message says why (Indonesian)."""


def look_at(path: str | Path, now: datetime) -> QueueHealth | None:
    """The queue of the database at ``path``, read without opening it as loket does (nothing
    made, migrated or written: ``loket doctor`` and ``loket host check`` only look); None when
    there is no database yet (a new counter: nothing was ever taken)."""
    try:
        path = dbfile.checked_path(path)
        found = dbfile.inspect(path, path.with_name(f"{path.name}.anchor"))
    except LoketError as exc:  # not a database loket could use: the counter says the same
        raise QueueUnseen(str(exc)) from None
    if found.missing:
        return None
    engine = make_engine(path)
    try:
        if stored_revision(engine) != code_head():
            raise QueueUnseen("skema database belum diperbarui: jalankan loket sekali dulu")
        return look(engine, now)
    except StorageError as exc:  # a damaged or unreadable file: `loket doctor` says more
        raise QueueUnseen(str(exc)) from None
    finally:
        engine.dispose()
