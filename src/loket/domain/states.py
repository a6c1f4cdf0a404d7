"""The payment state machine, its groups and its words.

A payment is recorded before anything is sent (RECORDED, or QUEUED when taken offline), is SENDING
while a request is on the wire, and ends SUCCESS or FAILED; PENDING (the biller has not answered)
and UNKNOWN (no answer, or a crash while SENDING) are resolved by status queries with the same
reference, never by paying again; REJECTED (the host recorded nothing) is sent again later; a
FAILED payment whose cash was taken is REFUND_DUE until the cashier pays it back (REFUNDED).
``TRANSITIONS`` below is the whole machine.

Every group of states and every Indonesian word for a state is defined here and only here:
screens, slips, reports and SQL ``IN`` lists are built from these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from loket.domain.outcomes import Meaning


class PaymentState(StrEnum):
    RECORDED = "RECORDED"  # committed locally, not yet sent
    QUEUED = "QUEUED"  # taken while offline, waiting for the host
    SENDING = "SENDING"  # a request is (or was, before a crash) on the wire
    SUCCESS = "SUCCESS"
    PENDING = "PENDING"  # host accepted, biller has not answered
    UNKNOWN = "UNKNOWN"  # outcome unknown: resolve by status with the same ref_id
    REJECTED = "REJECTED"  # host recorded nothing; retry later with the same ref_id
    FAILED = "FAILED"  # final failure at the host
    REFUND_DUE = "REFUND_DUE"  # cash taken for a failed payment, to be paid back
    REFUNDED = "REFUNDED"


S = PaymentState

TRANSITIONS: dict[PaymentState, frozenset[PaymentState]] = {
    # FAILED straight from a state that sent nothing: a fresh inquiry found the bill changed
    S.RECORDED: frozenset({S.SENDING, S.QUEUED, S.FAILED}),
    S.QUEUED: frozenset({S.SENDING, S.FAILED}),
    S.SENDING: frozenset({S.SUCCESS, S.PENDING, S.UNKNOWN, S.REJECTED, S.FAILED, S.QUEUED}),
    S.PENDING: frozenset({S.SUCCESS, S.FAILED, S.UNKNOWN, S.PENDING, S.SENDING}),
    S.UNKNOWN: frozenset({S.SUCCESS, S.FAILED, S.PENDING, S.SENDING, S.UNKNOWN}),
    S.REJECTED: frozenset({S.SENDING, S.FAILED, S.REFUND_DUE}),
    S.FAILED: frozenset({S.REFUND_DUE}),
    S.REFUND_DUE: frozenset({S.REFUNDED}),
    S.SUCCESS: frozenset(),
    S.REFUNDED: frozenset(),
}

# -- groups -----------------------------------------------------------------------------------
FINAL = frozenset({S.SUCCESS, S.REFUNDED})  # nothing more will happen to it
NOT_FINAL = frozenset(PaymentState) - FINAL  # the exceptions list, "belum final" on a Z report
NEEDS_FORWARDING = frozenset({S.RECORDED, S.QUEUED, S.REJECTED, S.PENDING, S.UNKNOWN})
WAITING_TO_SEND = frozenset({S.RECORDED, S.QUEUED, S.REJECTED})  # the queue ("Antre")
IN_FLIGHT = frozenset({S.SENDING, S.PENDING, S.UNKNOWN})  # at the host, answer not final
AWAITING_HOST = WAITING_TO_SEND | IN_FLIGHT  # cash taken, the host has not confirmed it yet
# not known to have reached the host: to send, or sent without an answer — what a queue that
# cannot get through holds (service/queue_health.py: "stuck"); the host has a PENDING one
UNDELIVERED = WAITING_TO_SEND | {S.UNKNOWN}
MONTHS_SOLD = AWAITING_HOST | {S.SUCCESS}  # its months are taken: confirmed, or on their way
OWED_BACK = frozenset({S.FAILED, S.REFUND_DUE})  # cash to be paid back to the customer
CLOSED_UNPAID = frozenset({S.FAILED, S.REFUND_DUE, S.REFUNDED})  # the host did not take it
TROUBLED = frozenset({S.PENDING, S.UNKNOWN, S.REJECTED, S.FAILED})  # had trouble on the way

# A failed transaction must be resolved within 2x24 hours (the PPOB agent's obligations).
SETTLEMENT_LIMIT = timedelta(hours=48)


# -- failures by kind (the monthly report, seed 000) -------------------------------------------
@dataclass(frozen=True)
class FailureKind:
    """Which event of a payment counts as a failure of this kind: the state it moved to, or what
    the host's answer meant. A payment may count under several kinds (a time-out later
    refunded)."""

    label: str
    to_state: PaymentState | None = None
    meaning: Meaning | None = None

    def condition(self, event: str = "e") -> str:
        """As SQL over an event row aliased ``event`` (a state's name or a meaning, never
        input): the counter's SQLite and the owner's PostgreSQL read it alike."""
        if self.to_state is not None:
            return f"{event}.to_state = '{self.to_state}'"
        return f"{event}.meaning = '{self.meaning}'"


FAILURE_KINDS: dict[str, FailureKind] = {
    "time_out": FailureKind("Time-out / jawaban tidak pasti", to_state=S.UNKNOWN),
    "amount_mismatch": FailureKind("Jumlah tagihan berbeda", meaning=Meaning.BILL_CHANGED),
    "rejected": FailureKind("Ditolak host", to_state=S.REJECTED),
    "failed": FailureKind("Gagal final (host atau tagihan berubah)", to_state=S.FAILED),
    "refunded": FailureKind("Uang dikembalikan", to_state=S.REFUNDED),
}


# -- words --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StateWords:
    label: str  # lists, history, CLI, reports
    short: str  # a 32-column slip, an 80-column list (at most 12 characters)
    headline: str  # the result screen, large


WORDS: dict[PaymentState, StateWords] = {
    S.RECORDED: StateWords("Tercatat", "Tercatat", "TERCATAT"),
    S.QUEUED: StateWords("Antre (offline)", "Antre", "ANTRE (OFFLINE)"),
    S.SENDING: StateWords("Mengirim", "Mengirim", "MENGIRIM"),
    S.SUCCESS: StateWords("LUNAS", "Lunas", "LUNAS"),
    S.PENDING: StateWords("Diproses", "Diproses", "SEDANG DIPROSES"),
    S.UNKNOWN: StateWords("Belum pasti", "Blm pasti", "BELUM PASTI"),
    S.REJECTED: StateWords("Ditolak, dicoba lagi", "Ditolak", "BELUM TERKIRIM"),
    S.FAILED: StateWords("Gagal", "Gagal", "GAGAL"),
    S.REFUND_DUE: StateWords("Uang harus dikembalikan", "Hrs kembali", "GAGAL — KEMBALIKAN UANG"),
    S.REFUNDED: StateWords("Sudah dikembalikan", "Dikembalikan", "DIKEMBALIKAN"),
}


LABEL_WIDTH = max(len(w.label) for w in WORDS.values())  # a column that any state's label fits


def _words(state: str) -> StateWords | None:
    try:
        return WORDS[PaymentState(state)]
    except ValueError:
        return None


def label(state: str) -> str:
    words = _words(state)
    return words.label if words else str(state)


def short_label(state: str) -> str:
    words = _words(state)
    return words.short if words else str(state)[:12]


def headline(state: str) -> str:
    words = _words(state)
    return words.headline if words else str(state)


def names(states: Iterable[PaymentState]) -> list[str]:
    """The states as stored (for SQL parameters), in a stable order."""
    return sorted(str(s) for s in states)


class IllegalTransition(Exception):
    """Someone else moved the payment meanwhile; their state stands (not a user's mistake)."""


def check_transition(old: PaymentState, new: PaymentState) -> None:
    if new not in TRANSITIONS[old]:
        raise IllegalTransition(f"{old} -> {new} is not allowed")
