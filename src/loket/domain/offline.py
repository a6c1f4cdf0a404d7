"""When a payment may be taken while the host cannot be reached (a QUEUED payment, forwarded
once the host answers again, with a provisional receipt meanwhile).

Pure rules over plain numbers: the counter asks, the owner's limits answer. Every refusal names
the limit, in the cashier's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from loket.domain.money import format_rupiah
from loket.domain.months import Month


@dataclass(frozen=True)
class OfflineLimits:
    enabled: bool = True
    family_max_age_days: int = 35
    max_payment: int = 1_000_000
    max_total: int = 5_000_000
    max_count: int = 50
    max_age_hours: int = 24


@dataclass(frozen=True)
class Queue:
    """What is already waiting for the host."""

    count: int = 0
    total: int = 0
    oldest: datetime | None = None


@dataclass(frozen=True)
class KnownFamily:
    inquired_at: datetime
    paid_through: Month | None  # None: unknown (the last inquiry found nothing to pay)


NO_HONEST_PRICE = (
    "Harga per bulan keluarga ini belum diketahui dari cek sebelumnya: tidak bisa dibayar offline"
)


def month_price(premium: int, months: int) -> int | None:
    """A count-only family's total for one month, from a bill of ``months`` months: only when it
    divides evenly (a bill across a tariff change or a change of members does not say what one
    month costs, so nothing is cached from it)."""
    if months <= 0 or premium <= 0 or premium % months:
        return None
    return premium // months


def count_only_paid_through(billed_in: Month, months_ahead: int, month_count: int) -> Month:
    """The month before a count-only bill's first: a BPJS bill ends at the month it is made in
    (plus any months paid ahead), so ``n`` months end there (Perdir 16/2016: arrears, then the
    current month)."""
    return billed_in + months_ahead - month_count


def queue_refusal(limits: OfflineLimits, queue: Queue, now: datetime) -> str | None:
    """Limits on the queue itself: past any of them the counter goes online-only."""
    if not limits.enabled:
        return "Pembayaran offline tidak diizinkan pemilik loket"
    if queue.count >= limits.max_count:
        return f"Batas offline: sudah {queue.count} pembayaran antre (maks. {limits.max_count})"
    if queue.oldest is not None and now - queue.oldest >= timedelta(hours=limits.max_age_hours):
        return (
            f"Batas offline: ada pembayaran antre lebih dari {limits.max_age_hours} jam — "
            "tunggu sampai terkirim"
        )
    return None


def offline_refusal(
    limits: OfflineLimits,
    queue: Queue,
    family: KnownFamily | None,
    amount: int,
    current: Month,
    now: datetime,
) -> str | None:
    """Why this payment may not be taken offline, or None when it may."""
    refusal = queue_refusal(limits, queue, now)
    if refusal:
        return refusal
    if family is None:
        return "Keluarga ini belum pernah dicek di loket ini: tidak bisa dibayar offline"
    if now - family.inquired_at > timedelta(days=limits.family_max_age_days):
        return (
            f"Data keluarga lebih lama dari {limits.family_max_age_days} hari: "
            "tidak bisa dibayar offline"
        )
    if family.paid_through is None or family.paid_through + 1 < current:
        return "Keluarga ini punya tunggakan: hanya bisa dibayar online"
    if amount > limits.max_payment:
        return f"Batas offline per pembayaran {format_rupiah(limits.max_payment)}"
    if queue.total + amount > limits.max_total:
        return f"Batas offline: total antre akan melewati {format_rupiah(limits.max_total)}"
    return None
