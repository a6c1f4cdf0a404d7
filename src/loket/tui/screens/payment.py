"""Taking the cash: amount received, quick keys, change shown live; answers the cash or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from loket.domain.billing import FamilyBill
from loket.domain.money import AmountError, format_rupiah, parse_rupiah, round_up_to


def quick_amounts(total: int) -> list[int]:
    """Exact, then the next Rp10.000, Rp50.000 and Rp100.000 at or above the total."""
    return [total] + [round_up_to(total, step) for step in (10_000, 50_000, 100_000)]


class PaymentScreen(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Batal"),
        Binding("f5", "quick(0)", "Uang pas"),
        Binding("f6", "quick(1)", "Rp10rb"),
        Binding("f7", "quick(2)", "Rp50rb"),
        Binding("f8", "quick(3)", "Rp100rb"),
    ]
    DEFAULT_CSS = """
    PaymentScreen { align: center middle; }
    #pay-box { width: 62; height: auto; border: thick $accent; padding: 1 2; background: $surface; }
    #pay-grid { grid-size: 2; grid-columns: 1fr 1fr; height: auto; grid-rows: 1; grid-gutter: 0 1; }
    #cash { border: round $accent; height: 3; margin: 1 0 0 0; }
    .amount { text-align: right; text-style: bold; }
    #change.short { color: $error; }
    #change.ok { color: $success; }
    #quick { color: $text-muted; margin-top: 1; }
    #pay-error { color: $error; height: auto; }
    """

    def __init__(self, bill: FamilyBill, total: int) -> None:
        super().__init__()
        self.bill = bill
        self.total = total

    def compose(self) -> ComposeResult:
        with Vertical(id="pay-box") as box:
            offline = " OFFLINE" if self.bill.priced_offline else ""
            box.border_title = f"Pembayaran{offline} — {self.bill.head_name}"
            box.border_subtitle = "Enter konfirmasi · Esc batal"
            with Grid(id="pay-grid"):
                yield Label(f"{self.bill.member_count} orang × {len(self.bill.periods)} bulan")
                yield Label("")
                yield Label("TOTAL BAYAR")
                yield Label(format_rupiah(self.total), classes="amount")
                yield Label("Kembali")
                yield Label("-", id="change", classes="amount")
            cash = Input(
                placeholder="Uang diterima, contoh 110000",
                id="cash",
                restrict=r"[0-9.]*",
                max_length=13,
            )
            cash.border_title = "Uang diterima"
            yield cash
            yield Static(self._quick_keys(), id="quick")
            yield Label("", id="pay-error")

    def on_mount(self) -> None:
        self.query_one("#cash", Input).focus()

    def _quick_keys(self) -> str:
        """One entry per distinct amount: ``F5 uang pas Rp 752.500 · F6 Rp 760.000 · F7/F8 …``."""
        keys: dict[int, list[str]] = {}
        for key, amount in zip(("F5", "F6", "F7", "F8"), quick_amounts(self.total), strict=True):
            keys.setdefault(amount, []).append(key)
        parts = [
            f"{'/'.join(k)} {'uang pas ' if a == self.total else ''}{format_rupiah(a)}"
            for a, k in keys.items()
        ]
        return "  ".join(parts)

    def _cash(self) -> int | None:
        text = self.query_one("#cash", Input).value
        try:
            return parse_rupiah(text) if text else None
        except AmountError:
            return None

    @on(Input.Changed, "#cash")
    def _changed(self) -> None:
        cash = self._cash()
        change = self.query_one("#change", Label)
        self.query_one("#pay-error", Label).update("")
        if cash is None:
            change.update("-")
            change.set_classes("amount")
        elif cash < self.total:
            change.update(f"kurang {format_rupiah(self.total - cash)}")
            change.set_classes("amount short")
        else:
            change.update(format_rupiah(cash - self.total))
            change.set_classes("amount ok")

    @on(Input.Submitted, "#cash")
    def _confirm(self) -> None:
        cash = self._cash()
        if cash is None:
            self.query_one("#pay-error", Label).update("Ketik jumlah uang yang diterima")
        elif cash < self.total:
            self.query_one("#pay-error", Label).update(
                f"Uang kurang {format_rupiah(self.total - cash)} — pembayaran belum dicatat"
            )
        else:
            self.dismiss(cash)

    def action_quick(self, index: int) -> None:
        self.query_one("#cash", Input).value = str(quick_amounts(self.total)[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
