"""The command palette (Ctrl+P), in Indonesian: a cashier sees only what a cashier may do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from loket.tui import texts

if TYPE_CHECKING:
    from loket.tui.app import LoketApp

Command = tuple[str, str, Callable[[], object]]


def palette(app: LoketApp) -> Iterable[Command]:
    yield "Bantuan", "Tombol dan nomor uji (F1)", app.action_help
    if app.cashier_id:
        yield "Riwayat hari ini", "Cari, lihat dan cetak ulang (F4)", app.action_history
        yield "Pelanggan berikutnya", "Kosongkan layar (F2)", app.next_customer
        yield "Kirim antrean sekarang", "Sinkron ke host (F5)", app.action_sync_now
        yield "Antrean dan pengecualian", "Belum final, batas 2x24 jam (F6)", app.action_queue
        yield "Shift", "Buka atau tutup shift (F8)", app.action_shift
        if app.is_owner:
            yield "Dasbor", "Uang hari ini (F7)", app.action_dashboard
            yield "Pengaturan", "Biaya admin, batas offline, kasir (F10)", app.action_settings
            yield "Tutup shift kasir lain", "Shift yang masih terbuka", app.action_other_shifts
        yield "Keluar akun", "Kembali ke layar masuk", app.logout
    yield "Cetak halaman uji", "Periksa printer", app.action_print_test
    # not "Keluar": typing "keluar" must find the logout above, not close the counter
    yield texts.QUIT, "Hentikan loket di komputer ini (Ctrl+Q)", app.action_quit


class LoketCommands(Provider):
    """Textual's own provider speaks English and offers themes and screenshots; this one offers
    the counter's commands and says so, in Indonesian, when nothing matches."""

    @property
    def loket(self) -> LoketApp:
        return cast("LoketApp", self.app)

    async def discover(self) -> Hits:
        for name, help_text, callback in palette(self.loket):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = False
        for name, help_text, callback in palette(self.loket):
            if (score := matcher.match(name)) > 0:
                found = True
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)
        if not found:
            yield Hit(0.0, texts.PALETTE_NO_MATCH, _nothing, text=texts.PALETTE_NO_MATCH)


def _nothing() -> None:
    """Choosing the "nothing matches" line does nothing."""
