"""A burst of one key — a scanner's second Enter, a key that bounces, an impatient cashier — on
every screen: nothing crashes, nothing happens twice, no receipt is lost, the screens stay in
order (issue #7)."""

from itertools import cycle

import pytest

from loket.service.slips import PrintResult
from loket.tui.screens.base import LoketScreen
from loket.tui.screens.counter import CounterScreen
from loket.tui.screens.detail import PaymentDetail
from loket.tui.screens.login import LoginScreen
from loket.tui.screens.payment import PaymentScreen
from loket.tui.screens.qr import QrScreen
from loket.tui.screens.result import ResultScreen
from tests.tui.conftest import burst, inquire, login, settle, take_cash

KEYS = ["enter", "escape", "f9", "f2", "f4", "f6", "1"]
TIMES = [2, 5, 10]


def paid(app) -> int:
    return len(app.runtime.counter.today())


def printed(app) -> int:
    return len(app.runtime.counter.delivery.sent)


def assert_in_order(app) -> None:
    """The app runs, Textual's default screen is at the bottom with one of loket's screens on it,
    and no screen that exists once per customer is stacked twice."""
    assert app.is_running
    stack = app.screen_stack
    assert len(stack) >= 2 and stack[0].id == "_default"
    assert all(
        isinstance(s, LoketScreen)
        or s.id == "--command-palette"
        or type(s).__name__ == "DashboardScreen"
        for s in stack[1:]
    )
    for kind in (CounterScreen, PaymentScreen, ResultScreen, LoginScreen):
        assert sum(isinstance(s, kind) for s in stack) <= 1, stack
    assert len(stack) <= 5, stack


async def a_payment(pilot):
    """One paid family, for the screens that show a payment."""
    await inquire(pilot, "0001000000011")
    await take_cash(pilot, "f6")
    await settle(pilot)
    payment = pilot.app.screen.payment
    pilot.app.next_customer()
    await settle(pilot)
    return payment


# -- how to reach each screen, from the counter (or the owner's first screen) --------------------
async def counter(pilot, _payment):
    pilot.app.next_customer()


async def bill(pilot, _payment):
    pilot.app.next_customer()
    await settle(pilot)
    await inquire(pilot, "0001000000029")


async def payment(pilot, _payment):
    await bill(pilot, _payment)
    await pilot.press("f9")
    await settle(pilot)
    await pilot.press(*"800000")


async def result(pilot, done):
    pilot.app.push_screen(ResultScreen(done, PrintResult(True, "Struk dicetak")))


async def history(pilot, _payment):
    await pilot.press("f4")


async def detail(pilot, done):
    pilot.app.push_screen(PaymentDetail(done.ref_id))


async def qr(pilot, done):
    await result(pilot, done)
    await settle(pilot)
    await pilot.press("q")


async def queue(pilot, _payment):
    await pilot.press("f6")


async def help_screen(pilot, _payment):
    await pilot.press("f1")


async def shift_close(pilot, _payment):
    await pilot.press("f8")


async def login_screen(pilot, _payment):
    pilot.app.logout()


COUNTER_SIDE = [
    counter,
    bill,
    payment,
    result,
    history,
    detail,
    qr,
    queue,
    help_screen,
    shift_close,
    login_screen,
]


async def back(pilot) -> None:
    app = pilot.app
    if not app.cashier_id:
        await login(pilot)
    app.next_customer()
    await settle(pilot)


@pytest.mark.parametrize("screen", COUNTER_SIDE, ids=lambda s: s.__name__)
async def test_a_burst_of_any_key_on_a_counter_screen(make_app, screen):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        done = await a_payment(pilot)
        times = cycle(TIMES)
        for key in KEYS:
            await screen(pilot, done)
            await settle(pilot)
            before, slips = paid(app), printed(app)
            await burst(pilot, *[key] * next(times))
            assert_in_order(app)
            pays = screen is payment and key == "enter"
            assert paid(app) == before + pays, key
            assert printed(app) == slips + pays, key  # the receipt of that one payment
            await back(pilot)


async def test_f5_and_enter_three_times_pays_once_and_prints_once(make_app):
    """The reported case: ``F5 Enter Enter Enter`` on the cash field dismissed the dialog twice."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000011")
        await pilot.press("enter")
        await settle(pilot)
        await burst(pilot, "f5", "enter", "enter", "enter")
        assert isinstance(app.screen, ResultScreen) and app.screen.payment.change == 0
        assert paid(app) == 1 and printed(app) == 1
        assert [type(s) for s in app.screen_stack[1:]] == [CounterScreen, ResultScreen]
        await burst(pilot, "f2", "f4", "escape")  # used to leave a blank screen
        assert isinstance(app.screen, CounterScreen)
        assert_in_order(app)


async def test_logging_out_from_any_stack_never_empties_it(make_app):
    """The palette's "Keluar akun" from a blank screen raised ``IndexError``."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pilot.press("f4")
        await settle(pilot)
        while len(app.screen_stack) > 1:  # whatever emptied it
            app.pop_screen()
        app.logout()
        app.logout()
        await settle(pilot)
        assert [type(s) for s in app.screen_stack[1:]] == [LoginScreen]
        app.next_customer()  # nobody logged in: stays
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)


async def test_keys_typed_for_a_closed_dialog_do_not_act_on_the_screen_under_it(make_app):
    """Esc Esc on the payment dialog: the first cancels, the second must not clear the bill."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000011")
        await pilot.press("f9")
        await settle(pilot)
        await burst(pilot, "escape", "escape", "escape")
        assert isinstance(app.screen, CounterScreen) and app.screen.bill is not None


async def test_q_twice_opens_one_qr(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        done = await a_payment(pilot)
        await result(pilot, done)
        await settle(pilot)
        await burst(pilot, "q", "q")
        assert sum(isinstance(s, QrScreen) for s in app.screen_stack) <= 1
