"""Digiflazz response codes: their class, their meaning and what the cashier is told, in one place.

The classes follow Digiflazz's documented table ("Response Code"): ``00`` Sukses; ``03`` and ``99``
(a router issue) Pending; ``01`` and ``70`` are time-outs documented as Gagal, yet the transaction
was formed, so their outcome is unknown; the refusals that record nothing (payload, signature,
user, SKU, deposit, IP, the account's state) may be sent again with the same reference; the
product's troubles, the cut-off and the rate limit (``85``) spend it; the rest are final. ``60``
says the bill is not available: nothing to pay, or a participant paid by others (the words name
PBI or PPU).

A code means different things by what was asked: rc 50 at ``status-pasca`` says no payment
arrived under the reference (a new one may follow), at ``pay-pasca`` that there is no usable
inquiry; a rejection at ``status-pasca`` (a bad signature, the rate limit) says nothing about the
payment at all. Anything not in the tables is an unknown outcome, resolved by a status query.
"""

from __future__ import annotations

from typing import Literal

from loket.domain.outcomes import Meaning, Outcome

Context = Literal["inquiry", "pay", "status"]

SUCCESS_RC = "00"
SUCCESS = frozenset({SUCCESS_RC})
PENDING = frozenset({"03", "99"})  # 99: router issue, documented as Pending
UNKNOWN = frozenset({"01", "70"})  # time-outs: documented Gagal, yet the transaction was formed
REJECTED = frozenset(
    {"40", "41", "42", "43", "44", "45", "61", "62", "63", "66", "67", "69", "80", "81", "82", "88"}
)  # R: nothing recorded, the same reference later
USED_UP = frozenset({"53", "55", "58", "71", "85"})  # R′: nothing posted, the reference used up
FINAL = frozenset({"02", "47", "51", "52", "54", "57", "59", "60", "74", "84"})
REF_TAKEN = "49"  # a ref_id already used: ask status-pasca before minting another
NOT_FOUND = "50"
RATE_LIMITED = "85"
RATE_LIMIT_WAIT_S = 60.0  # "retry after 1 minute"

STATUS_WORDS = {"Sukses": SUCCESS, "Pending": PENDING}  # any other rc comes with "Gagal"
NO_BILL = "60"  # "Tagihan belum tersedia": nothing to pay, or paid by others (PBI, PPU)
PAID_BY_OTHERS = ("PBI", "PPU")  # who pays, as rc 60's words may name them

M = Meaning
MEANINGS: dict[str, Meaning] = {
    "00": M.OK,
    "03": M.PENDING,
    "99": M.PENDING,
    "01": M.HOST_FAULT,
    "70": M.HOST_FAULT,
    "02": M.FAILED,
    "52": M.FAILED,
    "74": M.FAILED,
    "40": M.BAD_REQUEST,
    "41": M.AUTH_REFUSED,
    "42": M.AUTH_REFUSED,
    "43": M.PRODUCT_UNKNOWN,
    "44": M.DEPOSIT_LOW,
    "61": M.DEPOSIT_LOW,
    "45": M.IP_REFUSED,
    "62": M.PRODUCT_DOWN,
    "66": M.PRODUCT_DOWN,
    "53": M.PRODUCT_DOWN,
    "55": M.PRODUCT_DOWN,
    "71": M.PRODUCT_DOWN,
    "63": M.RATE_LIMITED,
    "85": M.RATE_LIMITED,
    "67": M.ACCOUNT_REFUSED,
    "69": M.ACCOUNT_REFUSED,
    "80": M.ACCOUNT_REFUSED,
    "81": M.ACCOUNT_REFUSED,
    "82": M.ACCOUNT_REFUSED,
    "88": M.ACCOUNT_REFUSED,
    "58": M.CUT_OFF,
    "49": M.REFERENCE_REUSED,
    "47": M.ALREADY_PAID,
    "51": M.NUMBER_BLOCKED,
    "54": M.NUMBER_UNKNOWN,
    "57": M.NUMBER_MALFORMED,
    "59": M.NOT_PAYABLE,
    "84": M.BILL_CHANGED,
}

