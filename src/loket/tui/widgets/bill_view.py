"""A family's bill: who is covered, which months, and what it costs."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from loket.domain.billing import FamilyBill
from loket.domain.money import format_rupiah
from loket.domain.months import Month

KELAS = {1: "I", 2: "II", 3: "III"}


def months_line(bill: FamilyBill, current: Month) -> Text:
    """Each billed month by name; arrears marked ``*`` (and red), months ahead ``+`` (and cyan)."""
    line = Text("Bulan: ", style="dim")
    periods = list(bill.periods)
    shown = periods if len(periods) <= 5 else [*periods[:2], None, *periods[-2:]]
    for p in shown:
        if p is None:
            line.append(f"…{len(periods) - 4} bulan lagi… ", style="dim")
            continue
        if p < current:
            line.append(p.short_name + "*", style="bold red")
        elif p > current:
            line.append(p.short_name + "+", style="bold cyan")
        else:
            line.append(p.short_name, style="bold")
        line.append(" ")
    arrears = sum(1 for p in periods if p < current)
    ahead = sum(1 for p in periods if p > current)
    notes = [f"{len(periods)} bulan"]
    if arrears:
        notes.append(f"*tunggakan {arrears}")
    if ahead:
        notes.append(f"+di muka {ahead}")
    line.append("(" + ", ".join(notes) + ")", style="dim")
    return line


def bill_renderable(bill: FamilyBill, current: Month, admin: int, total: int) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(ratio=1)
    grid.add_row(
        Text.assemble(
            ("VA ", "dim"),
            (bill.va_no, "bold"),
            ("  ", ""),
            (bill.head_name, "bold"),
            ("  cabang ", "dim"),
            bill.branch,
        )
    )
    members = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold dim")
    members.add_column("No. Kartu")
    members.add_column("Nama", ratio=1)
    members.add_column("Kelas", justify="center")
    for m in bill.members:
        members.add_row(m.card_no, m.name, KELAS.get(m.klass, str(m.klass)))
    grid.add_row(members)
    grid.add_row(months_line(bill, current))
    money = Table.grid(padding=(0, 2))
    money.add_column()
    money.add_column(justify="right")
    money.add_row("Iuran", format_rupiah(bill.premium))
    money.add_row("Biaya admin", format_rupiah(admin))
    money.add_row(Text("TOTAL BAYAR", style="bold"), Text(format_rupiah(total), style="bold"))
    grid.add_row(money)
    return grid


class BillView(Static):
    DEFAULT_CSS = """
    BillView { height: auto; border: round $accent; padding: 0 1; }
    """
