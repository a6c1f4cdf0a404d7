"""The same bursts on the owner's screens (their own file: the suite runs a file per worker)."""

from itertools import cycle

import pytest

from tests.tui.conftest import burst, owner_login, settle
from tests.tui.test_bursts import KEYS, TIMES, assert_in_order, paid


async def dashboard(pilot):
    await pilot.press("f7")


async def settings(pilot):
    await pilot.press("f10")


async def cashiers(pilot):
    await pilot.press("f10")
    await settle(pilot)
    await pilot.press("f3")


async def shift_picker(pilot):
    pilot.app.action_other_shifts()


async def shift_open(pilot):
    pilot.app.logout()
    await settle(pilot)
    await owner_login(pilot)


OWNER_SIDE = [dashboard, settings, cashiers, shift_picker, shift_open]


@pytest.mark.parametrize("screen", OWNER_SIDE, ids=lambda s: s.__name__)
async def test_a_burst_of_any_key_on_an_owner_screen(make_app, screen):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await owner_login(pilot)
        times = cycle(TIMES)
        for key in [*KEYS, "f7", "f10", "f3"]:
            await screen(pilot)
            await settle(pilot)
            before = paid(app)
            await burst(pilot, *[key] * next(times))
            assert_in_order(app)
            assert paid(app) == before
            if not app.cashier_id:
                await owner_login(pilot)
            app.next_customer()  # the owner has no shift open: nothing to pay with
            await settle(pilot)