CASHIER_TEXT: dict[str, str] = {
    "01": "Host Digiflazz kehabisan waktu — status akan dicek ulang",
    "02": "Transaksi gagal di host Digiflazz",
    "03": "Sedang diproses biller, status akan dicek ulang",
    "40": "Permintaan ditolak Digiflazz (format salah) — hubungi pemilik loket",
    "41": "Tanda tangan (sign) ditolak Digiflazz: username atau API key salah — hubungi "
    "pemilik loket",
    "42": "Username Digiflazz tidak dikenal — hubungi pemilik loket",
    "43": "Kode produk (SKU) tidak dikenal atau tidak aktif di Digiflazz — periksa [host] sku",
    "44": "Saldo deposit Digiflazz tidak cukup — hubungi pemilik loket",
    "45": "Alamat IP loket ini belum di-whitelist di Digiflazz — hubungi pemilik loket",
    "47": "Tagihan sudah dibayar melalui loket lain",
    "49": "Nomor referensi sudah dipakai — status akan dicek ulang",
    "50": "Transaksi tidak ditemukan di Digiflazz",
    "51": "Nomor peserta diblokir",
    "52": "Transaksi ditolak biller",
    "53": "Produk sedang gangguan di Digiflazz, coba lagi nanti",
    "54": "Nomor peserta tidak ditemukan",
    "55": "Produk sedang gangguan di Digiflazz, coba lagi nanti",
    "57": "Jumlah digit nomor peserta salah",
    "58": "Sedang cut-off biller, coba lagi beberapa menit lagi",
    "59": "Nomor peserta di luar wilayah layanan",
    "60": "Tagihan tidak tersedia atau sudah lunas",
    "61": "Deposit Digiflazz belum ada — hubungi pemilik loket",
    "62": "Penjual di Digiflazz sedang gangguan, coba lagi nanti",
    "63": "Transaksi ganda tidak diizinkan Digiflazz, coba lagi nanti",
    "66": "Penjual di Digiflazz sedang gangguan, coba lagi nanti",
    "67": "Akun Digiflazz belum terverifikasi — hubungi pemilik loket",
    "69": "Harga produk melewati batas harga di akun Digiflazz — hubungi pemilik loket",
    "70": "Biller kehabisan waktu — status akan dicek ulang",
    "71": "Produk sedang tidak stabil di Digiflazz, coba lagi nanti",
    "74": "Transaksi dikembalikan (refund) oleh Digiflazz",
    "80": "Akun Digiflazz diblokir — hubungi pemilik loket",
    "81": "Akun Digiflazz diblokir penjual — hubungi pemilik loket",
    "82": "Akun Digiflazz belum terverifikasi — hubungi pemilik loket",
    "84": "Jumlah tagihan tidak sesuai",
    "85": "Terlalu sering mengecek transaksi yang sama; dicoba lagi 1 menit lagi",
    "88": "Akun Digiflazz bermasalah — hubungi pemilik loket",
    "99": "Gangguan di Digiflazz, status akan dicek ulang",
}


def consistent(status: str, rc: str) -> bool:
    """The status word and the rc tell the same story (Sukses only with 00, Pending only with
    03 or 99, Gagal with anything else)."""
    for word, codes in STATUS_WORDS.items():
        if (status == word) != (rc in codes):
            return False
    return status in ("Sukses", "Pending", "Gagal")


def classify(context: Context, rc: str) -> Outcome:
    """The outcome an rc means for the call it answered (a consistent reply; success is
    decided by the caller, which also needs the bill and the sn)."""
    if rc in SUCCESS:
        return Outcome.SUCCESS
    if rc in PENDING:
        return Outcome.PENDING if context != "inquiry" else Outcome.UNKNOWN
    if rc in FINAL:
        return Outcome.FINAL_FAILURE
    if context == "status":
        # only the payment's own fate counts; a refused question (sign, rate limit) is no news
        if rc == NOT_FOUND:
            return Outcome.NOT_POSTED
        if rc in REJECTED | USED_UP or rc == REF_TAKEN:
            return Outcome.REJECTED
        return Outcome.UNKNOWN
    if rc in REJECTED:
        return Outcome.REJECTED
    if rc in USED_UP:
        return Outcome.NOT_POSTED
    if context == "pay" and rc == NOT_FOUND:
        return Outcome.NOT_POSTED  # no usable inquiry under it: nothing was paid
    if context == "inquiry" and rc in (REF_TAKEN, NOT_FOUND):
        return Outcome.REJECTED  # an inquiry posts nothing; the reference is not ours to use
    return Outcome.UNKNOWN  # 01, 70, pay 49, anything undocumented: ask status-pasca


def meaning(context: Context, rc: str, host_message: str = "") -> Meaning:
    """What an rc says to the call it answered: rc 50 is "no payment under it" to a status
    query and "no usable inquiry" to a payment; rc 60 is nothing to pay unless its words name
    who pays instead."""
    if rc == SUCCESS_RC and context != "inquiry":
        return M.PAID
    if rc == NOT_FOUND:
        return {"inquiry": M.REFERENCE_REUSED, "pay": M.STALE_QUOTE}.get(context, M.NOT_POSTED)
    if rc == NO_BILL:
        named = any(kind in host_message.upper() for kind in PAID_BY_OTHERS)
        return M.NOT_PAYABLE if named else M.ALREADY_PAID
    return MEANINGS.get(rc, M.UNKNOWN)


def retry_after(rc: str) -> float | None:
    return RATE_LIMIT_WAIT_S if rc == RATE_LIMITED else None


def cashier_text(rc: str, host_message: str = "") -> str:
    text = CASHIER_TEXT.get(rc)
    if text is None:
        return f"Transaksi gagal di Digiflazz (kode {rc})" + (
            f": {host_message}" if host_message else ""
        )
    if rc == "60" and host_message:
        return f"{text}: {host_message}"
    return text
