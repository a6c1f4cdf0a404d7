"""How the counter looks at 80×24. Update deliberately with ``pytest --snapshot-update``."""

import time

import pytest

from tests.tui.conftest import inquire, login, settle, take_cash


async def _logged_in(pilot):
    await login(pilot)


def _with_bill(number):
    async def run(pilot):
        await login(pilot)
        await inquire(pilot, number)

    return run


class TestCounterScreens:
    def test_login(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=settle)

    def test_empty_counter(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=_logged_in)

    @pytest.mark.parametrize(
        "number",
        ["0001000000011", "0001000000029", "0001000000037"],
        ids=["family", "arrears", "long_arrears"],
    )
    def test_bill(self, make_app, snap_compare, number):
        assert snap_compare(make_app(), run_before=_with_bill(number))

    def test_not_payable(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=_with_bill("0001000000045"))


class TestPayment:
    def test_payment_dialog_shows_change_live(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000029")(pilot)
            await pilot.press("f9", *"760000")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_result_with_receipt_preview(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000011")(pilot)
            await take_cash(pilot, "f6")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_refund_due_result(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000086")(pilot)
            await take_cash(pilot, "f5")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_history(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000011")(pilot)
            await take_cash(pilot, "f5")
            await settle(pilot)
            await pilot.press("f4")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)


class TestShiftAtTheCounter:
    """The screens issue #7 changed, as a cashier sees them."""

    def test_already_paid_offers_plus(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=_with_bill("0001000000061"))

    def test_payment_dialog_at_60x20(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000029")(pilot)
            await pilot.press("f9")
            await settle(pilot)
            await pilot.press(*"760000")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run, terminal_size=(60, 20))

    def test_payment_sending_says_what_happens(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000078")(pilot)
            await pilot.press("enter")
            await settle(pilot)
            counter = pilot.app.runtime.counter
            real = counter.pay

            def slow(bill, cash, cashier_id, progress=None):
                def step(payment):
                    progress(payment)
                    if payment.state == "PENDING":
                        time.sleep(3)  # the screenshot is taken meanwhile

                return real(bill, cash, cashier_id, progress=step)

            counter.pay = slow
            await pilot.press("f5", "enter")
            await pilot.pause(1.0)

        assert snap_compare(make_app(), run_before=run)

    def test_refund_due_result_at_60x20(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000086")(pilot)
            await take_cash(pilot, *"80000")

        assert snap_compare(make_app(), run_before=run, terminal_size=(60, 20))

    def test_payment_detail(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000078")(pilot)
            await take_cash(pilot, "f5")
            await pilot.press("f4")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_big_qr(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000011")(pilot)
            await take_cash(pilot, "f6")
            await pilot.press("q")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    @pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
    def test_help(self, make_app, snap_compare, size):
        async def run(pilot):
            await login(pilot)
            await pilot.press("f1")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run, terminal_size=size)
