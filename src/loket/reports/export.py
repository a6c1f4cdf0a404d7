"""Every payment of a report's period, for a spreadsheet: the columns (Indonesian headers), the
rows as typed values, and the CSV. The XLSX (``reports/xlsx.py``) writes the same columns.

The CSV is for a spreadsheet set to the Indonesian locale: ``;`` between fields (the locale's
decimal comma makes ``,`` the decimal separator), a UTF-8 byte-order mark so accented names
survive, amounts as plain integers, times as ``2026-11-21 10:00:05`` (WIB), coverage months as
``2026-11 2026-12`` (empty for a count-only host's payment, whose ``Peserta`` and ``Bulan`` still
count it). Numbers that are really identifiers (a card's leading zeros, a 16-digit VA
a spreadsheet would round) are written ``="0001000000011"`` so they stay as typed; text from
outside (names, the host's messages) never starts a formula.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import parse_iso
from loket.domain.states import PaymentState, label
from loket.store.files import replacing


@dataclass(frozen=True)
class Column:
    header: str
    source: str  # the payment table's column
    kind: str  # text | id | money | host_cost | number | time | periods | state | yesno
    width: int  # in a spreadsheet, characters


COLUMNS = (
    Column("Ref loket", "ref_id", "text", 32),
    Column("Waktu", "created_at", "time", 19),
    Column("Kasir", "cashier_id", "text", 12),
    Column("Shift", "shift_id", "number", 7),
    Column("No. pelanggan", "customer_no", "id", 18),
    Column("No. VA", "va_no", "id", 18),
    Column("Nama", "head_name", "text", 26),
    Column("Periode", "periods", "periods", 18),
    Column("Peserta", "member_count", "number", 8),  # counts: all a count-only host gives
    Column("Bulan", "month_count", "number", 7),
    Column("Status", "state", "state", 22),
    Column("Iuran", "premium", "money", 14),
    Column("Biaya admin", "admin_fee", "money", 13),
    Column("Total", "total", "money", 14),
    Column("Tunai", "cash", "money", 14),
    Column("Kembalian", "change", "money", 13),
    Column("Biaya host", "agent_price", "host_cost", 14),  # what the host charged: LUNAS only
    Column("No. ref host", "host_sn", "id", 20),
    Column("Kode host", "host_rc", "id", 10),
    Column("Pesan host", "host_message", "text", 40),
    Column("Waktu lunas", "paid_at", "time", 19),
    Column("Offline", "offline", "yesno", 8),
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wib(text: str) -> datetime | None:
    """A stored ISO time as the wall-clock time in WIB (what a spreadsheet shows), or None."""
    return parse_iso(text).replace(tzinfo=None) if text else None


def _value(column: Column, raw, state: str):
    if column.kind == "host_cost":  # a price the host only quoted, for a payment it did not
        return raw if state == PaymentState.SUCCESS else None  # confirm, cost nothing
    if column.kind == "time":
        return wib(raw or "")
    if column.kind == "periods":
        return " ".join(json.loads(raw or "[]"))
    if column.kind == "state":
        return label(raw)
    if column.kind == "yesno":
        return "ya" if raw else "tidak"
    if column.kind in ("money", "number"):
        return raw
    return raw or ""


# across outlets (the owner's hub): the same columns after the outlet's
OUTLET_COLUMNS = (Column("Outlet", "terminal", "text", 12), *COLUMNS)


def typed(columns: tuple[Column, ...], raw: Iterable[Sequence]) -> Iterator[tuple]:
    """Raw rows (``columns``' sources, then the payment's state) as typed values."""
    for *row, state in raw:
        yield tuple(_value(c, value, state) for c, value in zip(columns, row, strict=True))


def rows(engine: Engine, start: str, end: str) -> Iterator[tuple]:
    """The period's payments, oldest first, as typed values (int, datetime, str)."""
    sources = ", ".join(c.source for c in COLUMNS)
    with engine.connect() as conn:
        yield from typed(
            COLUMNS,
            conn.exec_driver_sql(
                f"SELECT {sources}, state FROM payment WHERE created_at >= ? AND created_at < ? "
                "ORDER BY created_at, id",
                (start, end),
            ),
        )


def as_text(value: str) -> str:
    """Text a spreadsheet must not read as a formula: a leading ``'`` (OWASP's advice)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_cell(column: Column, value) -> str | int:
    if value is None:
        return ""
    if column.kind == "time":
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if column.kind == "id":
        return '="' + value.replace('"', '""') + '"' if value else ""
    if isinstance(value, str):
        return as_text(value)
    return value


@contextlib.contextmanager
def csv_file(out: str | Path) -> Iterator:
    """A CSV writer for an Indonesian spreadsheet (``;``, UTF-8 with BOM) into ``out``, which
    appears whole when the block ends, the user's only (``store/files.replacing``)."""
    with replacing(Path(out), encoding="utf-8-sig", newline="") as f:
        yield csv.writer(f, delimiter=";")


def write_csv(engine: Engine, start: str, end: str, out: str | Path) -> int:
    return write_rows_csv(COLUMNS, rows(engine, start, end), out)


def write_rows_csv(
    columns: tuple[Column, ...], typed_rows: Iterable[tuple], out: str | Path
) -> int:
    """Typed rows (``typed``) under ``columns``' headers; how many rows."""
    count = 0
    with csv_file(out) as writer:
        writer.writerow([c.header for c in columns])
        for row in typed_rows:
            writer.writerow([_csv_cell(c, v) for c, v in zip(columns, row, strict=True)])
            count += 1
    return count
