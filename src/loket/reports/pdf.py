"""Daily and monthly reports as PDF (reportlab): header, summary, how the host is paid (the
deposit's movement, or what to settle), per cashier, a chart, exceptions; the monthly one adds
volume, success rate, failures by kind and resolution times.

Only a ``Paragraph`` reads markup: every text that goes into one is escaped, so a shop called
``Toko <A&B>`` prints as it is called.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from loket.clock import parse_iso
from loket.domain import times
from loket.domain.money import format_rupiah
from loket.domain.states import FAILURE_KINDS, label
from loket.printing.layouts import Shop
from loket.reports.across import Across, account_lines, cashier_table, header_lines, outlet_table
from loket.reports.books import Books, Line, deposit_lines, per_day, signed, summary_lines
from loket.reports.deposit import DepositMovement
from loket.reports.figures import SLA_HOURS, ExceptionRow, Figures
from loket.reports.fonts import SANS, SANS_BOLD, styles
from loket.reports.monthly import MonthFigures
from loket.store.files import replacing

STYLES = styles()
# Vera is about a seventh wider than Helvetica: these sizes fill the columns as 8 and 7 points of
# Helvetica did, and its tall lower case reads as large
POINTS, SMALL_POINTS = 7, 6
GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), SANS, POINTS),
        ("FONT", (0, 0), (-1, 0), SANS_BOLD, POINTS),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)
MAX_EXCEPTION_ROWS = 300
HOW_PAID = {
    "deposit": "Cara bayar ke host: deposit. Biaya host sudah dipotong dari deposit saat "
    "transaksi dikonfirmasi; tidak ada yang perlu disetor lagi.",
    "postpaid": "Cara bayar ke host: pascabayar. Setor biaya host transaksi lunas paling lambat "
    "hari berikutnya (T+1).",
}


def _p(text: str, style: str = "Normal") -> Paragraph:
    """Plain text as a paragraph: escaped, since reportlab reads ``<``, ``>`` and ``&``."""
    return Paragraph(escape(text), STYLES[style])


def _table(
    rows: list[list], widths: list[float] | None = None, strong: Sequence[int] = ()
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(GRID)
    for row in strong:
        table.setStyle([("FONT", (0, row), (-1, row), SANS_BOLD, POINTS)])
    return table


def _header(
    story: list, shop: Shop, title: str, period: str, made_at: str, across: Across | None = None
) -> None:
    story.append(_p(f"{shop.name} — {title}", "Title"))
    made = parse_iso(made_at).strftime("%d/%m/%Y %H:%M")
    lines = [
        shop.address,
        f"Agen {shop.agent_id or '-'} · Terminal {shop.terminal_id or '-'}"
        if across is None
        else "",
        *(header_lines(across) if across else []),
        f"Periode: {period} · dibuat {made} WIB",
    ]
    story.append(Paragraph("<br/>".join(escape(x) for x in lines if x), STYLES["Normal"]))
    if across is not None and across.warning:
        story.append(Spacer(1, 2 * mm))
        story.append(
            Paragraph(
                f'<font color="#b00020"><b>{escape(across.warning)}</b></font>', STYLES["Normal"]
            )
        )
    story.append(Spacer(1, 4 * mm))


def _text(value, kind: str) -> str:
    """A value as printed: money as rupiah (with its sign when it is a movement), or as is."""
    if value is None:
        return "-"
    if kind == "money":
        return format_rupiah(value)
    return signed(value) if kind == "signed" else str(value)


def _lines(heading: str, lines: list[Line]) -> Table:
    rows = [[heading, "Jumlah", "Keterangan"]]
    rows += [[x.label, _text(x.value, x.kind), x.note] for x in lines]
    strong = [i for i, x in enumerate(lines, 1) if x.strong]
    table = _table(rows, [75 * mm, 40 * mm, 60 * mm], strong)
    table.setStyle([("ALIGN", (2, 1), (2, -1), "LEFT")])
    return table


def _host(story: list, b: Books) -> None:
    """How the host is paid: the deposit's movement, or (post-paid) the line in the summary."""
    if b.deposit is not None:
        _section(
            story,
            "Deposit di host",
            _lines("Deposit", deposit_lines(b.deposit)),
            Spacer(1, 2 * mm),
            _p(HOW_PAID["deposit"]),
        )
    else:
        story.append(Spacer(1, 2 * mm))
        story.append(_p(HOW_PAID["postpaid"]))


