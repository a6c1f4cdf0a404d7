"""A family's bill: who is covered, which months, and what it costs."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from loket.domain import times
from loket.domain.billing import FamilyBill
from loket.domain.money import format_rupiah
from loket.domain.months import Month
from loket.domain.numbers import is_va
from loket.tui import texts

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


def counts_line(bill: FamilyBill) -> Text:
    """A count-only bill (Digiflazz, IAK): how many people and months, and nothing invented."""
    line = Text.assemble(
        ("Peserta: ", "dim"),
        (f"{bill.member_count} orang", "bold"),
        ("   Periode: ", "dim"),
        (f"{bill.month_count} bulan", "bold"),
    )
    notes = []
    if bill.arrears_months:
        notes.append(f"*tunggakan {bill.arrears_months}")
    if bill.months_ahead:
        notes.append(f"+di muka {bill.months_ahead}")
    if notes:
        line.append(" (" + ", ".join(notes) + ")", style="dim")
    line.append("\n")
    if bill.priced_offline:
        line.append(texts.PRICED_FROM.format(when=times.day(bill.inquired_at)), style="bold")
    else:
        line.append(texts.COUNT_ONLY_NOTE, style="dim")
    return line


def members_table(bill: FamilyBill) -> Table:
    members = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold dim")
    members.add_column("No. Kartu")
    members.add_column("Nama", ratio=1)
    members.add_column("Kelas", justify="center")
    for m in bill.members:
        members.add_row(m.card_no, m.name, KELAS.get(m.klass, str(m.klass)))
    return members


def bill_renderable(bill: FamilyBill, current: Month, admin: int, total: int) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(ratio=1)
    grid.add_row(
        Text.assemble(
            ("VA " if is_va(bill.family_no) else "Kartu ", "dim"),
            (bill.family_no, "bold"),
            ("  ", ""),
            (bill.head_name, "bold"),
            ("  cabang ", "dim"),
            bill.branch,
        )
    )
    if bill.count_only:
        grid.add_row(counts_line(bill))
    else:
        grid.add_row(members_table(bill))
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
