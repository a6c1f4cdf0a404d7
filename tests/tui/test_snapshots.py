"""How the counter looks at 80×24. Update deliberately with ``pytest --snapshot-update``."""

import pytest

from tests.tui.conftest import inquire, login, settle


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

    @pytest.mark.parametrize("number", ["0001000000011", "0001000000029", "0001000000037"],
                             ids=["family", "arrears", "long_arrears"])
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
            await pilot.press("enter", "f6", "enter")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_refund_due_result(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000086")(pilot)
            await pilot.press("enter", "f5", "enter")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_history(self, make_app, snap_compare):
        async def run(pilot):
            await _with_bill("0001000000011")(pilot)
            await pilot.press("enter", "f5", "enter")
            await settle(pilot)
            await pilot.press("f4")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)
