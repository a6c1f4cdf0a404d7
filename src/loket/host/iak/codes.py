"""IAK's postpaid response codes: their class and meaning in each context, and the cashier's
words.

IAK's "Response Code" table for postpaid: ``00`` success, ``39`` pending; ``05`` and ``201``
(documented pending), ``103`` time-out, ``105`` biller error, ``91`` and ``92`` leave a payment's
fate unknown; the refusals that record nothing (reference format, balance, product, signature,
command, IP, body, cut-off, maintenance, the account) may be sent again; ``04`` expired, ``06``
unknown inquiry, ``09``, ``33`` "try later" and ``38`` spend the reference; ``11`` is a reference
used before; ``42`` and ``02`` an inquiry whose payment never arrived; the rest are final (paid
already, failed, blocked, no bill, a number the product does not take, payable elsewhere only).
A code means different things to an inquiry, a payment and a status query; anything a context
does not expect is an unknown outcome (a status query resolves it), never a success.
"""

from __future__ import annotations

import re
from typing import Literal

from loket.domain.outcomes import Meaning, Outcome

Context = Literal["inquiry", "pay", "status"]

SUCCESS = "00"
PENDING = "39"
NOT_RECEIVED = frozenset({"42", "02"})  # only inquired: the same tr_id may be paid (while valid)
REF_TAKEN = "11"  # the ref_id was used before: checkstatus it first
RATE_LIMIT = "33"  # "try later" (the simulator's per-transaction status limit)
NO_INQUIRY = "06"  # "inquiry id not found"
PAID_ALREADY = frozenset({"01", "34", "40"})  # after our own attempt it may be ours: ask first
PAID_UP = frozenset({"01", "34"})  # to an inquiry: the months asked for are paid (40: some are)

UNKNOWN = frozenset({"05", "201", "103", "105", "91", "92"})  # payments (inference)
REJECTED = frozenset(
    {"03", "17", "20", "94", "100", "101", "102", "106", "107", "109", "110", "117", "118"}
)
USED_UP = frozenset({"04", "06", "09", "33", "38"})  # R′: nothing posted, the reference is spent
FINAL = frozenset(
    {
        "01",
        "34",
        "40",
        "07",
        "37",
        "08",
        "13",
        "10",
        "14",
        "15",
        "16",
        "108",
        "30",
        "36",
        "41",
        "31",
        "32",
        "35",
        "93",
    }
)
CONTRADICT_FAILED = NOT_RECEIVED | {SUCCESS, PENDING, REF_TAKEN}  # never with status 2

# Outcomes that decide something (the cash owed back, a new reference, a retry of the same
# tr_id): believed only from a reply that names the request (``iak_replies._names``). An
# inquiry's other refusals post nothing either way; a refused status query is no news.
DECIDES: dict[Context, frozenset[Outcome]] = {
    "inquiry": frozenset({Outcome.FINAL_FAILURE}),
    "pay": frozenset({Outcome.FINAL_FAILURE, Outcome.NOT_POSTED, Outcome.REJECTED}),
    "status": frozenset({Outcome.FINAL_FAILURE, Outcome.NOT_POSTED}),
}

RETRY_AFTER_S = 60.0  # rc 33: IAK's own pause is unconfirmed; Digiflazz asks for a minute


def classify(context: Context, rc: str) -> Outcome:
    """The outcome of a reply with this code, before the adapter looks closer (rc 00 and 39 are
    only believed together with the rest of the reply, ``iak_replies``)."""
    if rc == SUCCESS:
        return Outcome.SUCCESS
    if rc == PENDING:
        return Outcome.PENDING if context != "inquiry" else Outcome.UNKNOWN
    if rc in FINAL:
        return Outcome.FINAL_FAILURE if context != "status" else Outcome.UNKNOWN
    if rc in REJECTED:
        return Outcome.REJECTED
    if rc in USED_UP:
        if context == "status":  # a refused question is no news of the payment
            return Outcome.REJECTED if rc == RATE_LIMIT else Outcome.UNKNOWN
        return Outcome.NOT_POSTED
    if context == "inquiry" and rc in NOT_RECEIVED | UNKNOWN:
        return Outcome.NOT_POSTED  # an inquiry posts nothing: a new one later
    return Outcome.UNKNOWN


