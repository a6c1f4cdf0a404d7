"""Payments per hour as a bar chart in block characters, sized to the space it is given."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

BLOCKS = " ▁▂▃▄▅▆▇█"


def hourly_chart(counts: list[int], rows: int = 4, bar: int = 2) -> Text:
    """From 06:00 (earlier if anything happened before), ``bar`` columns per hour, ``rows`` tall,
    the peak written at the top right, every third hour labelled."""
    first = min([6] + [h for h in range(24) if counts[h]])
    hours = list(range(first, 24))
    top = max(counts[h] for h in hours) or 1
    levels = [round(counts[h] / top * rows * 8) for h in hours]
    text = Text(no_wrap=True)
    for row in range(rows - 1, -1, -1):
        for level in levels:
            cell = max(0, min(8, level - row * 8))
            text.append(BLOCKS[cell] * bar, style="cyan")
        text.append(f" {top if row == rows - 1 else ''}\n", style="dim")
    text.append("".join(f"{h:02d}".ljust(bar) if h % 3 == 0 else " " * bar for h in hours),
                style="dim")
    return text


class HourlyChart(Static):
    DEFAULT_CSS = """
    HourlyChart { height: 1fr; min-height: 7; border: round $accent; padding: 0 1; }
    """

    counts: list[int] = [0] * 24

    def show(self, counts: list[int]) -> None:
        self.counts = counts
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_size
        hours = 24 - min([6] + [h for h in range(24) if self.counts[h]])
        bar = max(2, (width - 8) // hours)
        return hourly_chart(self.counts, rows=max(3, height - 1), bar=bar)
