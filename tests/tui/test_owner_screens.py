"""The owner's screens, and what a cashier cannot reach from keys or the palette."""

from loket.store import cashiers, shifts
from loket.store.db import write
from loket.tui.commands import palette
from loket.tui.screens.confirm import Confirm
from loket.tui.screens.counter import CounterScreen
from loket.tui.screens.dashboard import DashboardScreen
from loket.tui.screens.login import LoginScreen
from loket.tui.screens.shift import ShiftCloseScreen, ShiftOpenScreen
from loket.tui.screens.wizard import SetupWizard
from tests.tui.conftest import inquire, login, owner_login, settle, take_cash


async def some_payments(pilot) -> None:
    await login(pilot)
    for number in ("0001000000011", "0001000000029"):
        await inquire(pilot, number)
        await take_cash(pilot, "f5")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)


def without_owner(app):
    with write(app.runtime.engine) as conn:
        conn.exec_driver_sql("DELETE FROM cashier WHERE role='owner'")  # a new database
    return app


async def test_a_cashier_cannot_reach_owner_screens_by_keys_or_palette(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        for key in ("f7", "f10"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, CounterScreen)
        titles = [name for name, _help, _run in palette(app)]
        assert "Dasbor" not in titles and "Pengaturan" not in titles
        assert "Tutup shift kasir lain" not in titles
        app.action_other_shifts()
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)


async def test_the_owner_sees_the_dashboard(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await owner_login(pilot)
        assert isinstance(app.screen, ShiftOpenScreen)  # the owner has no shift yet
        await pilot.press("escape")
        await settle(pilot)
        titles = [name for name, _help, _run in palette(app)]
        assert "Dasbor" in titles
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_first_start_creates_the_owner(make_app):
    app = without_owner(make_app())
    with write(app.runtime.engine) as conn:  # issue 17.10: the set-up made no POS account
        conn.exec_driver_sql("DELETE FROM cashier WHERE id = 'pos'")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupWizard)
        await pilot.press(*"Bu Sri", "enter", *"123456", "enter", *"123456", "enter")
        await settle(pilot)  # issue 17.7: the first guess is refused here too
        assert isinstance(app.screen, SetupWizard) and not cashiers.has_owner(app.runtime.engine)
        error = app.screen.query_one("#wizard-error")
        assert str(error.render()).endswith("pilih PIN lain")
        assert error.region.right < app.screen.query_one("#wizard").region.right  # not cut
        for field, pin in (("#pin1", "582914"), ("#pin2", "582914")):
            app.screen.query_one(field).value = pin
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        owner = cashiers.get(app.runtime.engine, "pemilik")
        assert owner.role == "owner" and owner.name == "Bu Sri" and owner.active
        assert app.runtime.accounts.pos_account("pos").role == "cashier"  # `loket pay` works


async def test_closing_a_shift_logs_the_cashier_out(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await some_payments(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ShiftCloseScreen)
        await pilot.press(*"960000", "enter")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # the difference is shown, and asked once
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.cashier_id == ""
        assert shifts.current(app.runtime.engine, "latihan") is None


class TestSnapshots:
    def test_wizard(self, make_app, snap_compare):
        assert snap_compare(without_owner(make_app()), run_before=settle)

    def test_dashboard(self, make_app, snap_compare):
        async def run(pilot):
            await some_payments(pilot)
            pilot.app.logout()
            await settle(pilot)
            await owner_login(pilot)
            await pilot.press("escape", "f7")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_exceptions(self, make_app, snap_compare):
        async def run(pilot):
            await login(pilot)
            pilot.app.runtime.counter.settings.pending_wait_s = 0
            await inquire(pilot, "0001000000086")
            await take_cash(pilot, "f5")
            await settle(pilot)
            await pilot.press("escape")
            await inquire(pilot, "0001000000078")
            await take_cash(pilot, "f5")
            await settle(pilot)
            pilot.app.runtime.clock.advance(hours=50)
            await pilot.press("escape", "f6")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_shift_close(self, make_app, snap_compare):
        async def run(pilot):
            await some_payments(pilot)
            await pilot.press("f8")
            await settle(pilot)
            await pilot.press(*"955000")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)


class TestOwnerSnapshots:
    def test_shift_close_asks_once(self, make_app, snap_compare):
        async def run(pilot):
            await some_payments(pilot)
            await pilot.press("f8")
            await settle(pilot)
            await pilot.press(*"955000", "enter")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_cashiers(self, make_app, snap_compare):
        async def run(pilot):
            await owner_login(pilot)
            await pilot.press("escape", "f10")
            await settle(pilot)
            await pilot.press("f3")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_new_cashier_with_a_short_pin(self, make_app, snap_compare):
        async def run(pilot):
            await owner_login(pilot)
            await pilot.press("escape", "f10")
            await settle(pilot)
            await pilot.press("f3")
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            await pilot.press(*"kasir2", "tab", *"Rina", "tab", *"123", "tab", *"123", "enter")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_settings(self, make_app, snap_compare):
        async def run(pilot):
            await owner_login(pilot)
            await pilot.press("escape", "f10")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)


async def test_a_wrong_owner_pin_in_the_approval_is_said_whole_and_to_the_owner(make_app):
    """Issue 17.12: the approval's error was cut at 80×24 and asked for the "ID kasir"."""
    from loket.tui.screens.owner_approval import OwnerApproval

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        app.push_screen(OwnerApproval("Pengembalian Rp 107.500 untuk BUDI SANTOSO"))
        await settle(pilot)
        await pilot.press(*"pemilik", "enter", *"000000", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OwnerApproval)
        error = app.screen.query_one("#approval-error")
        text = str(error.render())
        assert text.startswith("ID pemilik atau PIN salah") and "kasir" not in text
        box = app.screen.query_one("#approval").region
        assert error.region.right < box.right and error.region.bottom < box.bottom  # inside
        assert error.region.width * error.region.height >= len(text)  # every word on screen