M = Meaning
MEANINGS: dict[str, Meaning] = {
    "00": M.OK,
    "39": M.PENDING,
    "42": M.ONLY_INQUIRED,
    "02": M.ONLY_INQUIRED,
    "11": M.REFERENCE_REUSED,
    "33": M.RATE_LIMITED,
    "04": M.STALE_QUOTE,
    "06": M.STALE_QUOTE,
    "09": M.STALE_QUOTE,
    "38": M.STALE_QUOTE,
    "05": M.HOST_FAULT,
    "201": M.HOST_FAULT,
    "103": M.HOST_FAULT,
    "105": M.HOST_FAULT,
    "91": M.HOST_FAULT,
    "92": M.HOST_FAULT,
    "03": M.BAD_REQUEST,
    "101": M.BAD_REQUEST,
    "107": M.BAD_REQUEST,
    "117": M.BAD_REQUEST,
    "17": M.DEPOSIT_LOW,
    "20": M.PRODUCT_UNKNOWN,
    "106": M.PRODUCT_DOWN,
    "94": M.ACCOUNT_REFUSED,
    "118": M.ACCOUNT_REFUSED,
    "100": M.AUTH_REFUSED,
    "102": M.IP_REFUSED,
    "109": M.CUT_OFF,
    "110": M.CUT_OFF,
    "01": M.ALREADY_PAID,
    "34": M.ALREADY_PAID,
    "40": M.PARTLY_PAID,
    "07": M.FAILED,
    "37": M.FAILED,
    "08": M.NUMBER_BLOCKED,
    "13": M.NUMBER_BLOCKED,
    "10": M.NO_BILL,
    "14": M.NUMBER_UNKNOWN,
    "15": M.NUMBER_MALFORMED,
    "16": M.NUMBER_MALFORMED,
    "108": M.NUMBER_MALFORMED,
    "30": M.NOT_PAYABLE,
    "36": M.NOT_PAYABLE,
    "41": M.NOT_PAYABLE,
    "31": M.NOT_PAYABLE,
    "32": M.NOT_PAYABLE,
    "35": M.NOT_PAYABLE,
    "93": M.BILL_CHANGED,
}


def meaning(context: Context, rc: str) -> Meaning:
    """What a code says to the call it answered (without a checkstatus ``status``): a success
    to a payment is the payment posted; to a status query a final code is no news, and an
    unknown inquiry (rc 06) says nothing of a payment either."""
    if rc == SUCCESS and context == "pay":
        return M.PAID
    if context == "status" and (rc in FINAL or rc == NO_INQUIRY):
        return M.UNKNOWN
    return MEANINGS.get(rc, M.UNKNOWN)


