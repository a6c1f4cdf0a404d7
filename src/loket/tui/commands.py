"""The command palette's entries: a cashier sees only what a cashier may do."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import SystemCommand


def palette(app) -> Iterable[SystemCommand]:
    yield SystemCommand("Bantuan", "Tombol dan nomor uji (F1)", app.action_help)
    if app.cashier_id:
        yield SystemCommand("Riwayat hari ini", "Cari dan cetak ulang (F4)", app.action_history)
        yield SystemCommand("Pelanggan berikutnya", "Kosongkan layar (F2)", app.next_customer)
        yield SystemCommand("Kirim antrean sekarang", "Sinkron ke host (F5)", app.action_sync_now)
        yield SystemCommand("Antrean dan pengecualian", "Belum final, batas 2x24 jam (F6)",
                            app.action_queue)
        yield SystemCommand("Shift", "Buka atau tutup shift (F8)", app.action_shift)
        if app.is_owner:
            yield SystemCommand("Dasbor", "Uang hari ini (F7)", app.action_dashboard)
            yield SystemCommand("Pengaturan", "Biaya admin, batas offline (F10)",
                                app.action_settings)
            yield SystemCommand("Tutup shift kasir lain", "Shift yang masih terbuka",
                                app.action_other_shifts)
        yield SystemCommand("Keluar akun", "Kembali ke layar masuk", app.logout)
    yield SystemCommand("Cetak halaman uji", "Periksa printer", app.action_print_test)
    yield SystemCommand("Keluar", "Tutup loket (Ctrl+Q)", app.exit)
