"""A report as an Excel workbook (openpyxl, write-only: a month of payments streams through).

Two sheets: "Ringkasan" (the summary and the deposit or settlement, as in the PDF) and
"Transaksi" (every payment, the CSV's columns). Amounts are real numbers shown as rupiah
(``"Rp" #,##0``: a spreadsheet in the Indonesian locale prints Rp 150.000), times are real dates,
identifiers and text are text: nothing from outside becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine

from loket.reports.books import Line
from loket.reports.export import COLUMNS, Column, rows
from loket.store.files import replacing

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

RUPIAH = '"Rp" #,##0;-"Rp" #,##0'
SIGNED = '+"Rp" #,##0;-"Rp" #,##0;"Rp" 0'
TIME = "dd/mm/yyyy hh:mm:ss"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="E8EEF4")


@dataclass(frozen=True)
class Table:
    heading: str
    columns: list[tuple[str, str]]  # header, kind: text | count | money | signed
    rows: list[list]


@dataclass
class Sheet:
    """What the summary sheet says: a title, sections of lines, tables."""

    title: str
    subtitle: str
    sections: list[tuple[str, list[Line]]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


FORMATS = {"money": RUPIAH, "signed": SIGNED, "count": "0"}


def _cell(
    ws: WriteOnlyWorksheet,
    value,
    number_format: str = "",
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> Cell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _line(ws: WriteOnlyWorksheet, line: Line) -> list:
    fmt = FORMATS[line.kind] if line.value is not None else ""
    value = _cell(ws, line.value, fmt, BOLD if line.strong else None)
    return [_cell(ws, line.label, font=BOLD if line.strong else None), value, _cell(ws, line.note)]


def _summary(ws: WriteOnlyWorksheet, sheet: Sheet) -> None:
    for letter, width in zip("ABCDE", (40, 20, 34, 16, 16), strict=True):
        # set by Worksheet._setup on a write-only sheet too; types-openpyxl does not declare it
        ws.column_dimensions[letter].width = width  # type: ignore[attr-defined]
    ws.append([_cell(ws, sheet.title, font=TITLE)])
    ws.append([_cell(ws, sheet.subtitle)])
    for heading, lines in sheet.sections:
        ws.append([])
        ws.append(
            [
                _cell(ws, heading, font=BOLD, fill=HEAD_FILL),
                _cell(ws, "Jumlah", font=BOLD, fill=HEAD_FILL),
                _cell(ws, "Keterangan", font=BOLD, fill=HEAD_FILL),
            ]
        )
        for line in lines:
            ws.append(_line(ws, line))
    for table in sheet.tables:
        ws.append([])
        ws.append([_cell(ws, table.heading, font=BOLD)])
        ws.append([_cell(ws, h, font=BOLD, fill=HEAD_FILL) for h, _kind in table.columns])
        for row in table.rows:
            ws.append(
                [
                    _cell(ws, v, FORMATS.get(kind, "") if v is not None else "")
                    for v, (_h, kind) in zip(row, table.columns, strict=True)
                ]
            )


def _payments(
    ws: WriteOnlyWorksheet, payments: Iterable[tuple], columns: tuple[Column, ...] = COLUMNS
) -> int:
    for i, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = column.width  # type: ignore[attr-defined]
    ws.freeze_panes = "A2"
    ws.append([_cell(ws, c.header, font=BOLD, fill=HEAD_FILL) for c in columns])
    formats = [
        {"money": RUPIAH, "host_cost": RUPIAH, "time": TIME}.get(c.kind, "") for c in columns
    ]
    count = 0
    for row in payments:  # a plain value where no style is needed: faster
        ws.append(
            [
                _cell(ws, v, f)
                if (f and v is not None) or (isinstance(v, str) and v.startswith("="))
                else v
                for v, f in zip(row, formats, strict=True)
            ]
        )
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"  # type: ignore[attr-defined]
    return count


def write_xlsx(
    engine: Engine | None,
    start: str,
    end: str,
    out: str | Path,
    sheet: Sheet,
    payments: Iterable[tuple] | None = None,
    columns: tuple[Column, ...] = COLUMNS,
) -> int:
    """The workbook; returns how many payments it lists. ``payments``: typed rows under
    ``columns`` (the owner's hub: with an outlet column) instead of the counter's own."""
    wb = Workbook(write_only=True)
    _summary(wb.create_sheet("Ringkasan"), sheet)
    if payments is None:
        assert engine is not None
        payments = rows(engine, start, end)
    count = _payments(wb.create_sheet("Transaksi"), payments, columns)
    zipped = io.BytesIO()  # openpyxl's zip, if it failed half-way on a full disk, would later
    wb.save(zipped)  # try to finish a file already closed, and print a traceback while at it
    with replacing(Path(out)) as f:  # whole, the user's only, never through a planted link
        f.write(zipped.getbuffer())
    return count