# What the cashier is told (Indonesian), by code.
TEXTS: dict[str, str] = {
    "01": "Tagihan sudah lunas, tidak ada yang perlu dibayar",
    "02": "Tagihan belum dibayar — coba cek tagihan lagi",
    "03": "Nomor referensi ditolak host (format salah)",
    "04": "Cek tagihan sudah kedaluwarsa, cek tagihan ulang",
    "05": "Gangguan di host, status akan dicek ulang",
    "06": "Cek tagihan tidak dikenal host, cek tagihan ulang",
    "07": "Pembayaran gagal di host",
    "08": "Nomor tagihan diblokir",
    "09": "Cek tagihan gagal, coba lagi",
    "10": "Tagihan tidak tersedia",
    "11": "Nomor referensi sudah dipakai — coba lagi",
    "13": "Nomor peserta diblokir",
    "14": "Nomor peserta tidak ditemukan",
    "15": "Nomor peserta tidak didukung",
    "16": "Nomor peserta tidak cocok dengan produk",
    "17": "Saldo deposit agen tidak cukup — hubungi pemilik loket",
    "20": "Produk BPJS tidak terdaftar di akun host — hubungi pemilik loket",
    "30": "Tagihan harus dibayar di kantor BPJS",
    "31": "Total tagihan melebihi batas",
    "32": "Semua periode tagihan harus dibayar sekaligus",
    "33": "Host sibuk, coba lagi sebentar lagi",
    "34": "Tagihan sudah lunas, tidak ada yang perlu dibayar",
    "35": "Masih ada tunggakan lain yang belum dibayar",
    "36": "Lewat jatuh tempo, bayar di kantor BPJS",
    "37": "Pembayaran gagal di host",
    "38": "Pembayaran gagal, cek tagihan ulang",
    "39": "Sedang diproses biller, status akan dicek ulang",
    "40": "Sebagian atau semua bulan tagihan sudah dibayar",
    "41": "Peserta tidak dapat dibayar di loket ini",
    "42": "Pembayaran belum diterima host",
    "91": "Gangguan di host, status akan dicek ulang",
    "92": "Gangguan di host, status akan dicek ulang",
    "93": "Jumlah tagihan tidak sah",
    "94": "Layanan host sudah berakhir — hubungi pemilik loket",
    "100": "Tanda tangan ditolak host — periksa username dan key",
    "101": "Perintah ditolak host",
    "102": "IP loket belum didaftarkan di host — hubungi pemilik loket",
    "103": "Biller terlalu lama menjawab, status akan dicek ulang",
    "105": "Gangguan di biller, status akan dicek ulang",
    "106": "Produk sedang tidak tersedia, coba lagi nanti",
    "107": "Permintaan ditolak host (format salah)",
    "108": "Nomor ini tidak dapat dipakai untuk produk ini",
    "109": "Sedang cut-off, coba lagi beberapa menit lagi",
    "110": "Host sedang pemeliharaan, coba lagi nanti",
    "117": "Alamat host salah — periksa konfigurasi",
    "118": "Akun host ditangguhkan — hubungi pemilik loket",
    "201": "Gangguan di host, status akan dicek ulang",
}


LATER = "status akan dicek ulang"
PAID_BY_OTHERS = "41"  # "pay to the corresponding company": PBI or PPU
# rc 41's words are English ("CAN'T BE PAID IN COUNTER, …"); only the participant kind they may
# name is passed on, in the cashier's words.
WHO_PAYS = {
    "PBI": "peserta PBI, iuran dibayar pemerintah",
    "PPU": "peserta PPU, iuran dibayar pemberi kerja",
}


def cashier_text(rc: str, host_message: str = "", context: Context = "pay") -> str:
    """One Indonesian line for a refusal; rc 41 says PBI or PPU when the host names it."""
    text = TEXTS.get(rc)
    if text is None:
        return f"Transaksi gagal di host (kode {rc})"
    if context == "inquiry" and text.endswith(LATER):  # an inquiry is simply made again
        text = text.removesuffix(LATER) + "coba cek tagihan lagi"
    if rc == PAID_BY_OTHERS:
        words = set(re.findall(r"[A-Z]+", host_message.upper()))
        who = [reason for kind, reason in WHO_PAYS.items() if kind in words]
        return f"{text}: {who[0]}" if len(who) == 1 else text
    return text


UNNAMED: dict[Context, str] = {
    "inquiry": "Jawaban host tidak menyebut cek tagihan ini — coba cek tagihan lagi",
    "pay": "Jawaban host tidak menyebut pembayaran ini — status akan dicek ulang",
    "status": "Jawaban host tidak menyebut transaksi ini — status akan dicek ulang",
}


def unnamed_text(context: Context, rc: str, host_message: str = "") -> str:
    """A refusal naming no request, in the cashier's words. To an inquiry no cash is at stake,
    so what the host said follows (a number IAK refuses with blank identifiers is not a mystery
    at the counter); to a payment it does not: "failed" next to unknown invites a refund."""
    if context != "inquiry":
        return UNNAMED[context]
    return f"{UNNAMED[context]} (kata host: {cashier_text(rc, host_message, context)})"
