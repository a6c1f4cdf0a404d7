"""What a report across outlets (the owner's hub) adds to a counter's own: which outlets are in
it and whether their figures may be incomplete, a table per outlet, the cashiers within each
outlet, and the host deposit per host account. The PDF and the XLSX print the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loket.reports.books import Line, deposit_lines
from loket.reports.deposit import DepositMovement
from loket.reports.figures import Figures

Columns = list[tuple[str, str]]  # header, kind: text | count | money | signed


def cashier_at(terminal: str, cashier_id: str) -> str:
    """A cashier across outlets: an id is unique on its own counter only."""
    return f"{terminal} / {cashier_id}"


@dataclass(frozen=True)
class OutletLine:
    terminal: str
    figures: Figures
    heard: str  # when the hub last heard from it, "21/11/2026 18:00", or "belum pernah"
    backlog: int  # what it still had waiting then


@dataclass(frozen=True)
class AccountBooks:
    """One host account and the outlets that pay from it."""

    account: str  # native:AG001, digiflazz:warungku; "" when the hub does not know it
    terminals: list[str]
    settlement: str | None  # deposit | postpaid | None: the counters did not say (or disagree)
    deposit: DepositMovement | None  # the deposit's movement, when it pays from one
    host_cost: int = 0  # what the host charged for its outlets' confirmed payments

    @property
    def heading(self) -> str:
        name = self.account or "akun host tidak diketahui"
        kind = "Pascabayar ke host" if self.settlement == "postpaid" else "Deposit di host"
        return f"{kind}: {name} ({', '.join(self.terminals)})"


@dataclass
class Across:
    outlets: list[OutletLine]
    accounts: list[AccountBooks] = field(default_factory=list)
    warning: str = ""  # one line, when a counter's figures may not all be in the hub yet


def header_lines(a: Across) -> list[str]:
    named = ", ".join(o.terminal for o in a.outlets) or "belum ada"
    return [f"Outlet: {named}"]


def outlet_table(a: Across) -> tuple[Columns, list[list]]:
    columns = [
        ("Outlet", "text"),
        ("Trx", "count"),
        ("Lunas", "count"),
        ("Uang tunai", "money"),
        ("Iuran", "money"),
        ("Admin", "money"),
        ("Biaya host", "money"),
        ("Margin", "money"),
        ("Blm final", "count"),
        ("Terakhir kirim", "text"),
        ("Antre", "count"),
    ]
    rows = [
        [
            o.terminal,
            o.figures.count,
            o.figures.success_count,
            o.figures.cash_collected,
            o.figures.premium,
            o.figures.admin_income,
            o.figures.host_cost,
            o.figures.margin,
            o.figures.unsettled_count,
            o.heard,
            o.backlog,
        ]
        for o in a.outlets
    ]
    return columns, rows


def cashier_table(a: Across) -> tuple[Columns, list[list]]:
    """Cashier ids are unique per terminal only: each is named with its outlet."""
    columns = [
        ("Kasir", "text"),
        ("Transaksi", "count"),
        ("Uang diterima", "money"),
        ("Lunas", "count"),
        ("Nilai lunas", "money"),
    ]
    rows = [
        [cashier_at(o.terminal, c.cashier_id), c.count, c.taken, c.success, c.success_amount]
        for o in a.outlets
        for c in o.figures.by_cashier
    ]
    return columns, rows


def account_lines(acc: AccountBooks) -> list[Line]:
    if acc.settlement == "postpaid":
        return [
            Line(
                "Setoran ke host (T+1)",
                acc.host_cost,
                strong=True,
                note="pascabayar: paling lambat H+1",
            )
        ]
    lines = deposit_lines(acc.deposit) if acc.deposit is not None else []
    if acc.settlement is None:
        lines.append(
            Line(
                "Cara bayar ke host", None, "count", "tidak diketahui hub: lihat [host] settlement"
            )
        )
    return lines
