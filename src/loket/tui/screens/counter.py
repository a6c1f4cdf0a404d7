"""The counter: number in, family bill out; F9 or Enter on a shown bill to pay."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Input, Label
from textual.worker import Worker, WorkerState

from loket.domain import times
from loket.domain.billing import FamilyBill
from loket.domain.money import format_rupiah
from loket.domain.months import Month
from loket.service.counter import PaymentRefused
from loket.service.inquiry import InquiryResult
from loket.tui import texts
from loket.tui.screens.base import FormKeys, LoketScreen
from loket.tui.screens.payment import PaymentScreen
from loket.tui.widgets.bill_view import BillView, bill_renderable
from loket.tui.widgets.number_input import NumberInput
from loket.tui.widgets.status_line import StatusLine


def offline_message(bill: FamilyBill) -> str:
    """Priced here while the host is down: from the family's members and the tariffs, or — for a
    count-only family — from the last price seen for one month."""
    when = times.day(bill.inquired_at)
    if bill.count_only and bill.month_count:
        return texts.OFFLINE_COUNT_BILL.format(
            when=when, price=format_rupiah(bill.premium // bill.month_count)
        )
    return texts.OFFLINE_BILL.format(when=when)


def paid_message(paid_through: Month, next_ahead: int | None) -> str:
    """How far the family is paid, and what ``+`` pays next where it may."""
    text = texts.PAID_THROUGH.format(month=paid_through.short_name)
    if next_ahead is not None:
        text += " " + texts.ALREADY_PAID_HINT.format(month=(paid_through + 1).short_name)
    return text


class CounterScreen(FormKeys, LoketScreen):
    # Enter and the keys that open a screen act when they arrive (priority), in the order typed:
    # a key typed after them never lands in the number underneath the screen they open.
    BINDINGS = [
        Binding("enter", "enter", show=False, priority=True),
        Binding("f9", "pay", "Bayar", priority=True),
        # priority: decided when the key arrives, before the field would type it
        Binding("plus", "months(1)", "Di muka", key_display="+", priority=True),
        Binding("minus", "months(-1)", "Kurangi", key_display="-", priority=True, show=False),
        Binding("f2,escape", "next_customer", "Baru", priority=True),
        Binding("f4", "app.history", "Riwayat", priority=True),
        Binding("f6", "app.queue", "Antrean", priority=True),
        Binding("f8", "app.shift", "Shift", priority=True),
        Binding("f1", "app.help", "Bantuan", priority=True),
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
    CounterScreen.-narrow #number { margin-top: 0; }
    """

    class Inquired(Message):
        def __init__(self, asked: int, number: str, result: InquiryResult) -> None:
            super().__init__()
            self.asked, self.number, self.result = asked, number, result

    class ShiftChecked(Message):
        """Whether a payment may be taken now; ``reason`` says why not."""

        def __init__(self, bill: FamilyBill, reason: str) -> None:
            super().__init__()
            self.bill, self.reason = bill, reason

    def __init__(self) -> None:
        super().__init__()
        self.bill: FamilyBill | None = None
        self.bill_number = ""
        self.paid_number = ""  # the family has paid what was asked: ``+`` asks for the next month
        self.next_ahead: int | None = None  # … and these months ahead reach the next one
        self.months_ahead = 0
        self._asked = 0  # inquiries asked; a late answer to an older one is dropped
        self._asking = ""  # the number being looked up now
        self._shown = (False, False)

    def compose(self) -> ComposeResult:
        yield StatusLine()
        number = NumberInput(
            self.months_keys,
            placeholder=texts.NUMBER_PROMPT,
            id="number",
            restrict=r"[0-9 \-]*",
            max_length=24,
        )
        number.border_title = "Nomor kartu / VA"
        yield number
        yield Label(texts.EMPTY_COUNTER, id="message")
        yield BillView(id="bill")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()

    # -- state ------------------------------------------------------------------------------
    @property
    def typed(self) -> str:
        return self.query_one("#number", Input).value

    def bill_is_current(self) -> bool:
        return self.bill is not None and self.is_mounted and self.typed == self.bill_number

    def months_keys(self) -> bool:
        if not self.is_mounted or not self.runtime.counter.pays_ahead:
            return False
        return self.bill_is_current() or (bool(self.paid_number) and self.typed == self.paid_number)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = super().check_action(action, parameters)
        if allowed and action == "months":
            return self.months_keys()
        if allowed and action == "pay":
            return self.bill_is_current()  # F9 is offered only with a bill to pay
        return allowed

    def _message(self, text: str, kind: str = "") -> None:
        label = self.query_one("#message", Label)
        label.set_classes(kind)
        label.update(text)

    def _show_bill(self, bill: FamilyBill | None) -> None:
        self.bill = bill
        view = self.query_one("#bill", BillView)
        view.set_class(bill is not None, "shown")
        if bill is not None:
            counter = self.runtime.counter
            current = Month.of(self.runtime.clock.now())
            view.update(
                bill_renderable(bill, current, counter.admin_for(bill), counter.total_for(bill))
            )
            view.border_title = f"Tagihan keluarga — {bill.member_count} orang"
            view.border_subtitle = texts.BILL_KEYS if counter.pays_ahead else texts.BILL_KEYS_DUE
        self._keys_shown()

    # -- inquiry ----------------------------------------------------------------------------
    def submit(self) -> None:
        """Enter, once the digits typed before it are in the field: pay the bill shown, or look
        up the number typed."""
        if self.bill_is_current():
            self.action_pay()
            return
        if self.typed == self._asking:
            return  # a scanner's second Enter: that number is being looked up already
        self.months_ahead = 0
        self._inquire(self.typed)

    def _inquire(self, number: str) -> None:
        self._message(texts.SEARCHING, "busy")
        self._asked += 1
        self._asking = number
        self.run_inquiry(self._asked, number, self.months_ahead)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inquiry")
    def run_inquiry(self, asked: int, number: str, months_ahead: int) -> None:
        self.post_message(
            self.Inquired(asked, number, self.runtime.counter.inquire(number, months_ahead))
        )

    def on_counter_screen_inquired(self, message: Inquired) -> None:
        if message.asked != self._asked:
            return
        self._asking = ""
        number, result = message.number, message.result
        if result.host_down:
            self.loket.check_health()
        self.paid_number = number if result.already_paid else ""
        self.next_ahead = result.next_ahead
        self._keys_shown()
        self._next_starts_over(number)
        if result.paid_through is not None:  # with why, when the months were sold here
            self._show_bill(None)
            paid = paid_message(result.paid_through, result.next_ahead)
            self._message(f"{result.refusal}. {paid}" if result.refusal else paid, "error")
            return
        if result.bill is None or result.refusal:
            self._show_bill(None)
            reason = f". {result.refusal}." if result.refusal else ""
            self._message(result.error + reason, "error")
            return
        self.bill_number = number
        self.months_ahead = result.bill.months_ahead
        self._show_bill(result.bill)
        if result.offline:
            self._message(offline_message(result.bill), "offline")
        else:
            self._message("")

    def _next_starts_over(self, number: str) -> None:
        """The number answered stays selected: the next card scanned (or typed) replaces it,
        while an arrow key leaves it to be corrected."""
        field = self.query_one("#number", Input)
        if field.value == number:
            field.select_all()

    def start_number(self, typed: str) -> None:
        """The next customer's number begins with what was typed on the screen before."""
        self.clear()
        field = self.query_one("#number", Input)
        field.insert_text_at_cursor(typed)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "inquiry":
            self._asking = ""
            self._message("")

    @on(Input.Changed, "#number")
    def _typing(self) -> None:
        self._keys_shown()

    def _keys_shown(self) -> None:
        """The footer shows F9 with a bill to pay and "+" while it means "months ahead" (redrawn
        only when that changes, not on every digit)."""
        shown = (self.bill_is_current(), self.months_keys())
        if shown != self._shown:
            self._shown = shown
            self.refresh_bindings()

    # -- actions ----------------------------------------------------------------------------
    def action_months(self, step: int) -> None:
        # Nothing left to pay: the month after the last one paid is the first to pay.
        paid = not self.bill_is_current() and bool(self.paid_number)
        if paid and step < 0:
            return
        limit = self.runtime.counter.settings.max_months_ahead
        if paid:
            wanted = self.next_ahead or self.months_ahead
        else:
            wanted = max(0, min(limit, self.months_ahead + step))
        if wanted == self.months_ahead:
            self._message(texts.AHEAD_LIMIT.format(limit=limit) if step > 0 else "")
            return
        self.months_ahead = wanted
        self._inquire(self.paid_number if paid else self.bill_number)

    def action_pay(self) -> None:
        if not self.bill_is_current():
            self._message(texts.INQUIRE_FIRST, "error")
            return
        self.busy = True  # until the shift is checked: a second Enter or F9 does nothing
        self._message(texts.CHECKING_SHIFT, "busy")
        self.check_shift(self.bill)

    @work(thread=True, exclusive=True, exit_on_error=False, group="ready")
    def check_shift(self, bill: FamilyBill) -> None:
        try:
            self.runtime.counter.ready_to_take(self.loket.cashier_id)
        except PaymentRefused as exc:
            self.post_message(self.ShiftChecked(bill, str(exc)))
            return
        self.post_message(self.ShiftChecked(bill, ""))

    def on_counter_screen_shift_checked(self, checked: ShiftChecked) -> None:
        self.busy = False
        if checked.reason:
            self._message(texts.NOT_READY.format(reason=checked.reason), "error")
            return
        self._message("")
        if self.is_active and checked.bill is self.bill and self.bill_is_current():
            self.app.push_screen(
                PaymentScreen(checked.bill, self.runtime.counter.total_for(checked.bill))
            )

    def action_next_customer(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.bill, self.bill_number, self.paid_number, self.months_ahead = None, "", "", 0
        self.next_ahead = None
        self._asked += 1  # an answer still on its way is for the previous customer
        self._asking = ""
        number = self.query_one("#number", Input)
        number.value = ""
        number.focus()
        self._show_bill(None)
        self._message(texts.EMPTY_COUNTER)
