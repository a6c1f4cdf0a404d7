"""The counter: number in, family bill out; F9 or Enter on a shown bill to pay."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from loket.domain.billing import FamilyBill
from loket.domain.months import Month
from loket.service.counter import InquiryResult
from loket.tui import texts
from loket.tui.widgets.bill_view import BillView, bill_renderable
from loket.tui.widgets.status_line import StatusLine


class NumberInput(Input):
    """The number field. ``+``/``-`` adjust months ahead while a bill is shown and untouched."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character in ("+", "-") and self.screen.bill_is_current():
            return False
        return super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        if event.character in ("+", "-") and self.screen.bill_is_current():
            event.stop()
            event.prevent_default()
            self.screen.action_months(1 if event.character == "+" else -1)
            return
        await super()._on_key(event)


class CounterScreen(Screen):
    BINDINGS = [
        Binding("f9", "pay", "Bayar"),
        Binding("plus", "months(1)", "Bln di muka", key_display="+"),
        Binding("minus", "months(-1)", "Kurangi", key_display="-"),
        Binding("f2,escape", "next_customer", "Berikutnya"),
    ]
    DEFAULT_CSS = """
    CounterScreen { padding: 0 1; }
    #number { margin-top: 1; border: round $accent; height: 3; }
    #message { width: 100%; height: auto; min-height: 1; padding: 0 1; }
    #message.error { color: $error; text-style: bold; }
    #message.busy { color: $warning; }
    #message.offline { background: $warning; color: $text; text-style: bold; }
    #bill { display: none; }
    #bill.shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.bill: FamilyBill | None = None
        self.bill_number = ""
        self.months_ahead = 0
        self._asked = 0  # inquiries asked; a late answer to an older one is dropped

    def compose(self) -> ComposeResult:
        yield StatusLine()
        number = NumberInput(
            placeholder=texts.NUMBER_PROMPT, id="number", restrict=r"[0-9 \-]*", max_length=24
        )
        number.border_title = "Nomor kartu / VA"
        yield number
        yield Label(texts.EMPTY_COUNTER, id="message")
        yield BillView(id="bill")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    # -- state ------------------------------------------------------------------------------
    def bill_is_current(self) -> bool:
        return self.bill is not None and self.query_one("#number", Input).value == self.bill_number

    def _message(self, text: str, kind: str = "") -> None:
        label = self.query_one("#message", Label)
        label.set_classes(kind)
        label.update(text)

    def _show_bill(self, bill: FamilyBill | None) -> None:
        self.bill = bill
        view = self.query_one("#bill", BillView)
        view.set_class(bill is not None, "shown")
        if bill is not None:
            counter = self.app.runtime.counter
            current = Month.of(self.app.runtime.clock.now())
            view.update(
                bill_renderable(bill, current, counter.admin_for(bill), counter.total_for(bill))
            )
            view.border_title = f"Tagihan keluarga — {bill.member_count} orang"
            view.border_subtitle = "Enter/F9 bayar · +/- bulan di muka"

    # -- inquiry ----------------------------------------------------------------------------
    @on(Input.Submitted, "#number")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.bill_is_current():
            self.action_pay()
            return
        self.months_ahead = 0
        self._inquire(event.value)

    def _inquire(self, number: str) -> None:
        self._message(texts.SEARCHING, "busy")
        self._asked += 1
        self.run_inquiry(self._asked, number, self.months_ahead)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inquiry")
    def run_inquiry(self, asked: int, number: str, months_ahead: int) -> None:
        result = self.app.runtime.counter.inquire(number, months_ahead)
        self.app.call_from_thread(self._inquired, asked, number, result)

    def _inquired(self, asked: int, number: str, result: InquiryResult) -> None:
        if asked != self._asked:
            return
        if result.host_down:
            self.app.refresh_health()
        if result.bill is None or result.offline_refusal:
            self._show_bill(None)
            reason = f" {result.offline_refusal}." if result.offline_refusal else ""
            self._message(result.error + ("." if reason else "") + reason, "error")
            return
        self.bill_number = number
        self.months_ahead = result.bill.months_ahead
        self._show_bill(result.bill)
        if result.offline:
            self._message(texts.OFFLINE_BILL.format(when=result.bill.inquired_at[:10]), "offline")
        else:
            self._message("")

    # -- actions ----------------------------------------------------------------------------
    def action_months(self, step: int) -> None:
        if not self.bill_is_current():
            return
        limit = self.app.runtime.counter.settings.max_months_ahead
        wanted = max(0, min(limit, self.months_ahead + step))
        if wanted == self.months_ahead:
            self._message(f"Bayar di muka paling banyak {limit} bulan" if step > 0 else "")
            return
        self.months_ahead = wanted
        self._inquire(self.bill_number)

    def action_pay(self) -> None:
        if not self.bill_is_current():
            self._message("Cek tagihan dulu: ketik nomor lalu Enter", "error")
            return
        self.app.open_payment(self.bill)

    def action_next_customer(self) -> None:
        self.bill, self.bill_number, self.months_ahead = None, "", 0
        number = self.query_one("#number", Input)
        number.value = ""
        number.focus()
        self._show_bill(None)
        self._message(texts.EMPTY_COUNTER)
