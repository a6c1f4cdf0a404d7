"""What each slip says, in order. Pure: plain data in, elements out.

A receipt follows what BPJS Kesehatan PPOB receipts show: the counter's header; STRUK PEMBAYARAN
IURAN BPJS KESEHATAN; the host's reference and the counter's own; date and time; the family's VA
or card number; the head of the family; members (``n ORANG``) and period (``n BULAN`` and/or the
months); premium, admin fee and total; BPJS's sentence that the slip is valid proof of payment and
where the details can be read. A reprint says CETAK ULANG and its count. Beside it: the provisional
receipt (BUKTI TERIMA SEMENTARA: taken offline or pending, not yet proof of payment, with the ref
and a QR), the refund slip, the shift report (Z) and the printer's test page.

A slip printed in training mode can never pass for proof of payment: its title says LATIHAN and it
carries no sentence of BPJS's.
"""

from __future__ import annotations

from dataclasses import dataclass

from loket.clock import parse_iso
from loket.domain.money import format_rupiah
from loket.domain.months import describe_periods
from loket.domain.numbers import is_va
from loket.domain.payment import Payment
from loket.domain.shifts import ShiftReport
from loket.domain.states import short_label
from loket.printing.slip import Element, SlipBuilder

TITLE = "STRUK PEMBAYARAN IURAN BPJS KESEHATAN"
VALID_SENTENCE = "BPJS KESEHATAN MENYATAKAN STRUK INI SEBAGAI BUKTI PEMBAYARAN YANG SAH"
FOOTER = "Rincian tagihan dapat diakses melalui www.bpjs-kesehatan.go.id"
PROVISIONAL_TITLE = "BUKTI TERIMA SEMENTARA"
PROVISIONAL_NOTE = (
    "BUKAN BUKTI PEMBAYARAN BPJS. Struk resmi dicetak setelah pembayaran dikonfirmasi."
)
TRAINING_TITLE = "STRUK LATIHAN"
TRAINING_NOTE = "MODE LATIHAN - BUKAN TRANSAKSI NYATA, BUKAN BUKTI PEMBAYARAN"
REFUND_LABELS = ("Ref Loket", "Dibayar", "Dikembalikan", "{number}", "Nama", "Alasan")


@dataclass(frozen=True)
class Shop:
    name: str
    address: str = ""
    agent_id: str = ""
    terminal_id: str = ""
    training: bool = False  # nothing printed in training mode may look like proof of payment


def qr_payload(payment: Payment) -> str:
    """The QR holds the counter's ref and, once known, the host's reference."""
    return f"{payment.ref_id}|{payment.host_sn}" if payment.host_sn else payment.ref_id


def _stamp(iso_time: str) -> str:
    return parse_iso(iso_time).strftime("%d/%m/%Y %H:%M") if iso_time else "-"


def _header(b: SlipBuilder, shop: Shop) -> None:
    b.line(shop.name, "center", bold=True)
    if shop.address:
        b.line(shop.address, "center")
    ids = " / ".join(
        x
        for x in (
            f"Agen {shop.agent_id}" if shop.agent_id else "",
            f"Terminal {shop.terminal_id}" if shop.terminal_id else "",
        )
        if x
    )
    if ids:
        b.line(ids, "center")
    b.rule()
    if shop.training:
        b.big("LATIHAN")
        b.line(TRAINING_NOTE, "center", bold=True)
        b.rule()


def number_label(digits: str) -> str:
    """A family VA or one member's card: a count-only host echoes whichever was typed."""
    return "No. VA" if is_va(digits) else "No. Kartu"


def _family(b: SlipBuilder, payment: Payment) -> None:
    periods = list(payment.periods)
    b.field(number_label(payment.family_no), payment.family_no)
    if payment.customer_no and payment.customer_no != payment.family_no:
        b.field(number_label(payment.customer_no), payment.customer_no)
    b.field("Nama", payment.head_name)
    b.field("Jml Anggota", f"{payment.member_count} ORANG")
    b.field("Periode", f"{payment.month_count} BULAN")
    if periods:  # a count-only host gives the number of months, not which ones
        b.field("", describe_periods(periods))


def _money(b: SlipBuilder, payment: Payment) -> None:
    b.rule()
    b.amount("Iuran", format_rupiah(payment.premium))
    b.amount("Biaya Admin", format_rupiah(payment.admin_fee))
    b.amount("TOTAL BAYAR", format_rupiah(payment.total), bold=True)
    b.amount("Tunai", format_rupiah(payment.cash))
    b.amount("Kembali", format_rupiah(payment.change))
    b.rule()


def _reprint(b: SlipBuilder, reprint: int) -> None:
    if reprint:
        b.line(f"*** CETAK ULANG KE-{reprint} ***", "center", bold=True)


