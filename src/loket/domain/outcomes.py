"""Host response codes, their class, and what the cashier is told (Indonesian)."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    SUCCESS = "success"
    PENDING = "pending"  # accepted, biller has not answered: resolve by status
    FINAL_FAILURE = "final_failure"  # cash taken must be refunded
    REJECTED = "rejected"  # nothing recorded at the host: retry later, same ref_id
    NOT_POSTED = "not_posted"  # known not to have posted under this reference (status: not found)
    UNKNOWN = "unknown"  # time-out, 5xx, dropped, garbage: resolve by status


# rc -> (class, message for the cashier)
RC_TABLE: dict[str, tuple[Outcome, str]] = {
    "00": (Outcome.SUCCESS, "Berhasil"),
    "03": (Outcome.PENDING, "Sedang diproses biller, status akan dicek ulang"),
    "34": (Outcome.FINAL_FAILURE, "Tagihan sudah lunas, tidak ada yang perlu dibayar"),
    "40": (Outcome.REJECTED, "Permintaan ditolak host (format salah)"),
    "41": (Outcome.REJECTED, "Autentikasi ke host gagal — hubungi pemilik loket"),
    "44": (Outcome.REJECTED, "Saldo deposit agen tidak cukup — hubungi pemilik loket"),
    "49": (Outcome.REJECTED, "Nomor referensi sudah dipakai untuk transaksi lain"),
    "50": (Outcome.NOT_POSTED, "Transaksi belum tercatat di host"),
    "54": (Outcome.FINAL_FAILURE, "Nomor peserta tidak ditemukan"),
    "57": (Outcome.FINAL_FAILURE, "Format nomor peserta salah"),
    "58": (Outcome.REJECTED, "Sedang cut-off tengah malam, coba lagi beberapa menit lagi"),
    "60": (Outcome.FINAL_FAILURE, "Peserta tidak dapat dibayar di loket ini"),
    "84": (Outcome.FINAL_FAILURE, "Jumlah tagihan berubah, lakukan cek tagihan ulang"),
    "99": (Outcome.UNKNOWN, "Gangguan di host, status akan dicek ulang"),
}

HOST_UNREACHABLE = "Host tidak dapat dihubungi — periksa koneksi internet"
HOST_GARBLED = "Balasan host tidak dapat dibaca"
# A reply that is not believed: the outcome stays unknown and is resolved by a status query.
HOST_TOO_SLOW = "Host terlalu lama menjawab — status akan dicek ulang"
HOST_HTTP_ERROR = "Host bermasalah (HTTP {status}) — status akan dicek ulang"
HOST_TOO_LARGE = "Balasan host terlalu besar — status akan dicek ulang"
HOST_INCONSISTENT = "Balasan host janggal (status dan kode tidak cocok) — status akan dicek ulang"
HOST_MISMATCH = "Balasan host tidak sesuai transaksi yang dikirim — status akan dicek ulang"
HOST_FAILED_HERE = "Gangguan saat mengirim ke host — status akan dicek ulang"

# rc that only come with their own HTTP status (protocol errors), and the one only /v1/status uses.
PROTOCOL_ERROR_RC = {400: "40", 401: "41", 409: "49"}
STATUS_ONLY_RC = "50"


def classify(status: str, rc: str) -> Outcome:
    """The class of an rc (the table first, then the status word). Only for a reply already
    found consistent: ``loket.host.replies`` judges status, rc and HTTP status together."""
    if rc in RC_TABLE:
        return RC_TABLE[rc][0]
    return {
        "success": Outcome.SUCCESS,
        "pending": Outcome.PENDING,
        "failed": Outcome.FINAL_FAILURE,
    }.get(status, Outcome.UNKNOWN)


def cashier_message(rc: str, host_message: str = "") -> str:
    """The cashier's words for an rc; rc 60 keeps the host's reason (PBI or PPU)."""
    if rc == "60" and host_message:
        return f"Peserta tidak dapat dibayar di loket ini: {host_message}"
    if rc in RC_TABLE:
        return RC_TABLE[rc][1]
    return host_message or f"Transaksi gagal (kode {rc})"
