"""The day's money as panels: the tables the counter's dashboard (F7) and the owner's hub
dashboard (``loket hub dashboard``) both draw — the money, the host deposit's movement or what to
settle, and the breakdown per state and cashier."""

from __future__ import annotations

from datetime import date

from rich.console import Group
from rich.table import Table
from rich.text import Text

from loket.clock import parse_iso
from loket.domain.money import format_rupiah
from loket.domain.states import short_label
from loket.reports.books import Books, signed
from loket.reports.deposit import DepositMovement
from loket.reports.figures import Figures
from loket.tui import texts

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
rp = format_rupiah
REFRESH_S = 30.0


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(style="dim", ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True)
    return grid


def money_table(f: Figures) -> Table:
    grid = _grid()
    grid.add_row("Transaksi", str(f.count))
    grid.add_row("Lunas", f"{f.success_count} ({f.success_rate:.0%})")
    grid.add_row("Uang masuk bersih", rp(f.cash_collected))
    grid.add_row("Iuran BPJS", rp(f.premium))
    grid.add_row("Pendapatan admin", rp(f.admin_income))
    grid.add_row("Biaya host", rp(f.host_cost))
    grid.add_row(Text("Margin", style="bold"), Text(rp(f.margin), style="bold green"))
    if f.unpriced:
        grid.add_row(
            Text("Tanpa biaya host", style="bold red"),
            Text(f"{f.unpriced} lunas", style="bold red"),
        )
    if f.unsettled_count:
        grid.add_row(
            Text("Belum final", style="yellow"),
            Text(f"{f.unsettled_count} · {rp(f.unsettled_amount)}", style="yellow"),
        )
    if f.refunded:
        grid.add_row("Dikembalikan", rp(f.refunded))
    return grid


def _when(at: str, day: date) -> str:
    moment = parse_iso(at)
    return f"{moment:%H:%M}" if moment.date() == day else f"{moment:%d/%m %H:%M}"


def deposit_table(d: DepositMovement, day: date, today: bool, note: bool = True) -> Group:
    grid = _grid()
    if d.opening is None or d.closing is None:
        grid.add_row("Saldo", "belum tercatat")
        return Group(grid)
    grid.add_row(f"Awal {_when(d.opening.at, day)}", rp(d.opening.balance))
    grid.add_row(f"Dipakai ({d.used_count} lunas)", signed(-d.used))
    if d.held:
        grid.add_row(f"Diproses ({d.held_count})", signed(-d.held))
    if d.failed:
        grid.add_row(f"Gagal ({d.failed_count})", signed(-d.failed))
    grid.add_row("Top-up/lain-lain", signed(d.other))
    closing = f"{'Sekarang' if today else 'Akhir'} {_when(d.closing.at, day)}"
    grid.add_row(Text(closing, style="bold"), Text(rp(d.closing.balance), style="bold"))
    if not note:
        return Group(grid)
    return Group(grid, Text(texts.DEPOSIT_NOTE, style="dim italic"))


def settlement_table(b: Books) -> Table:
    f, due = b.figures, b.settle_by
    assert due is not None  # post-paid books always have a day to settle by
    grid = _grid()
    grid.add_row(f"Biaya host ({f.success_count} lunas)", rp(f.due_to_host))
    grid.add_row(
        Text("Setor paling lambat", style="bold"),
        Text(f"{DAYS[due.weekday()]} {due:%d/%m}", style="bold"),
    )
    if f.unsettled_count:
        grid.add_row(
            Text("Belum final", style="yellow"),
            Text(f"{f.unsettled_count} (bisa menambah)", style="yellow"),
        )
    return grid


def breakdown_table(f: Figures) -> Table:
    """Per state, then per cashier (the busiest first: a short panel cuts the quietest off)."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right")
    grid.add_column(justify="right", no_wrap=True)
    for label, (n, total) in sorted((short_label(s), v) for s, v in f.by_state.items()):
        grid.add_row(label, str(n), rp(total))
    if f.by_cashier:
        grid.add_row(Text("Kasir", style="bold dim"), "", "")
    for c in f.by_cashier:
        grid.add_row(c.cashier_id, str(c.count), rp(c.taken))
    return grid
