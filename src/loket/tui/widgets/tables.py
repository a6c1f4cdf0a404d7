"""Small helpers for the DataTables the screens list things in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from textual.coordinate import Coordinate
from textual.widgets import DataTable

V = TypeVar("V")


def selected_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor, or None when the table is empty."""
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value


def selected_row(table: DataTable[Any], rows: Mapping[str, V]) -> V | None:
    """What ``rows`` holds for the row under the cursor, or None."""
    key = selected_key(table)
    return rows.get(key) if key is not None else None
