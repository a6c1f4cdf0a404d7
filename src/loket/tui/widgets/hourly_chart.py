"""Payments per hour as a small bar chart in block characters."""

from __future__ import annotations

from rich.text import Text

BLOCKS = " ▁▂▃▄▅▆▇█"


def hourly_chart(counts: list[int], rows: int = 4, first_hour: int = 6) -> Text:
    """Hours ``first_hour``..23, two columns each, ``rows`` lines tall, with an hour scale."""
    hours = list(range(first_hour, 24))
    values = [counts[h] for h in hours]
    top = max(values) or 1
    levels = [round(v / top * rows * 8) for v in values]
    text = Text(no_wrap=True)
    for row in range(rows - 1, -1, -1):
        for level in levels:
            cell = max(0, min(8, level - row * 8))
            text.append(BLOCKS[cell] * 2, style="cyan")
        text.append(f" {top if row == rows - 1 else ''}\n", style="dim")
    text.append("".join(f"{h:02d}" if h % 3 == 0 else "  " for h in hours), style="dim")
    return text
