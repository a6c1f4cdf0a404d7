"""The payment state machine (``shared/domain/store-and-forward.md`` §2)."""

from __future__ import annotations

from enum import StrEnum


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
    S.RECORDED: frozenset({S.SENDING, S.QUEUED}),
    S.QUEUED: frozenset({S.SENDING}),
    S.SENDING: frozenset({S.SUCCESS, S.PENDING, S.UNKNOWN, S.REJECTED, S.FAILED, S.QUEUED}),
    S.PENDING: frozenset({S.SUCCESS, S.FAILED, S.UNKNOWN, S.PENDING}),
    S.UNKNOWN: frozenset({S.SUCCESS, S.FAILED, S.PENDING, S.SENDING, S.UNKNOWN}),
    S.REJECTED: frozenset({S.SENDING, S.REFUND_DUE}),
    S.FAILED: frozenset({S.REFUND_DUE}),
    S.REFUND_DUE: frozenset({S.REFUNDED}),
    S.SUCCESS: frozenset(),
    S.REFUNDED: frozenset(),
}

FINAL = frozenset({S.SUCCESS, S.REFUNDED})
NEEDS_FORWARDING = frozenset({S.RECORDED, S.QUEUED, S.REJECTED, S.PENDING, S.UNKNOWN})

LABELS = {
    S.RECORDED: "Tercatat",
    S.QUEUED: "Antre (offline)",
    S.SENDING: "Mengirim",
    S.SUCCESS: "LUNAS",
    S.PENDING: "Diproses",
    S.UNKNOWN: "Belum pasti",
    S.REJECTED: "Ditolak, dicoba lagi",
    S.FAILED: "Gagal",
    S.REFUND_DUE: "Uang harus dikembalikan",
    S.REFUNDED: "Sudah dikembalikan",
}


class IllegalTransition(ValueError):
    pass


def check_transition(old: PaymentState, new: PaymentState) -> None:
    if new not in TRANSITIONS[old]:
        raise IllegalTransition(f"{old} -> {new} is not allowed")
