"""The owner's report files from the hub: a day or a month across every outlet, as PDF, XLSX
and CSV, in the look and with the sections of a counter's own (reports/pdf.py, reports/xlsx.py,
reports/books.py), plus a table per outlet, the cashiers within each outlet, the host deposit
per host account, and a warning when a counter's figures may not all be in the hub yet.

Every payment of the period streams from PostgreSQL into the CSV and the XLSX (a server-side
cursor): a month of a busy hub never sits in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from loket.clock import WIB, SystemClock, parse_iso
from loket.domain import times
from loket.domain.states import FAILURE_KINDS, label
from loket.hub import periods
from loket.hub.owner import CounterStatus
from loket.printing.layouts import Shop
from loket.reports import export
from loket.reports.across import (
    Across,
    OutletLine,
    account_lines,
    cashier_table,
    header_lines,
    outlet_table,
)
from loket.reports.books import Books, per_day, stamp, summary_lines
from loket.reports.figures import SLA_HOURS, ExceptionRow, Figures, day_range, month_range
from loket.reports.monthly import MonthFigures
from loket.service.hub.outlets import OutletsDay, host_accounts, outlets_period, unreadable

if TYPE_CHECKING:  # openpyxl comes with it: only when a workbook is written
    from loket.config import Config
    from loket.reports.xlsx import Sheet

# A table of the XLSX: its heading, its columns (header, kind), its rows
TableParts = tuple[str, list[tuple[str, str]], list[list[object]]]


@dataclass(frozen=True)
class HubWritten:
    pdf: Path | None = None
    xlsx: Path | None = None
    csv: Path | None = None
    rows: int = 0  # payments listed in the CSV / XLSX
    warning: str = ""


def heard(status: CounterStatus) -> str:
    if status.pushed_at is None:
        return "belum pernah"
    return status.pushed_at.astimezone(WIB).strftime("%d/%m/%Y %H:%M")


def incomplete(
    counters: list[CounterStatus], end: str, now: datetime, set_aside: dict[str, int] | None = None
) -> str:
    """One line when the hub may lack some of a counter's rows of the period (the rule of
    ``CounterStatus.behind``: it never pushed, it had a queue at its last push, or it has been
    silent since before the period's end), or has set aside rows of it that it could not read:
    the figures may be incomplete. Every other outlet's figures stand."""
    last_day = times.date_of(end) - timedelta(days=1)
    late = []
    for c in counters:
        if not c.behind(last_day, now):
            continue
        if c.pushed_at is None:
            late.append(f"{c.terminal} belum pernah mengirim")
        elif c.backlog:
            late.append(f"{c.terminal} masih punya antrean {c.backlog} baris")
        else:
            late.append(f"{c.terminal} terakhir mengirim {heard(c)}")
    late += [unreadable(terminal, n) for terminal, n in sorted((set_aside or {}).items())]
    if not late:
        return ""
    return "Perhatian: angka mungkin belum lengkap: " + "; ".join(late) + "."


def across(
    hub: Engine, day: OutletsDay, start: str, end: str, now: datetime | None = None
) -> Across:
    status = {c.terminal: c for c in day.counters}
    outlets = [
        OutletLine(
            t,
            day.outlets.get(t) or Figures(start, end),
            heard(status[t]) if t in status else "?",
            status[t].backlog if t in status else 0,
        )
        for t in sorted(set(day.outlets) | set(status))
    ]  # a silent one too
    return Across(
        outlets,
        host_accounts(hub, start, end, day.outlets),
        incomplete(day.counters, end, now or SystemClock().now(), day.set_aside),
    )


def month_figures(hub: Engine, month: OutletsDay, now_iso: str) -> MonthFigures:
    """The counter's ``MonthFigures`` (reports/monthly.py), computed in PostgreSQL: the
    month's figures and daily volume (``outlets_month``), failures and resolution times."""
    start, end = month.all.start, month.all.end
    r = periods.resolution(hub, start, end, now_iso, SLA_HOURS)
    return MonthFigures(
        times.month(start),
        month.all,
        month.daily,
        periods.failures(hub, start, end),
        r.resolved_within,
        r.resolved_late,
        r.open_within,
        r.open_late,
        median_h=r.median_h,
    )


def exceptions(hub: Engine, start: str, end: str) -> list[ExceptionRow]:
    return [ExceptionRow(*row) for row in periods.exceptions(hub, start, end)]


def _books(f: Figures, a: Across) -> Books:
    """The summary's words for how the host is paid: post-paid only when every account is."""
    every = {acc.settlement for acc in a.accounts}
    return Books(f, "postpaid" if every == {"postpaid"} else "deposit")


