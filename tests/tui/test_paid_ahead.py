"""``+`` on a family that has paid ahead (issue 17, item 12): the counter says how far the family
is paid, and ``+`` asks for the first month after it (the first ``+`` on a family paid through
next month asked for next month again and changed nothing on screen)."""

from tests.conftest import make_runtime
from tests.tui.conftest import inquire, login, settle, take_cash


def message(app) -> str:
    return " ".join(str(app.screen.query_one("#message").content).split())


async def test_paid_ahead_here_the_first_plus_shows_the_month_after(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000061")  # paid through NOV 2026, the current month
        assert message(app).startswith("Sudah dibayar sampai NOV 2026.")
        assert "Tekan + untuk membayar DES 2026 di muka" in message(app)
        await pilot.press("plus")
        await settle(pilot)
        await take_cash(pilot, "f5")  # DES 2026 paid ahead, here
        await pilot.press("f2")
        await settle(pilot)
        await inquire(pilot, "0001000000061")
        assert app.screen.bill is None
        assert message(app).startswith("Sudah dibayar sampai DES 2026.")
        assert "Tekan + untuk membayar JAN 2027 di muka" in message(app)
        await pilot.press("plus")
        await settle(pilot)
        bill = app.screen.bill
        assert bill is not None and [str(p) for p in bill.periods] == ["2027-01"]


async def test_paid_ahead_elsewhere_each_plus_says_how_far(make_app, tmp_path):
    app = make_app()
    other = make_runtime(tmp_path / "other", app.sim)  # another counter of the same agent
    try:
        ahead = other.counter.inquire("0001000000061", months_ahead=1).bill
        other.counter.pay(ahead, other.counter.total_for(ahead), "latihan")
    finally:
        other.close()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000061")
        assert message(app).startswith("Sudah dibayar sampai NOV 2026.")
        await pilot.press("plus")  # DES 2026: paid too, at the other counter
        await settle(pilot)
        assert app.screen.bill is None
        assert message(app).startswith("Sudah dibayar sampai DES 2026.")
        assert "Tekan + untuk membayar JAN 2027 di muka" in message(app)
        await pilot.press("plus")
        await settle(pilot)
        bill = app.screen.bill
        assert bill is not None and [str(p) for p in bill.periods] == ["2027-01"]