def receipt(payment: Payment, shop: Shop, columns: int, reprint: int = 0) -> list[Element]:
    b = SlipBuilder(columns)
    _header(b, shop)
    b.line(TRAINING_TITLE if shop.training else TITLE, "center", bold=True)
    b.rule()
    _reprint(b, reprint)
    b.field("No. Ref", payment.host_sn or "-")
    b.field("Ref Loket", payment.ref_id)
    b.field("Tanggal", _stamp(payment.paid_at or payment.created_at))
    _family(b, payment)
    _money(b, payment)
    b.line(TRAINING_NOTE if shop.training else VALID_SENTENCE, "center")
    b.qr(qr_payload(payment))
    b.line(FOOTER, "center")
    _reprint(b, reprint)
    return b.elements


def provisional(payment: Payment, shop: Shop, columns: int, reprint: int = 0) -> list[Element]:
    b = SlipBuilder(columns)
    _header(b, shop)
    b.big(PROVISIONAL_TITLE)
    b.line(PROVISIONAL_NOTE, "center")
    b.rule()
    _reprint(b, reprint)
    b.field("Ref Loket", payment.ref_id)
    b.field("Diterima", _stamp(payment.created_at))
    _family(b, payment)
    _money(b, payment)
    b.line(
        "Simpan bukti ini. Tunjukkan ke kasir untuk struk resmi atau pengembalian uang.", "center"
    )
    b.qr(qr_payload(payment))
    _reprint(b, reprint)
    return b.elements


def refund(payment: Payment, shop: Shop, columns: int, refunded_at: str) -> list[Element]:
    b = SlipBuilder(columns)
    _header(b, shop)
    b.line("BUKTI PENGEMBALIAN UANG", "center", bold=True)
    b.line("Pembayaran BPJS tidak berhasil", "center")
    b.rule()
    width = len(REFUND_LABELS[2])  # "Dikembalikan", the longest: every colon in one column
    labels = [label.format(number=number_label(payment.family_no)) for label in REFUND_LABELS]
    for label, value in zip(
        labels,
        (
            payment.ref_id,
            _stamp(payment.created_at),
            _stamp(refunded_at),
            payment.family_no,
            payment.head_name,
            payment.host_message or "-",
        ),
        strict=True,
    ):
        b.field(label, value, label_width=width)
    b.rule()
    b.amount("DIKEMBALIKAN", format_rupiah(payment.total), bold=True)
    b.rule()
    b.line("Tanda tangan pelanggan:")
    b.feed(3)
    return b.elements


def test_page(shop: Shop, columns: int, printed_at: str, backend: str) -> list[Element]:
    b = SlipBuilder(columns)
    _header(b, shop)
    b.line("HALAMAN UJI PRINTER", "center", bold=True)
    b.field("Waktu", _stamp(printed_at))
    b.field("Printer", backend)
    b.field("Kolom", str(columns))
    b.line(("1234567890" * 5)[:columns])
    b.amount("Contoh jumlah", format_rupiah(1_234_567))
    b.big("LOKET")
    b.qr("LOKET-TEST")
    return b.elements


def shift_report(
    report: ShiftReport, shop: Shop, columns: int, printed_at: str, audit_head: tuple[int, str]
) -> list[Element]:
    """The Z report: a closed shift's counts, money and drawer, and the audit chain's head."""
    shift, drawer = report.shift, report.drawer
    b = SlipBuilder(columns)
    _header(b, shop)
    b.line("LAPORAN SHIFT (Z)", "center", bold=True)
    b.rule()
    b.field("Kasir", shift.cashier_id)
    b.field("Buka", _stamp(shift.opened_at))
    b.field("Tutup", _stamp(shift.closed_at or printed_at))
    if shift.closed_by and shift.closed_by != shift.cashier_id:
        b.field("Ditutup oleh", shift.closed_by)
    b.rule()
    for state, (n, total) in sorted(report.by_state.items()):
        b.amount(f"{short_label(state)} {n}x", format_rupiah(total))
    b.rule()
    b.amount("Modal awal", format_rupiah(drawer.opening_float))
    b.amount(f"Diterima {drawer.payments}x", format_rupiah(drawer.taken))
    b.amount(f"Dikembalikan {drawer.refunds}x", format_rupiah(-drawer.refunded))
    b.amount("SEHARUSNYA", format_rupiah(drawer.expected), bold=True)
    if shift.counted_cash is not None:
        b.amount("DIHITUNG", format_rupiah(shift.counted_cash), bold=True)
        b.amount("SELISIH", format_rupiah(shift.difference or 0), bold=True)
    if report.unsettled:
        b.rule()
        b.line(f"Belum final: {len(report.unsettled)}", bold=True)
        for p in report.unsettled:
            b.line(f"{p.ref_id[-10:]} {short_label(p.state)} {format_rupiah(p.total)}")
    b.rule()
    b.field("Audit", f"#{audit_head[0]} {audit_head[1][:12]}")
    b.line("Tanda tangan kasir / pemilik:")
    b.feed(3)
    return b.elements