def _by_state(f: Figures) -> Table:
    rows = [["Status", "Jumlah", "Total"]]
    for state, (n, total) in sorted(f.by_state.items()):
        rows.append([label(state), str(n), format_rupiah(total)])
    return _table(rows, [60 * mm, 25 * mm, 40 * mm])


def _grid(
    columns: list[tuple[str, str]], rows: list[list], widths: list[float], font: int = POINTS
) -> Table:
    """A table of typed rows (reports/across.py) as printed."""
    table = _table(
        [[h for h, _ in columns]]
        + [[_text(v, kind) for v, (_, kind) in zip(row, columns, strict=True)] for row in rows],
        [w * mm for w in widths],
    )
    if font != POINTS:
        table.setStyle(
            [("FONT", (0, 0), (-1, -1), SANS, font), ("FONT", (0, 0), (-1, 0), SANS_BOLD, font)]
        )
    return table


def _across(story: list, across: Across) -> None:
    """Per host account, then per outlet (the summary above is every outlet together)."""
    prepaid = [acc for acc in across.accounts if acc.settlement != "postpaid"]
    for acc in prepaid:
        if lines := account_lines(acc):
            _section(story, acc.heading, _lines("Deposit", lines))
    if prepaid:
        story.append(Spacer(1, 2 * mm))
        story.append(_p(HOW_PAID["deposit"]))
    for acc in across.accounts:
        if acc.settlement == "postpaid":
            _section(story, acc.heading, _lines("Pascabayar", account_lines(acc)))
    _section(
        story,
        "Per outlet",
        _grid(
            *outlet_table(across), [17, 10, 10, 21, 21, 16, 21, 18, 13, 22, 10], font=SMALL_POINTS
        ),
    )


def _by_cashier(f: Figures, across: Across | None = None) -> Table:
    if across is not None:
        return _grid(*cashier_table(across), [45, 22, 38, 18, 38])
    rows = [["Kasir", "Transaksi", "Uang diterima", "Lunas", "Nilai lunas"]]
    for c in f.by_cashier:
        rows.append(
            [
                c.cashier_id,
                str(c.count),
                format_rupiah(c.taken),
                str(c.success),
                format_rupiah(c.success_amount),
            ]
        )
    return _table(rows, [35 * mm, 22 * mm, 38 * mm, 18 * mm, 38 * mm])


def _bars(values: list[int], labels: list[str], title: str) -> Drawing:
    drawing = Drawing(170 * mm, 60 * mm, initialFontName=SANS)
    chart = VerticalBarChart()
    # reportlab takes points as floats; types-reportlab declares these int
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, 150 * mm, 42 * mm  # type: ignore[assignment]
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontSize = 6
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#2f6f9f")
    drawing.add(chart)
    drawing.add(String(12 * mm, 55 * mm, title, fontName=SANS_BOLD, fontSize=9))
    return drawing


def volume_chart(m: MonthFigures) -> Drawing:
    """The month's payments on each of its days (a single day with payments was one bar as wide
    as the page)."""
    days = m.every_day()
    return _bars([n for _, n in days], [day for day, _ in days], "Transaksi per hari")


def _exceptions(rows: list[ExceptionRow], now_iso: str, across: bool = False) -> list:
    if not rows:
        return [_p("Tidak ada pengecualian: semua transaksi sudah final.")]
    now = parse_iso(now_iso)
    table = [
        [
            "Ref",
            *(["Outlet"] if across else []),
            "Waktu",
            "Kasir",
            "Nama",
            "Status",
            "Total",
            f"Umur / {SLA_HOURS} jam",
        ]
    ]
    for r in rows[:MAX_EXCEPTION_ROWS]:
        hours = (now - parse_iso(r.created_at)).total_seconds() / 3600
        late = " LEWAT" if hours > SLA_HOURS else ""
        table.append(
            [
                r.ref_id[-12:],
                *([r.terminal] if across else []),
                times.short_minute(r.created_at),
                r.cashier_id,
                r.head_name[: 14 if across else 16],
                label(r.state),
                format_rupiah(r.total),
                f"{hours:.0f} j{late}",
            ]
        )
    widths = [
        w * mm
        for w in ([22, 16, 17, 15, 27, 36, 23, 22] if across else [26, 20, 16, 30, 38, 25, 24])
    ]
    out: list = [_table(table, widths)]
    if across:  # the outlet's column too: one size smaller
        out[0].setStyle(
            [
                ("FONT", (0, 0), (-1, -1), SANS, SMALL_POINTS),
                ("FONT", (0, 0), (-1, 0), SANS_BOLD, SMALL_POINTS),
            ]
        )
    if len(rows) > MAX_EXCEPTION_ROWS:
        out.append(_p(f"… dan {len(rows) - MAX_EXCEPTION_ROWS} lagi (lihat CSV / XLSX)."))
    return out


