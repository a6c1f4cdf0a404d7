"""What the cashier reads, in one place (Indonesian), so the screens can be translated."""

from loket.domain.states import PaymentState

S = PaymentState

LOGIN_TITLE = "loket — Masuk Kasir"
LOGIN_ID = "ID kasir"
LOGIN_PIN = "PIN"
LOGIN_TRAINING = ("MODE LATIHAN: bukan transaksi nyata. PIN {pin} untuk kasir ID {id} "
                  "dan pemilik ID {owner}")
NUMBER_PROMPT = "Nomor kartu JKN-KIS (13 digit) atau VA (16 digit), lalu Enter"
SEARCHING = "Mencari tagihan…"
EMPTY_COUNTER = "Ketik atau scan nomor kartu/VA peserta, lalu tekan Enter."
PAYING = "Memproses pembayaran… jangan tutup aplikasi"
WORKER_FAILED = "Terjadi kesalahan tak terduga: {error}. Data pembayaran tetap tersimpan."
OFFLINE_BILL = ("OFFLINE: host tidak dapat dihubungi. Tagihan dihitung dari data keluarga {when}; "
                "pembayaran diantre dan dikirim otomatis saat online.")
REFUND_CONFIRM = ("Kembalikan {amount} kepada pelanggan {name}?\n"
                  "Tekan Enter setelah uang diserahkan, Esc untuk batal.")
TRAINING_BANNER = "MODE LATIHAN — transaksi tidak nyata"

RESULT_EXPLAIN = {
    S.SUCCESS: "Pembayaran diterima BPJS. Serahkan struk dan uang kembali.",
    S.PENDING: "Host menerima, biller belum menjawab. Status dicek otomatis; "
    "serahkan bukti terima sementara.",
    S.UNKNOWN: "Jawaban host belum diterima. Status dicek otomatis dengan nomor ref yang sama — "
    "JANGAN bayar ulang.",
    S.REJECTED: "Host belum mencatat pembayaran ini; akan dikirim ulang otomatis.",
    S.RECORDED: "Pembayaran tercatat dan akan dikirim.",
    S.QUEUED: "Pembayaran diterima offline dan akan dikirim saat online.",
    S.REFUND_DUE: "Pembayaran ditolak. Kembalikan uang pelanggan sejumlah total bayar.",
    S.FAILED: "Pembayaran ditolak.",
}

HELP = """\
[b]Tombol[/b]
  Enter      Cek tagihan / buka pembayaran
  + / -      Tambah / kurangi bulan bayar di muka
  F9         Bayar tagihan yang tampil
  F2 / Esc   Pelanggan berikutnya
  F4         Riwayat hari ini (R: cetak ulang)
  F5         Kirim antrean ke host sekarang
  F6         Antrean dan pengecualian (K: kembalikan uang, perlu pemilik)
  F8         Buka / tutup shift (hitung laci, laporan Z)
  F7, F10    Dasbor dan pengaturan (pemilik)
  Q          QR struk besar (di layar hasil)
  F1         Bantuan ini
  Ctrl+P     Daftar perintah
  Ctrl+Q     Keluar

[b]Di layar pembayaran[/b]
  F5 uang pas   F6 pecahan Rp10.000   F7 Rp50.000   F8 Rp100.000
  Enter konfirmasi, Esc batal

[b]Nomor uji (mode latihan)[/b]
  0001000000011 keluarga 3 orang      0001000000029 tunggakan 2 bulan
  0001000000037 tunggakan 30 bulan    0001000000045 PBI (tidak bisa)
  0001000000061 sudah lunas           0001000000078 diproses lalu sukses
"""
