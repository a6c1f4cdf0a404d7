"""The status line on every screen: mode, host, queue (or that it is stuck), deposit, printer,
cashier."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.widgets import Static

from loket.clock import parse_iso
from loket.domain.money import format_rupiah
from loket.service.queue_health import waited
from loket.service.runtime import Health

if TYPE_CHECKING:
    from loket.tui.app import LoketApp


def _short(amount: int) -> str:
    """Compact rupiah for a crowded line: Rp 1,2 M / Rp 1,2 jt / Rp 950 rb."""
    if amount >= 999_950_000:  # what would round up to "1000,0 jt"
        return f"Rp {amount / 1_000_000_000:.1f} M".replace(".", ",")
    if amount >= 999_950:
        return f"Rp {amount / 1_000_000:.1f} jt".replace(".", ",")
    if amount >= 1_000:
        return f"Rp {amount // 1000} rb"
    return format_rupiah(amount)


def age(delta: timedelta) -> str:
    """``45m``, ``3j``, ``2h``: how long something has waited."""
    return waited(delta, short=True)


def describe(
    health: Health | None,
    training: bool,
    cashier: str,
    now: datetime | None = None,
    compact: bool = False,
) -> Text:
    """The line; ``compact`` words it shorter for a narrow terminal, dropping nothing."""
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
        stuck = health.queue
        if stuck.stuck:  # nothing gets through: said before anything else (queue_health.py)
            waited = f" {age(stuck.age(now))}" if now is not None else ""
            why = f" {stuck.reason.short}" if stuck.reason else ""
            line.append(f" │ MACET {stuck.waiting}{waited}{why}", style="bold white on red")
        elif health.queued:
            waited = ""
            if health.oldest_queued and now is not None:
                waited = " " + age(now - parse_iso(health.oldest_queued))
            line.append(
                f" │ Antre {health.queued} {_short(health.queued_amount)}{waited}",
                style="bold black on yellow",
            )
        # a stuck queue counts those sent without an answer already: each payment is said once
        unsettled = health.unsettled - (stuck.unanswered if stuck.stuck else 0)
        if unsettled:
            line.append(f" │ Diproses {unsettled}", style="yellow")
        if health.refunds_due:
            line.append(f" │ Refund {health.refunds_due}", style="bold white on red")
        if health.hub_waiting:  # the owner's hub is behind: a growing queue, nothing lost
            line.append(f" │ Hub {health.hub_waiting}", style="yellow")
        if health.balance is not None:
            balance = _short(health.balance)
            line.append(f" │ Dep {balance[3:]}" if compact else f" │ Deposit {balance}")
        printer = "siap" if health.printer_ok else "MATI"
        line.append(
            f" │ {'Prn' if compact else 'Printer'} {printer}",
            style="" if health.printer_ok else "bold red",
        )
    if cashier:
        line.append(f" │ {cashier}", style="bold")
    return line


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { dock: top; height: 1; background: $panel; padding: 0 1; }
    """

    def render(self) -> Text:
        app = cast("LoketApp", self.app)
        runtime = app.runtime
        now = runtime.clock.now()
        line = describe(app.health, runtime.training, app.cashier_id, now)
        if line.cell_len > self.content_size.width:
            line = describe(app.health, runtime.training, app.cashier_id, now, compact=True)
        return line
