"""What the cashier and the owner read on the screens, in Indonesian, in one place so that it can
be reviewed and translated: every sentence — messages, notifications, prompts and placeholders,
hints, confirmations, explanations, what an empty list says, the palette's commands.

Short labels that are a widget's own structure stay beside the widget: a key's name in a footer
binding, a table's column headings and row labels, a panel's or dialog's title, a form field's
name, the status line's compact fields, the dashboards' figure names.
"""

from loket.domain.states import PaymentState

S = PaymentState

LOGIN_TITLE = "loket — Masuk Kasir"
LOGIN_ID = "ID kasir"
LOGIN_PIN = "PIN"
LOGIN_TRAINING = (
    "MODE LATIHAN dengan {host}: bukan transaksi nyata. PIN {pin} untuk kasir "
    "ID {id} dan pemilik ID {owner}. Nomor uji: F1"
)
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
OFFLINE_BILL = (
    "OFFLINE: host tidak dapat dihubungi. Tagihan dihitung dari data keluarga {when}; "
    "pembayaran diantre dan dikirim otomatis saat online."
)
OFFLINE_COUNT_BILL = (
    "OFFLINE: host tidak dapat dihubungi. Harga dari cek terakhir {when} "
    "({price} per bulan); pembayaran diantre dan dikirim otomatis saat online."
)
COUNT_ONLY_NOTE = "host hanya memberi jumlahnya, tanpa nama peserta dan bulan"
PRICED_FROM = "harga dari cek terakhir {when}"
REFUND_CONFIRM = (
    "Kembalikan {amount} kepada pelanggan {name}?\n"
    "Tekan Enter setelah uang diserahkan, Esc untuk batal."
)
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
PAYMENT_BROKEN_BEFORE = (
    "Pembayaran TIDAK dicatat: kesalahan tak terduga ({error}), rinciannya "
    "di log. Tidak ada yang terkirim ke host; coba lagi atau Esc."
)
PAYMENT_BROKEN_AFTER = (
    "Pembayaran SUDAH dicatat (ref {ref}) tetapi kesalahan tak terduga "
    "({error}) menghentikan pengirimannya. Status dicek otomatis dengan ref "
    "yang sama — JANGAN bayar ulang."
)
PRINT_BROKEN = (
    "Struk belum dicetak (kesalahan tak terduga, lihat log): cetak ulang dari Riwayat (F4)."
)

