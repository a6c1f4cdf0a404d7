"""Taking the cash and sending the payment.

The dialog stays on top until the payment is decided: it records, sends, waits for the host and
prints in one worker, says each step, and is replaced by the result. Nothing the cashier presses
meanwhile reaches the counter underneath, and a payment is taken at most once per dialog.
"""

from __future__ import annotations

import logging
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static

from loket.domain.billing import FamilyBill
from loket.domain.money import AmountError, format_rupiah, parse_rupiah, round_up_to
from loket.domain.payment import Payment
from loket.domain.states import PaymentState, headline
from loket.service.counter import PaymentRefused
from loket.service.slips import PrintResult
from loket.tui import texts
from loket.tui.screens.base import Dialog, FormKeys
from loket.tui.screens.result import ResultScreen

log = logging.getLogger("loket.tui")
S = PaymentState
QUICK = Binding.Group("Pecahan")


def quick_amounts(total: int) -> list[int]:
    """Exact, then the next Rp10.000, Rp50.000 and Rp100.000 at or above the total."""
    return [total] + [round_up_to(total, step) for step in (10_000, 50_000, 100_000)]


def quick_keys(total: int) -> Table:
    """One entry per distinct amount, two to a row: ``F5 uang pas Rp 752.500 │ F6 Rp 760.000``."""
    keys: dict[int, list[str]] = {}
    for key, amount in zip(("F5", "F6", "F7", "F8"), quick_amounts(total), strict=True):
        keys.setdefault(amount, []).append(key)
    entries = [
        Text.assemble(
            (f"{'/'.join(k)} ", "bold"),
            (texts.QUICK_EXACT if a == total else "", "dim"),
            format_rupiah(a),
        )
        for a, k in keys.items()
    ]
    grid = Table.grid(padding=(0, 3))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    for i in range(0, len(entries), 2):
        grid.add_row(*entries[i : i + 2])
    return grid


