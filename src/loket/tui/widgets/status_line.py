"""The status line on every screen: mode, host, queue, deposit, printer, cashier."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from loket.domain.money import format_rupiah
from loket.service.runtime import Health


def _short(amount: int) -> str:
    """Compact rupiah for a crowded line: Rp 1,2 jt / Rp 950 rb."""
    if amount >= 1_000_000:
        return f"Rp {amount / 1_000_000:.1f} jt".replace(".", ",")
    if amount >= 1_000:
        return f"Rp {amount // 1000} rb"
    return format_rupiah(amount)


def describe(health: Health | None, training: bool, cashier: str) -> Text:
    line = Text()
    if training:
        line.append(" LATIHAN ", style="bold black on yellow")
        line.append(" ")
    if health is None:
        line.append("memeriksa host…", style="dim")
    else:
        if health.online:
            line.append("● ONLINE", style="bold green")
        else:
            line.append("● OFFLINE", style="bold white on red")
        if health.queued:
            line.append(
                f" │ Antre {health.queued} {_short(health.queued_amount)}",
                style="bold black on yellow",
            )
        if health.unsettled:
            line.append(f" │ Diproses {health.unsettled}", style="yellow")
        if health.refunds_due:
            line.append(f" │ Refund {health.refunds_due}", style="bold white on red")
        if health.balance is not None:
            line.append(f" │ Deposit {format_rupiah(health.balance)}")
        printer = "siap" if health.printer_ok else "MATI"
        line.append(f" │ Printer {printer}", style="" if health.printer_ok else "bold red")
    if cashier:
        line.append(f" │ {cashier}", style="bold")
    return line


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { dock: top; height: 1; background: $panel; padding: 0 1; }
    """

    health: reactive[Health | None] = reactive(None, always_update=True)

    def render(self) -> Text:
        app = self.app
        runtime = getattr(app, "runtime", None)
        training = bool(runtime and runtime.training)
        cashier = getattr(app, "cashier_id", "") or ""
        return describe(getattr(app, "health", None), training, cashier)