def _payments(hub: Engine, start: str, end: str) -> Iterator[tuple[object, ...]]:
    sources = [c.source for c in export.COLUMNS]
    return export.typed(export.OUTLET_COLUMNS, periods.payments(hub, start, end, sources))


def _sheet(
    shop: Shop, title: str, now: str, b: Books, a: Across, tables: list[TableParts]
) -> Sheet:
    from loket.reports import xlsx as workbook

    sheet = workbook.Sheet(
        f"{shop.name} — {title}", " · ".join([*header_lines(a), f"dibuat {stamp(now)} WIB"])
    )
    if a.warning:
        sheet.subtitle += f" · {a.warning}"
    sheet.sections.append(("Ringkasan", summary_lines(b)))
    for acc in a.accounts:
        if lines := account_lines(acc):
            sheet.sections.append((acc.heading, lines))
    sheet.tables.append(workbook.Table("Per outlet", *outlet_table(a)))
    sheet.tables.append(workbook.Table("Per kasir", *cashier_table(a)))
    sheet.tables.extend(workbook.Table(*t) for t in tables)
    return sheet


def _resolution_table(m: MonthFigures) -> TableParts:
    median = m.median_resolution_h
    return (
        "Waktu penyelesaian",
        [("Penyelesaian (batas 2x24 jam)", "text"), ("Jumlah", "text")],
        [
            ["Selesai dalam 48 jam", m.resolved_within],
            ["Selesai lewat 48 jam", m.resolved_late],
            ["Belum selesai, masih dalam 48 jam", m.open_within],
            ["Belum selesai, LEWAT 48 jam", m.open_late],
            ["Median waktu penyelesaian (jam)", round(median, 1) if median is not None else "-"],
        ],
    )


def _exception_table(rows: list[ExceptionRow]) -> TableParts:
    columns = [
        ("Ref", "text"),
        ("Outlet", "text"),
        ("Waktu", "text"),
        ("Kasir", "text"),
        ("Nama", "text"),
        ("Status", "text"),
        ("Total", "money"),
    ]
    return (
        "Pengecualian (belum final)",
        columns,
        [
            [
                r.ref_id,
                r.terminal,
                times.minute(r.created_at),
                r.cashier_id,
                r.head_name,
                label(r.state),
                r.total,
            ]
            for r in rows
        ],
    )


def write(
    hub: Engine,
    shop: Shop,
    now: str,
    *,
    day: date | None = None,
    month: tuple[int, int] | None = None,
    pdf: str | Path | None = None,
    xlsx: str | Path | None = None,
    csv: str | Path | None = None,
) -> HubWritten:
    """``loket hub report --day D | --month M --pdf F --xlsx F --csv F``: the files asked for."""
    if day is not None:
        start, end = day_range(day)
        period, title = day.isoformat(), f"Laporan Harian {day.isoformat()}"
    else:
        assert month is not None
        start, end = month_range(*month)
        period = times.month(start)
        title = f"Laporan Bulanan {period}"
    figures_ = outlets_period(hub, start, end, period)
    a = across(hub, figures_, start, end, parse_iso(now))
    b = _books(figures_.all, a)
    listed = exceptions(hub, start, end)
    m = month_figures(hub, figures_, now) if month is not None else None
    if pdf:
        from loket.reports import pdf as render

        if m is None:
            render.daily_pdf(pdf, shop, period, b, listed, now, a)
        else:
            render.monthly_pdf(pdf, shop, m, b, None, listed, now, a)
    rows = (
        export.write_rows_csv(export.OUTLET_COLUMNS, _payments(hub, start, end), csv) if csv else 0
    )
    if xlsx:
        from loket.reports import xlsx as workbook

        tables = [_exception_table(listed)]
        if m is not None:
            tables[:0] = [
                ("Per hari", *per_day(m, b, None)),
                (
                    "Gangguan menurut jenis",
                    [("Jenis gangguan", "text"), ("Transaksi", "count")],
                    [[FAILURE_KINDS[k].label, v] for k, v in m.failures.items()],
                ),
                _resolution_table(m),
            ]
        sheet = _sheet(shop, title, now, b, a, tables)
        rows = workbook.write_xlsx(
            None, start, end, xlsx, sheet, _payments(hub, start, end), export.OUTLET_COLUMNS
        )
    return HubWritten(_path(pdf), _path(xlsx), _path(csv), rows, a.warning)


def _path(name: str | Path | None) -> Path | None:
    return Path(name) if name else None


def now_iso() -> str:
    return SystemClock().now().isoformat(timespec="seconds")


def shop(config: Config | None) -> Shop:
    """The report's heading: the shop's name from the configuration, if there is one."""
    if config is None:
        return Shop("Semua outlet")
    return Shop(config.shop.name, config.shop.address)
