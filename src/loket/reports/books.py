"""A period's money as the owner reads it: the figures, and how the host is paid for them.

How the agent pays the host decides what is true to show (``[host] settlement``):
- ``deposit`` (prepaid, the common case): the host has already taken each payment's cost from the
  deposit; the owner sees the deposit's movement, never an amount "to settle".
- ``postpaid``: the host bills the agent; each day's cost is to be settled by the next day (T+1,
  the PPOB partner's obligations, seed 000).

The lines below are what the PDF and the XLSX print, in the same words and order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sqlalchemy import Engine

from loket.clock import parse_iso
from loket.domain import times
from loket.domain.money import format_rupiah
from loket.reports.deposit import DepositMovement, movement
from loket.reports.figures import Figures, figures
from loket.reports.monthly import MonthFigures

Settlement = Literal["deposit", "postpaid"]


@dataclass(frozen=True)
class Books:
    figures: Figures
    settlement: Settlement
    deposit: DepositMovement | None = None  # deposit: how the deposit moved

    @property
    def settle_by(self) -> date | None:
        """Post-paid: the day the period's host cost is due (T+1 after its last day)."""
        if self.settlement != "postpaid":
            return None
        return times.date_of(self.figures.end)


def books(
    engine: Engine, start: str, end: str, settlement: Settlement, f: Figures | None = None
) -> Books:
    """The period's books; ``f``, the period's figures when they were already counted."""
    f = f or figures(engine, start, end)
    if settlement == "postpaid":
        return Books(f, settlement)
    return Books(f, settlement, movement(engine, start, end))


@dataclass(frozen=True)
class Line:
    label: str
    value: int | None  # rupiah, or a count
    kind: str = "money"  # money | signed (money with its sign) | count
    note: str = ""
    strong: bool = False


def signed(amount: int) -> str:
    """A movement of money: +Rp 5.000.000, -Rp 106.000, Rp 0."""
    return ("+" if amount > 0 else "") + format_rupiah(amount)


def percent(share: float) -> str:
    return f"{share:.1%}".replace(".", ",")  # 66,7%: the Indonesian decimal comma


def stamp(at: str) -> str:
    return parse_iso(at).strftime("%d/%m/%Y %H:%M")


def summary_lines(b: Books) -> list[Line]:
    f = b.figures
    lines = [
        Line("Transaksi", f.count, "count"),
        Line("Berhasil (LUNAS)", f.success_count, "count", percent(f.success_rate)),
        Line("Uang tunai diterima (bersih)", f.cash_collected),
        Line("Iuran BPJS (lunas)", f.premium),
        Line("Pendapatan biaya admin", f.admin_income),
        Line(
            "Biaya host (dipotong dari deposit)"
            if b.settlement == "deposit"
            else "Biaya host (ditagih host)",
            f.host_cost,
        ),
        Line("Margin loket", f.margin, strong=True),
    ]
    if f.unpriced:
        lines.append(
            Line(
                "Lunas tanpa biaya host tercatat",
                f.unpriced,
                "count",
                "margin di atas belum pasti",
                strong=True,
            )
        )
    lines.append(Line("Belum final", f.unsettled_amount, note=f"{f.unsettled_count} transaksi"))
    lines.append(Line("Dikembalikan ke pelanggan", f.refunded))
    if b.settle_by is not None:
        one_day = times.date_of(f.start) + timedelta(days=1) == b.settle_by
        lines.append(
            Line(
                "Setoran ke host (T+1)",
                f.due_to_host,
                strong=True,
                note=f"paling lambat {b.settle_by:%d/%m/%Y}"
                if one_day
                else "tiap hari, paling lambat hari berikutnya",
            )
        )
    return lines


def deposit_lines(d: DepositMovement) -> list[Line]:
    if d.opening is None or d.closing is None:
        return [Line("Saldo deposit", None, note="belum pernah tercatat (host belum dihubungi)")]
    lines = [
        Line("Saldo awal", d.opening.balance, note=f"tercatat {stamp(d.opening.at)}"),
        Line("Dipakai transaksi lunas", -d.used, "signed", f"{d.used_count} transaksi"),
    ]
    if d.held:
        lines.append(
            Line("Diproses host, belum final", -d.held, "signed", f"{d.held_count} transaksi")
        )
    if d.failed:
        lines.append(
            Line(
                "Gagal, belum dikembalikan host", -d.failed, "signed", f"{d.failed_count} transaksi"
            )
        )
    lines.append(Line("Top-up / lain-lain", d.other, "signed", "dihitung dari saldo"))
    lines.append(
        Line("Saldo akhir", d.closing.balance, note=f"tercatat {stamp(d.closing.at)}", strong=True)
    )
    return lines


def per_day(
    m: MonthFigures, b: Books, days: dict[str, DepositMovement] | None
) -> tuple[list[tuple[str, str]], list[list]]:
    """The month day by day: volume, success, host cost, and the deposit or the settlement
    (``days`` None: neither, as across outlets, where each host account has its own)."""
    columns = [
        ("Tanggal", "text"),
        ("Transaksi", "count"),
        ("Lunas", "count"),
        ("Sukses", "text"),
        ("Biaya host", "money"),
    ]
    per_account = days is None
    days = days or {}
    if per_account:
        pass
    elif b.settlement == "deposit":
        columns += [
            ("Dipotong host", "signed"),
            ("Top-up / lain", "signed"),
            ("Saldo akhir", "money"),
        ]
    else:
        columns += [("Setor paling lambat", "text")]
    counted = {d[0]: d for d in m.daily}
    rows = []
    for day in sorted(set(counted) | set(days)):
        _, n, ok, cost = counted.get(day, (day, 0, 0, 0))
        row = [day, n, ok, percent(ok / n) if n else "-", cost]
        if per_account:
            pass
        elif b.settlement == "deposit":
            d = days.get(day)
            row += (
                [-(d.used + d.held + d.failed), d.other, d.closing.balance]
                if d is not None and d.opening is not None and d.closing is not None
                else [None, None, None]
            )
        else:
            row.append(f"{date.fromisoformat(day) + timedelta(days=1):%d/%m/%Y}")
        rows.append(row)
    return columns, rows