def _section(story: list, title: str, first, *rest) -> None:
    """A heading kept on the same page as what it heads."""
    story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether([_p(title, "Heading3"), first]))
    story.extend(rest)


def _build(out: str | Path, story: list, title: str) -> None:
    # the canvas's first font too: reportlab's default (Helvetica) would be written into every
    # page even where no text uses it
    with replacing(Path(out)) as f:  # whole, the user's only, never through a planted link
        SimpleDocTemplate(
            f,
            pagesize=A4,
            title=title,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            initialFontName=SANS,
        ).build(story)


def daily_pdf(
    out: str | Path,
    shop: Shop,
    day: str,
    b: Books,
    exceptions: list[ExceptionRow],
    made_at: str,
    across: Across | None = None,
) -> None:
    """The day's report; ``across``: the owner's hub, every outlet in one report."""
    f = b.figures
    story: list = []
    _header(story, shop, "Laporan Harian", day, made_at, across)
    story.append(_lines("Ringkasan", summary_lines(b)))
    if across is None:
        _host(story, b)
    else:
        _across(story, across)
    _section(story, "Per status", _by_state(f))
    _section(story, "Per kasir", _by_cashier(f, across))
    _section(
        story,
        "Transaksi per jam",
        _bars(f.hourly, [f"{h:02d}" for h in range(24)], "Jumlah transaksi per jam"),
    )
    _section(
        story, "Pengecualian (belum final)", *_exceptions(exceptions, made_at, across is not None)
    )
    _build(out, story, f"Laporan harian {day}")


def monthly_pdf(
    out: str | Path,
    shop: Shop,
    m: MonthFigures,
    b: Books,
    days: dict[str, DepositMovement] | None,
    exceptions: list[ExceptionRow],
    made_at: str,
    across: Across | None = None,
) -> None:
    """The month's report; ``days`` None: no deposit per day (the hub: it is per account)."""
    story: list = []
    _header(story, shop, "Laporan Bulanan", m.month, made_at, across)
    story.append(_lines("Ringkasan", summary_lines(b)))
    if across is None:
        _host(story, b)
    else:
        _across(story, across)
    _section(story, "Volume harian", volume_chart(m))
    columns, rows = per_day(m, b, days)
    table = [[h for h, _ in columns]]
    table += [[_text(v, kind) for v, (_, kind) in zip(row, columns, strict=True)] for row in rows]
    widths = (
        [20, 17, 14, 16, 27, 28, 28, 30]
        if len(columns) == 8
        else [25, 20, 20, 20, 35, 35]
        if len(columns) == 6
        else [30, 25, 25, 25, 40]
    )
    _section(
        story, "Tingkat sukses dan uang ke host, per hari", _table(table, [w * mm for w in widths])
    )
    kinds = [["Jenis gangguan", "Transaksi"]]
    kinds += [[FAILURE_KINDS[k].label, str(v)] for k, v in m.failures.items()]
    _section(story, "Gangguan menurut jenis", _table(kinds, [70 * mm, 30 * mm]))
    median = m.median_resolution_h
    resolution = [
        ["Penyelesaian (batas 2x24 jam)", "Jumlah"],
        ["Selesai dalam 48 jam", str(m.resolved_within)],
        ["Selesai lewat 48 jam", str(m.resolved_late)],
        ["Belum selesai, masih dalam 48 jam", str(m.open_within)],
        ["Belum selesai, LEWAT 48 jam", str(m.open_late)],
        [
            "Median waktu penyelesaian",
            f"{median:.1f} jam".replace(".", ",") if median is not None else "-",
        ],
    ]
    _section(story, "Waktu penyelesaian", _table(resolution, [80 * mm, 30 * mm]))
    _section(story, "Per kasir", _by_cashier(m.totals, across))
    _section(
        story, "Pengecualian (belum final)", *_exceptions(exceptions, made_at, across is not None)
    )
    _build(out, story, f"Laporan bulanan {m.month}")