class PaymentScreen(FormKeys, Dialog[None]):
    # All priority: each acts when its key arrives, in the order typed (F5 then Enter pays the
    # exact amount, however fast); Enter reads the field once the digits before it are in.
    BINDINGS = [
        Binding("enter", "enter", "Konfirmasi", priority=True),
        Binding("escape", "cancel", "Batal", priority=True),
        Binding("f5", "quick(0)", "Uang pas", priority=True),
        Binding("f6", "quick(1)", "10rb", group=QUICK, priority=True),
        Binding("f7", "quick(2)", "50rb", group=QUICK, priority=True),
        Binding("f8", "quick(3)", "100rb", group=QUICK, priority=True),
    ]
    DEFAULT_CSS = """
    #pay-box { width: 64; border: thick $accent; padding: 1 2; }
    #pay-grid { grid-size: 2; grid-columns: 1fr 24; height: auto; grid-rows: 1;
                grid-gutter: 0 1; }
    #cash { border: round $accent; height: 3; margin: 1 0 0 0; }
    .amount { width: 100%; text-align: right; text-style: bold; }
    #change.short { color: $error; }
    #change.ok { color: $success; }
    #quick { color: $text-muted; margin-top: 1; height: auto; }
    #pay-error { color: $error; height: auto; }
    #progress { display: none; height: auto; margin-top: 1; }
    #progress-state { text-style: bold; color: $warning; }
    #progress-time { color: $text-muted; }
    PaymentScreen.-sending #quick { display: none; }
    PaymentScreen.-sending #progress { display: block; }
    PaymentScreen.-narrow #pay-box { padding: 0 1; }
    """

    class Progress(Message):
        """A step of the payment: recorded, or an answer from the host while it settles."""

        def __init__(self, payment: Payment) -> None:
            super().__init__()
            self.payment = payment

    class Printing(Message):
        """The host answered for good (or the wait is over): the slip is printing."""

    class Paid(Message):
        """The payment is recorded and its slip printed (or why not)."""

        def __init__(self, payment: Payment, printed: PrintResult, warning: str = "") -> None:
            super().__init__()
            self.payment, self.printed, self.warning = payment, printed, warning

    class Refused(Message):
        """Nothing was recorded: the cashier may correct and try again, or cancel."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, bill: FamilyBill, total: int) -> None:
        super().__init__()
        self.bill = bill
        self.total = total
        self.unknown_asks = 0
        self.started: datetime | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="pay-box", classes="dialog-box") as box:
            offline = " OFFLINE" if self.bill.priced_offline else ""
            box.border_title = f"Pembayaran{offline} — {self.bill.head_name}"
            box.border_subtitle = texts.PAY_CONFIRM
            with Grid(id="pay-grid"):
                yield Label(f"{self.bill.member_count} orang × {self.bill.month_count} bulan")
                yield Label("")
                yield Label("TOTAL BAYAR")
                yield Label(format_rupiah(self.total), classes="amount")
                yield Label("Kembali")
                yield Label("-", id="change", classes="amount")
            cash = Input(
                placeholder=texts.CASH_PROMPT,
                id="cash",
                restrict=r"[0-9.]*",
                max_length=13,
            )
            cash.border_title = "Uang diterima"
            yield cash
            yield Static(quick_keys(self.total), id="quick")
            with Vertical(id="progress"):
                yield Label("", id="progress-state")
                yield Static("", id="progress-text")
                yield Label("", id="progress-time")
            yield Label("", id="pay-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#cash", Input).focus()

    def _cash(self) -> int | None:
        text = self.query_one("#cash", Input).value
        try:
            return parse_rupiah(text) if text else None
        except AmountError:
            return None

    def _error(self, text: str) -> None:
        self.query_one("#pay-error", Label).update(text)

    @on(Input.Changed, "#cash")
    def _changed(self) -> None:
        cash = self._cash()
        change = self.query_one("#change", Label)
        self._error("")
        if cash is None:
            change.update("-")
            change.set_classes("amount")
        elif cash < self.total:
            change.update(texts.CASH_SHORT.format(amount=format_rupiah(self.total - cash)))
            change.set_classes("amount short")
        else:
            change.update(format_rupiah(cash - self.total))
            change.set_classes("amount ok")

    # -- the cashier's keys ---------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the payment is on its way no key works, so none is offered (not even dimmed):
        the dialog says what happens and closes itself."""
        allowed = super().check_action(action, parameters)
        return False if allowed is None else allowed

    def submit(self) -> None:
        cash = self._cash()
        if cash is None:
            self._error(texts.CASH_MISSING)
        elif cash < self.total:
            self._error(texts.CASH_TOO_LITTLE.format(amount=format_rupiah(self.total - cash)))
        else:
            self._sending(True)
            self.send(cash)

    def action_quick(self, index: int) -> None:
        self.query_one("#cash", Input).value = str(quick_amounts(self.total)[index])

    def action_cancel(self) -> None:
        self.decide(None)

    # -- sending ----------------------------------------------------------------------------------
    def _sending(self, sending: bool) -> None:
        self.busy = sending
        self.set_class(sending, "-sending")
        self.query_one("#cash", Input).disabled = sending
        box = self.query_one("#pay-box")
        box.border_subtitle = (
            texts.PAY_NEVER_CLOSE.format(seconds=0) if sending else (texts.PAY_CONFIRM)
        )
        if sending:
            self._error("")
            self.started = self.runtime.clock.now()
            self._step("MENGIRIM", texts.PAY_RECORDING)
            self._timer = self.set_interval(1.0, self._tick)
        else:
            if self._timer is not None:
                self._timer.stop()
            self.started = None
            self.query_one("#cash", Input).focus()

    def _tick(self) -> None:
        if self.started is None:
            return
        seconds = int((self.runtime.clock.now() - self.started).total_seconds())
        self.query_one("#pay-box").border_subtitle = texts.PAY_NEVER_CLOSE.format(seconds=seconds)

    def _step(self, state: str, text: str) -> None:
        self.query_one("#progress-state", Label).update(state)
        self.query_one("#progress-text", Static).update(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="payment")
    def send(self, cash: int) -> None:
        """Record, send, wait, print: one worker, so each happens once whatever the keys do."""
        counter, cashier = self.runtime.counter, self.loket.cashier_id
        recorded: list[Payment] = []

        def step(payment: Payment) -> None:
            recorded.append(payment)
            self.post_message(self.Progress(payment))

        warning = ""
        try:
            payment = counter.pay(self.bill, cash, cashier, progress=step)
        except PaymentRefused as exc:
            self.post_message(self.Refused(texts.PAYMENT_REFUSED.format(reason=exc)))
            return
        except Exception as exc:
            if not recorded:
                log.exception("a payment failed before it was recorded")
                self.post_message(
                    self.Refused(texts.PAYMENT_BROKEN_BEFORE.format(error=type(exc).__name__))
                )
                return
            log.exception("payment %s failed after it was recorded", recorded[0].ref_id)
            payment = recorded[-1]
            warning = texts.PAYMENT_BROKEN_AFTER.format(
                ref=payment.ref_id, error=type(exc).__name__
            )
        self.post_message(self.Printing())
        try:
            printed = counter.print_slip(payment.ref_id, actor=cashier)
        except Exception:
            log.exception("printing the slip of %s failed", payment.ref_id)
            printed = PrintResult(False, texts.PRINT_BROKEN)
        self.post_message(self.Paid(payment, printed, warning))

    def on_payment_screen_progress(self, message: Progress) -> None:
        payment = message.payment
        state = S(payment.state)
        if state is S.UNKNOWN:
            self.unknown_asks += 1
        words = texts.PAY_PROGRESS.get(state)
        if words is None:
            self._step(headline(state), texts.PAY_PRINTING)
            return
        title, text = words
        self._step(
            title,
            text.format(
                ref=payment.ref_id,
                attempt=self.unknown_asks,
                wait=int(self.runtime.counter.settings.pending_wait_s),
            ),
        )

    def on_payment_screen_printing(self) -> None:
        self.query_one("#progress-time", Label).update(texts.PAY_PRINTING)

    def on_payment_screen_paid(self, paid: Paid) -> None:
        self.loket.check_health()  # the status line counts it (queued, pending, refund due)
        result = ResultScreen(paid.payment, paid.printed, paid.warning)
        if self.is_active:
            self.app.switch_screen(result)  # the dialog becomes the result, in one step
        else:
            self.app.push_screen(result)

    def on_payment_screen_refused(self, refused: Refused) -> None:
        self._sending(False)
        self._error(refused.reason)
