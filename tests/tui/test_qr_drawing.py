"""The QR drawn in half blocks is the QR: every module where the encoder put it, at every scale."""

import pytest

from loket.tui.widgets.qr import qr_matrix, qr_size, qr_text

HALVES = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def read_back(text: str, scale: int) -> list[list[bool]]:
    """The modules, from the characters: each cell is two half-rows, each module scale wide."""
    rows: list[list[bool]] = []
    for line in text.split("\n"):
        halves = [HALVES[c] for c in line]
        rows.append([top for top, _ in halves])
        rows.append([bottom for _, bottom in halves])
    return [row[::scale] for row in rows[::scale]]


@pytest.mark.parametrize("scale", [1, 2, 3])
@pytest.mark.parametrize("border", [1, 2])
def test_half_blocks_round_trip_to_the_encoders_modules(scale, border):
    payload = "PAY-01M80QXWAW8JAF26T6ZN8YAHQJ|A364996E8FA12A20"
    drawn = qr_text(payload, border, scale)
    modules = [list(row) for row in qr_matrix(payload, border)]
    assert read_back(drawn.plain, scale)[: len(modules)] == modules
    lines = drawn.plain.split("\n")
    assert (max(len(line) for line in lines), len(lines)) == qr_size(payload, border, scale)
