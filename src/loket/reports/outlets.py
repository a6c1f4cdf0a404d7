"""Every outlet's day as one CSV for an Indonesian spreadsheet (``;``, UTF-8 with BOM), from the
figures the service read out of the owner's hub: a row per outlet, then a row per cashier."""

from __future__ import annotations

from pathlib import Path

from loket.reports.export import as_text, csv_file
from loket.reports.figures import Figures

HEADER = [
    "Tanggal",
    "Outlet",
    "Kasir",
    "Transaksi",
    "Sukses",
    "Kas diterima",
    "Dikembalikan",
    "Iuran BPJS",
    "Pendapatan admin",
    "Biaya host",
    "Margin",
    "Belum final",
    "Nilai belum final",
]


def write_outlets_csv(day: str, outlets: dict[str, Figures], out: str | Path) -> int:
    """One row per outlet (cashier empty) and one per cashier of it; how many rows."""
    written = 0
    with csv_file(out) as writer:
        writer.writerow(HEADER)
        for terminal, fig in outlets.items():
            writer.writerow(
                [
                    day,
                    as_text(terminal),
                    "",
                    fig.count,
                    fig.success_count,
                    fig.cash_collected,
                    fig.refunded,
                    fig.premium,
                    fig.admin_income,
                    fig.host_cost,
                    fig.margin,
                    fig.unsettled_count,
                    fig.unsettled_amount,
                ]
            )
            written += 1
            for c in fig.by_cashier:
                writer.writerow(
                    [
                        day,
                        as_text(terminal),
                        as_text(c.cashier_id),
                        c.count,
                        c.success,
                        c.taken,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
                written += 1
    return written