# -- while a payment is sent (the payment dialog) ----------------------------------------------
PAY_CONFIRM = "Enter konfirmasi · Esc batal"
PAY_RECORDING = "Mencatat pembayaran di loket…"
PAY_PROGRESS = {
    S.RECORDED: ("MENGIRIM", "Tercatat di loket (ref {ref}). Mengirim ke host…"),
    S.SENDING: ("MENGIRIM", "Tercatat di loket (ref {ref}). Mengirim ke host…"),
    S.PENDING: (
        "SEDANG DIPROSES",
        "Host menerima; biller belum menjawab. Menunggu jawaban "
        "(paling lama {wait} dtk). Jika belum ada: bukti terima sementara dicetak "
        "dan status dicek otomatis.",
    ),
    S.UNKNOWN: (
        "BELUM PASTI",
        "Jawaban host tidak diterima. Status ditanyakan dengan nomor ref "
        "yang sama (percobaan {attempt}) — JANGAN bayar ulang.",
    ),
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

# -- the palette's commands: (name, what it does), in the order offered -------------------------
COMMANDS = {
    "help": ("Bantuan", "Tombol dan nomor uji (F1)"),
    "history": ("Riwayat hari ini", "Cari, lihat dan cetak ulang (F4)"),
    "next": ("Pelanggan berikutnya", "Kosongkan layar (F2)"),
    "sync_now": ("Kirim antrean sekarang", "Sinkron ke host (F5)"),
    "queue": ("Antrean dan pengecualian", "Belum final, batas 2x24 jam (F6)"),
    "shift": ("Shift", "Buka atau tutup shift (F8)"),
    "dashboard": ("Dasbor", "Uang hari ini (F7)"),
    "settings": ("Pengaturan", "Biaya admin, batas offline, kasir (F10)"),
    "other_shifts": ("Tutup shift kasir lain", "Shift yang masih terbuka"),
    "logout": ("Keluar akun", "Kembali ke layar masuk"),
    "print_test": ("Cetak halaman uji", "Periksa printer"),
    # not "Keluar": typing "keluar" must find the logout above, not close the counter
    "quit": (QUIT, "Hentikan loket di komputer ini (Ctrl+Q)"),
}
WORKER_SUBJECT_OTHER = "Tugas latar"  # a failed worker of a group WORKER_SUBJECT does not name

# -- said on many screens --------------------------------------------------------------------
LOADING = "Memuat…"
ESC_CANCEL = "Esc batal"
ESC_CLOSE = "Esc tutup"
HELP_SCROLL_KEYS = "↑↓ gulir · Esc tutup"
QR_TOO_SMALL = "Layar terlalu kecil untuk QR"
NO_SLIP = "Tidak ada struk"

# -- the counter and the payment -------------------------------------------------------------
INQUIRE_FIRST = "Cek tagihan dulu: ketik nomor lalu Enter"
QUICK_EXACT = "uang pas "
CASH_PROMPT = "Uang diterima, contoh 110000"
CASH_SHORT = "kurang {amount}"
CASH_MISSING = "Ketik jumlah uang yang diterima"
CASH_TOO_LITTLE = "Uang kurang {amount} — pembayaran belum dicatat"
PAYMENT_REFUSED = "Pembayaran tidak dicatat: {reason}"

# -- history, a payment's detail, reprints ---------------------------------------------------
HISTORY_SEARCH_PROMPT = "Cari nomor, nama atau ref…"
HISTORY_MATCHING = "cocok dengan '{search}'"
HISTORY_TODAY = "hari ini"
HISTORY_SUMMARY = "{count} transaksi {what} · {paid} lunas {amount}"  # what: MATCHING or TODAY
NO_STATE_CHANGES = "Belum ada perubahan status"
PAYMENT_NOT_FOUND = "Pembayaran {ref} tidak ditemukan"
REPRINTING = "Mencetak ulang…"
REPRINTING_REF = "Mencetak ulang {ref}…"

# -- the queue and refunds -------------------------------------------------------------------
QUEUE_TITLE = "Pengecualian: belum final, terlama di atas (batas penyelesaian 2x24 jam)"
QUEUE_LEFT = "sisa {age}"
QUEUE_LATE = "LEWAT {age}"
QUEUE_SUMMARY = "{count} belum final"
QUEUE_REFUNDS_DUE = " · {count} harus dikembalikan ({amount})"  # after QUEUE_SUMMARY
QUEUE_CHECKING = "Mengecek ke host…"
QUEUE_PICK_REFUND = "Pilih pembayaran berstatus 'Uang harus dikembalikan'"
REFUND_REF_REASON = "Ref {ref}\nAlasan: {reason}"
REFUND_APPROVAL_WHY = "Pengembalian {amount} untuk {name}"
REFUND_RECORDED = "Pengembalian dicatat. {printed}"

# -- shifts: opening, closing, other cashiers' shifts ----------------------------------------
SHIFT_OPEN_KEYS = "Enter buka · Esc nanti"
SHIFT_OPEN_HINT = "Hitung uang di laci sebelum mulai melayani."
SHIFT_FLOAT_PROMPT = "contoh 200000"
SHIFT_COUNTED_PROMPT = "uang di laci sekarang"
SHIFT_CLOSE_HINT = (
    "Hitung uang di laci dan ketik jumlahnya. Enter: lihat selisihnya, lalu "
    "konfirmasi untuk menutup shift dan mencetak laporan Z."
)
CLOSE_QUESTION = (
    "Tutup shift {cashier}? Tidak dapat dibatalkan: laporan Z dicetak dan kasir keluar.\n\n"
)
CLOSE_EXPECTED = "Seharusnya di laci  {amount}\n"  # the three lines' amounts align
CLOSE_COUNTED = "Dihitung            {amount}\n"
CLOSE_DIFFERENCE = "Selisih             {amount} ({word})"
CLOSE_UNSETTLED = "\n\n{count} pembayaran belum final ikut tercatat di laporan Z."
SHIFT_CLOSE_KEYS = "Y: ya, tutup shift · Esc: periksa lagi"
SHIFT_CLOSING = "Menutup shift…"
SHIFT_CLOSED = "Shift {cashier} ditutup. Selisih {difference}. {printed}"
SHIFT_PICK_KEYS = "Enter tutup shift · Esc batal"
NO_OPEN_SHIFTS = "(tidak ada shift terbuka)"

# -- the owner: first set-up, accounts, settings ---------------------------------------------
WELCOME = (
    "Selamat datang di loket. Database masih kosong: buat akun PEMILIK dulu. Pemilik "
    "menambah kasir, melihat laporan dan menyetujui pengembalian uang."
)
OWNER_PIN_PROMPT = "PIN (minimal 6 angka), dua kali"
PIN_MISMATCH = "PIN tidak sama"
ACCOUNT_ID_PROMPT = "ID kasir (huruf, angka, - dan _)"
ACCOUNT_PIN_PROMPT = "PIN baru (minimal 6 angka)"
PIN_MISMATCH_RETYPE = "PIN tidak sama: ketik ulang di kedua kolom"
SAVING = "Menyimpan…"
ACCOUNTS_COUNT = "{count} akun, {active} aktif"
ACCOUNT_SAVED = "{cashier} disimpan"
DEACTIVATE_QUESTION = (
    "Nonaktifkan {cashier} ({name})? Akun ini tidak bisa masuk lagi sampai "
    "diaktifkan kembali (U). Pembayaran dan shift-nya tetap tersimpan."
)
DEACTIVATE_KEYS = "Y: ya, nonaktifkan · Esc: batal"
ACCOUNT_REACTIVATED = "{cashier} diaktifkan lagi"
ACCOUNT_DEACTIVATED = "{cashier} dinonaktifkan"
SETTINGS_KEYS = "Ctrl+S simpan"
SETTINGS_HINT = "Tab/Enter pindah kolom · Ctrl+S simpan · F3 kelola kasir"
SETTINGS_CONNECTION = (
    "Host {url}  ·  agen {account}\nKunci host: disembunyikan ({key_source})\n"
    "Printer: {printer}, {columns} kolom"
)
KEY_FROM_ENV = "dari variabel {name}"  # SETTINGS_CONNECTION's key_source, one of three
KEY_TRAINING = "kunci sesi latihan"
KEY_IN_CONFIG = "di file konfigurasi"
SETTINGS_SAVED = "{count} pengaturan disimpan"
SETTINGS_UNCHANGED = "Tidak ada perubahan"

# -- the owner's dashboards (F7 and ``loket hub dashboard``) ---------------------------------
DEPOSIT_NOTE = "Biaya host sudah dipotong dari deposit: tidak ada yang perlu disetor lagi."
DASH_HINT = "p/b: tulis laporan harian/bulanan"
DASH_MONTH_SLOW = " (sebulan transaksi: bisa beberapa menit)"
DASH_REPORT_WRITING = "Membuat laporan PDF, CSV, XLSX…{note}"  # note: MONTH_SLOW or nothing
DASH_REPORT_WRITTEN = "Laporan ditulis ({rows} transaksi): {stem} .pdf .csv .xlsx\n{folder}/"
REPORT_FAILED = "Laporan gagal ditulis: {error}"
HUB_HINT = "o: pilih outlet"
HUB_LOADING = "Memuat dari hub…"
HUB_LOADED = "Dimuat {time}; diperbarui tiap {seconds:.0f} detik"
HUB_RETRYING = "{error} — dicoba lagi tiap {seconds:.0f} detik"
HUB_UNREADABLE = "Belum dapat dimuat dari hub"
HUB_FAILED = "Gagal memuat dari hub ({error}); rinciannya di log"
HUB_NO_OUTLETS = "Belum ada kasir terdaftar di hub"
HUB_BEHIND = "Hub belum menerima semua dari {outlets}"
HUB_FIGURES_SHORT = "! {reasons}: angkanya bisa kurang."  # reasons: HUB_BEHIND and the like
HUB_UNKNOWN_ACCOUNT = "akun tidak diketahui"
HUB_POSTPAID = "Pascabayar: setor {amount} (T+1)"
HUB_SETTLEMENT_UNKNOWN = "Cara bayar: belum diketahui"
HUB_NO_ACCOUNTS = "Belum ada akun host tercatat"
HUB_MONTH_SLOW = " (sebulan: bisa beberapa menit)"
HUB_REPORT_WRITING = "Membuat laporan semua outlet: PDF, XLSX, CSV…{note}"
HUB_REPORT_WRITTEN = "Laporan semua outlet ditulis ({rows} transaksi): {stem}.pdf .xlsx .csv"
