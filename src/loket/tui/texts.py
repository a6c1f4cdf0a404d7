"""What the cashier reads, in one place (Indonesian), so the screens can be translated."""

from loket.domain.states import PaymentState

S = PaymentState

LOGIN_TITLE = "loket — Masuk Kasir"
LOGIN_ID = "ID kasir"
LOGIN_PIN = "PIN"
LOGIN_TRAINING = ("MODE LATIHAN dengan {host}: bukan transaksi nyata. PIN {pin} untuk kasir "
                  "ID {id} dan pemilik ID {owner}. Nomor uji: F1")
TRAINING_HOST = "simulator"  # when the runtime was not told which host is simulated
CHECKING = "Memeriksa…"
NUMBER_PROMPT = "Nomor kartu JKN-KIS (13 digit) atau VA (16 digit), lalu Enter"
SEARCHING = "Mencari tagihan…"
EMPTY_COUNTER = "Ketik atau scan nomor kartu/VA peserta, lalu tekan Enter."
BILL_KEYS = "Enter/F9 bayar · +/- bulan di muka"
BILL_KEYS_DUE = "Enter/F9 bayar"  # a host that sells only what is due: no months ahead
PAID_THROUGH = "Sudah dibayar sampai {month}."  # offline: some of it may await the host
ALREADY_PAID_HINT = "Tekan + untuk membayar {month} di muka."
AHEAD_LIMIT = "Bayar di muka paling banyak {limit} bulan"
CHECKING_SHIFT = "Memeriksa shift…"
NOT_READY = "Pembayaran belum bisa diterima: {reason}. Jangan terima uang dulu."
OFFLINE_BILL = ("OFFLINE: host tidak dapat dihubungi. Tagihan dihitung dari data keluarga {when}; "
                "pembayaran diantre dan dikirim otomatis saat online.")
OFFLINE_COUNT_BILL = ("OFFLINE: host tidak dapat dihubungi. Harga dari cek terakhir {when} "
                      "({price} per bulan); pembayaran diantre dan dikirim otomatis saat online.")
COUNT_ONLY_NOTE = "host hanya memberi jumlahnya, tanpa nama peserta dan bulan"
PRICED_FROM = "harga dari cek terakhir {when}"
REFUND_CONFIRM = ("Kembalikan {amount} kepada pelanggan {name}?\n"
                  "Tekan Enter setelah uang diserahkan, Esc untuk batal.")
TRAINING_BANNER = "MODE LATIHAN — transaksi tidak nyata"

# -- the command palette and the app's keys --------------------------------------------------
PALETTE = "Menu"
# Ctrl+Q closes loket on this computer; logging out ("Keluar akun") is another thing
QUIT = "Tutup aplikasi"
PALETTE_PLACEHOLDER = "Cari perintah…"
PALETTE_NO_MATCH = "Tidak ada perintah yang cocok"
WAIT_PAYING = "Tunggu: pembayaran sedang diproses"
SYNC_NOW = "Mengirim ulang antrean ke host…"
SYNC_ELSEWHERE = "Pengiriman sedang dijalankan proses lain (loket sync); dicoba lagi otomatis"
SYNC_RUNNING = "Pengiriman ke host sedang berjalan"

# -- what went wrong, said once --------------------------------------------------------------
# A worker that fails unexpectedly: the traceback goes to the log file, the cashier gets one line
# that says what did (not) happen.
WORKER_SUBJECT = {
    "inquiry": "Cek tagihan",
    "ready": "Cek shift",
    "history": "Riwayat",
    "detail": "Rincian pembayaran",
    "printer": "Mencetak",
    "shift": "Shift",
    "login": "Masuk",
    "wizard": "Persiapan",
    "forwarder": "Pengiriman ke host",
    "health": "Cek status host",
    "cashiers": "Kelola kasir",
    "settings": "Pengaturan",
    "queue": "Antrean",
}
WORKER_FAILED = "{subject} gagal karena kesalahan tak terduga ({error}); rinciannya ada di log."
PAYMENT_BROKEN_BEFORE = ("Pembayaran TIDAK dicatat: kesalahan tak terduga ({error}), rinciannya "
                         "di log. Tidak ada yang terkirim ke host; coba lagi atau Esc.")
