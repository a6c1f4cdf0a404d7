"""The native protocol's response codes: each one's class, meaning and the cashier's words.

A native reply carries a status word (``success``, ``pending``, ``failed``) and a two-digit
``rc``. ``00`` comes only with ``success`` and ``03`` only with ``pending``; ``40``, ``41`` and
``49`` come only with their own HTTP status (400, 401, 409: a request the host refused before
reading it as a payment), and ``50`` ("no payment under this ref_id") only from ``/v1/status``.
A code the table does not list is classed by its status word.
"""

from __future__ import annotations

from loket.domain.outcomes import Meaning, Outcome

M = Meaning

# rc -> (class, meaning, message for the cashier)
RC_TABLE: dict[str, tuple[Outcome, Meaning, str]] = {
    "00": (Outcome.SUCCESS, M.OK, "Berhasil"),
    "03": (Outcome.PENDING, M.PENDING, "Sedang diproses biller, status akan dicek ulang"),
    "34": (
        Outcome.FINAL_FAILURE,
        M.ALREADY_PAID,
        "Tagihan sudah lunas, tidak ada yang perlu dibayar",
    ),
    "40": (Outcome.REJECTED, M.BAD_REQUEST, "Permintaan ditolak host (format salah)"),
    "41": (Outcome.REJECTED, M.AUTH_REFUSED, "Autentikasi ke host gagal — hubungi pemilik loket"),
    "44": (
        Outcome.REJECTED,
        M.DEPOSIT_LOW,
        "Saldo deposit agen tidak cukup — hubungi pemilik loket",
    ),
    "49": (
        Outcome.REJECTED,
        M.REFERENCE_REUSED,
        "Nomor referensi sudah dipakai untuk transaksi lain",
    ),
    "50": (Outcome.NOT_POSTED, M.NOT_POSTED, "Transaksi belum tercatat di host"),
    "54": (Outcome.FINAL_FAILURE, M.NUMBER_UNKNOWN, "Nomor peserta tidak ditemukan"),
    "57": (Outcome.FINAL_FAILURE, M.NUMBER_MALFORMED, "Format nomor peserta salah"),
    "58": (
        Outcome.REJECTED,
        M.CUT_OFF,
        "Sedang cut-off tengah malam, coba lagi beberapa menit lagi",
    ),
    "60": (Outcome.FINAL_FAILURE, M.NOT_PAYABLE, "Peserta tidak dapat dibayar di loket ini"),
    "84": (
        Outcome.FINAL_FAILURE,
        M.BILL_CHANGED,
        "Jumlah tagihan berubah, lakukan cek tagihan ulang",
    ),
    "99": (Outcome.UNKNOWN, M.HOST_FAULT, "Gangguan di host, status akan dicek ulang"),
}

# rc that only come with their own HTTP status (protocol errors), and the one only /v1/status uses.
PROTOCOL_ERROR_RC = {400: "40", 401: "41", 409: "49"}
STATUS_ONLY_RC = "50"
PAID_UP = "34"  # nothing to pay: the months asked for are paid already
NOT_PAYABLE_HERE = "60"  # PBI or PPU: the host's words say which
SUCCESS_RC = "00"
PENDING_RC = "03"

_BY_WORD = {"success": Outcome.SUCCESS, "pending": Outcome.PENDING, "failed": Outcome.FINAL_FAILURE}


def classify(status: str, rc: str) -> Outcome:
    """The class of an rc (the table first, then the status word). Only for a reply already
    found consistent: ``loket.host.native.replies`` judges status, rc and HTTP status together."""
    if rc in RC_TABLE:
        return RC_TABLE[rc][0]
    return _BY_WORD.get(status, Outcome.UNKNOWN)


def meaning(status: str, rc: str, endpoint: str = "") -> Meaning:
    """What an rc says; a success to a payment or a status query is the payment posted."""
    if rc in RC_TABLE:
        found = RC_TABLE[rc][1]
    else:
        found = {
            Outcome.SUCCESS: M.OK,
            Outcome.PENDING: M.PENDING,
            Outcome.FINAL_FAILURE: M.FAILED,
        }.get(classify(status, rc), M.UNKNOWN)
    if found is M.OK and endpoint in ("payment", "status"):
        return M.PAID
    return found


def cashier_message(rc: str, host_message: str = "") -> str:
    """The cashier's words for an rc; rc 60 keeps the host's reason (PBI or PPU)."""
    if rc == NOT_PAYABLE_HERE and host_message:
        return f"Peserta tidak dapat dibayar di loket ini: {host_message}"
    if rc in RC_TABLE:
        return RC_TABLE[rc][2]
    return host_message or f"Transaksi gagal (kode {rc})"
