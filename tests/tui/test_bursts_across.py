"""Bursts sent without a pause across every screen transition (issue 17, item 5): the keys typed
while a screen opens belong to that screen or are dropped, never to the screen underneath."""

import pytest

from loket.tui.screens.counter import CounterScreen
from loket.tui.screens.help import HelpScreen
from loket.tui.screens.history import HistoryScreen
from loket.tui.screens.payment import PaymentScreen
from loket.tui.screens.qr import QrScreen
from loket.tui.screens.queue import QueueScreen
from loket.tui.screens.result import ResultScreen
from loket.tui.screens.shift import ShiftCloseScreen
from tests.tui.conftest import burst, inquire, login, settle
from tests.tui.test_bursts import assert_in_order, paid

NEXT_CARD = "0001000000029"


def stack(app) -> list[type]:
    return [type(s) for s in app.screen_stack[1:]]


def number_typed(app) -> str:
    counters = [s for s in app.screen_stack if isinstance(s, CounterScreen)]
    return counters[-1].typed if counters else ""


async def on_a_bill(pilot) -> None:
    await login(pilot)
    await inquire(pilot, "0001000000011")
    assert pilot.app.screen.bill is not None


async def test_enter_f8_enter_on_a_bill_opens_the_payment_not_the_shift(make_app):
    """The reported case: a busy PC's type-ahead sent ``Enter F8 Enter`` at once."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_a_bill(pilot)
        await burst(pilot, "enter", "f8", "enter")
        assert stack(app) == [CounterScreen, PaymentScreen]
        assert paid(app) == 0


async def test_keys_typed_while_logging_in_never_reach_the_login_or_open_anything(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, *"123456", "enter", "f8", "f4", *"12", "enter")
        assert stack(app) == [CounterScreen]
        assert_in_order(app)


async def test_keys_after_f9_on_a_bill_never_change_the_number_underneath(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_a_bill(pilot)
        await burst(pilot, "f9", "f4", "escape")
        assert stack(app) == [CounterScreen, PaymentScreen]
        assert number_typed(app) == "0001000000011"


async def test_keys_typed_while_paying_do_not_skip_the_result(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_a_bill(pilot)
        await burst(pilot, "enter")
        await burst(pilot, "f5", "enter", "f4", "escape", "f6")
        assert stack(app) == [CounterScreen, ResultScreen]
        assert paid(app) == 1


async def test_escape_on_a_result_then_keys_go_to_the_counter_once(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_a_bill(pilot)
        await burst(pilot, "enter")
        await burst(pilot, "f5", "enter")
        await burst(pilot, "escape", "escape", "f4")
        assert stack(app) == [CounterScreen]
        assert number_typed(app) == ""


async def test_q_on_a_result_then_escape_leaves_the_qr_open(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_a_bill(pilot)
        await burst(pilot, "enter")
        await burst(pilot, "f5", "enter")
        await burst(pilot, "q", "escape", "escape")
        assert stack(app) == [CounterScreen, ResultScreen, QrScreen]


@pytest.mark.parametrize(
    ("key", "opens"),
    [("f4", HistoryScreen), ("f6", QueueScreen), ("f1", HelpScreen), ("f8", ShiftCloseScreen)],
)
async def test_a_key_that_opens_a_screen_takes_the_keys_after_it_along(make_app, key, opens):
    """Digits and Esc typed right after F4/F6/F1/F8 never type into the counter's number nor
    close the screen that opens."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await burst(pilot, *"0001", key, *"12", "escape", "f9")
        assert stack(app) == [CounterScreen, opens]
        assert number_typed(app) == "0001"


async def test_a_key_that_opens_a_screen_over_a_bill_leaves_the_bill(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_a_bill(pilot)
        await burst(pilot, "f8", "enter", "f2")
        assert stack(app) == [CounterScreen, ShiftCloseScreen]
        app.next_customer()
        await settle(pilot)
        # nothing typed while the shift opened reached the bill
        assert app.screen.bill is None