PAYMENT_BROKEN_AFTER = ("Pembayaran SUDAH dicatat (ref {ref}) tetapi kesalahan tak terduga "
                        "({error}) menghentikan pengirimannya. Status dicek otomatis dengan ref "
                        "yang sama — JANGAN bayar ulang.")
PRINT_BROKEN = "Struk belum dicetak (kesalahan tak terduga, lihat log): cetak ulang dari Riwayat (F4)."

# -- while a payment is sent (the payment dialog) ----------------------------------------------
PAY_CONFIRM = "Enter konfirmasi · Esc batal"
PAY_RECORDING = "Mencatat pembayaran di loket…"
PAY_PROGRESS = {
    S.RECORDED: ("MENGIRIM", "Tercatat di loket (ref {ref}). Mengirim ke host…"),
    S.SENDING: ("MENGIRIM", "Tercatat di loket (ref {ref}). Mengirim ke host…"),
    S.PENDING: ("SEDANG DIPROSES", "Host menerima; biller belum menjawab. Menunggu jawaban "
                "(paling lama {wait} dtk). Jika belum ada: bukti terima sementara dicetak "
                "dan status dicek otomatis."),
    S.UNKNOWN: ("BELUM PASTI", "Jawaban host tidak diterima. Status ditanyakan dengan nomor ref "
                "yang sama (percobaan {attempt}) — JANGAN bayar ulang."),
    S.REJECTED: ("BELUM TERKIRIM", "Host belum mencatat; pembayaran dikirim ulang otomatis."),
}
PAY_PRINTING = "Mencetak…"
PAY_NEVER_CLOSE = "Jangan tutup aplikasi · {seconds} dtk"

RESULT_EXPLAIN = {
    S.SUCCESS: "Pembayaran diterima BPJS. Serahkan struk dan uang kembali.",
    S.PENDING: "Host menerima, biller belum menjawab. Status dicek otomatis; "
    "serahkan bukti terima sementara.",
    S.UNKNOWN: "Jawaban host belum diterima. Status dicek otomatis dengan nomor ref yang sama — "
    "JANGAN bayar ulang.",
    S.REJECTED: "Host belum mencatat pembayaran ini; akan dikirim ulang otomatis.",
    S.RECORDED: "Pembayaran tercatat dan akan dikirim.",
    S.QUEUED: "Pembayaran diterima offline dan akan dikirim saat online.",
    S.REFUND_DUE: "Pembayaran ditolak host. Kembalikan uang pelanggan sekarang, lalu catat "
    "pengembaliannya: F6, pilih baris ini, K (perlu PIN pemilik).",
    S.FAILED: "Pembayaran ditolak host. Kembalikan uang pelanggan.",
    S.REFUNDED: "Uang sudah dikembalikan kepada pelanggan.",
}
GIVE_BACK = "KEMBALIKAN"
GIVE_BACK_ALL = "Kembalian {change} belum diberikan?\nKembalikan semua uang diterima: {cash}."

HELP_KEYS = """\
[b]Di layar kasir[/b]
  Enter       Cek tagihan; Enter lagi untuk membayar
{ahead}  F9          Bayar tagihan yang tampil
  F2 / Esc    Pelanggan berikutnya
  F4          Riwayat hari ini (Enter rincian, R cetak)
  F5          Kirim antrean ke host sekarang
  F6          Antrean (K kembalikan uang)
  F8          Buka / tutup shift (hitung laci, laporan Z)
  F7, F10     Dasbor, pengaturan (pemilik)
  Q           QR struk besar (di layar hasil)
  F1          Bantuan ini
  Ctrl+P      Menu perintah
  Ctrl+Q      Tutup aplikasi

[b]Di layar pembayaran[/b]
  F5 uang pas · F6/F7/F8 dibulatkan ke 10rb/50rb/100rb
  Enter konfirmasi · Esc batal
"""

# only on a host that sells months ahead (HELP_KEYS's {ahead})
HELP_AHEAD = """\
  + / -       Tambah / kurangi bulan bayar di muka
              (juga setelah "sudah lunas")
"""
HELP_NUMBERS = "[b]Nomor uji: {host}[/b]"  # then the simulated host's numbers, one a line
