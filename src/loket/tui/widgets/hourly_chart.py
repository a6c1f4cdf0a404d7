"""Payments per hour as a bar chart in block characters, sized to the space it is given."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

BLOCKS = " ▁▂▃▄▅▆▇█"


def first_hour(counts: list[int]) -> int:
    """From 06:00, earlier if anything happened before."""
    return min([6] + [h for h in range(24) if counts[h]])


def hourly_chart(counts: list[int], rows: int = 4, width: int = 60) -> Text:
    """``rows`` of bars over an axis of hours, in ``width`` columns: the scale (the busiest
    hour's count) on the left beside the top of the bars, every third hour labelled below."""
    hours = list(range(first_hour(counts), 24))
    top = max(counts[h] for h in hours)
    gutter = len(str(top))
    bar = max(1, (width - gutter - 1) // len(hours))
    levels = [round(counts[h] / (top or 1) * rows * 8) for h in hours]
    text = Text(no_wrap=True, overflow="crop")
    for row in range(rows - 1, -1, -1):
        axis = f"{top:>{gutter}}┤" if row == rows - 1 else " " * gutter + "│"
        text.append(axis, style="dim")
        for level in levels:
            cell = max(0, min(8, level - row * 8))
            text.append(BLOCKS[cell] * bar, style="cyan")
        text.append("\n")
    labels = "".join(f"{h:02d}".ljust(3 * bar) for h in hours if h % 3 == 0)
    shift = (hours[0] % 3 and 3 - hours[0] % 3) * bar  # the first labelled hour's column
    text.append(" " * (gutter + 1 + shift) + labels.rstrip(), style="dim")
    return text


class HourlyChart(Static):
    DEFAULT_CSS = """
    HourlyChart { height: 1fr; min-height: 6; border: round $accent; padding: 0 1; }
    """

    counts: list[int] = [0] * 24

    def show(self, counts: list[int]) -> None:
        self.counts = counts
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_size
        return hourly_chart(self.counts, rows=max(2, height - 1), width=width)
