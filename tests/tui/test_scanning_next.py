"""Scanning the next family's card while a bill or a result is still shown starts the next
customer's number, as a scanner expects (issue 17, item 6)."""

from loket.tui.screens.counter import CounterScreen
from tests.tui.conftest import burst, inquire, login, settle, take_cash

FIRST, NEXT = "0001000000011", "0001000000029"


async def test_a_card_scanned_over_a_bill_replaces_its_number(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, FIRST)
        await burst(pilot, *NEXT, "enter")
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        assert screen.typed == NEXT
        assert screen.bill is not None and screen.bill_number == NEXT


async def test_a_card_scanned_over_a_result_starts_the_next_customer(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, FIRST)
        await take_cash(pilot, "f5")
        await settle(pilot)
        await burst(pilot, *NEXT, "enter")
        screen = app.screen
        assert isinstance(screen, CounterScreen), app.screen_stack
        assert screen.typed == NEXT
        assert screen.bill is not None and screen.bill_number == NEXT


async def test_a_number_being_corrected_on_a_bill_is_edited_not_replaced(make_app):
    """The arrow keys leave the number to be corrected digit by digit."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, FIRST)
        await pilot.press("end", "backspace", "9")
        assert app.screen.typed == FIRST[:-1] + "9"
