"""The whole counter, driven by keys as a cashier would."""

from loket.domain.states import PaymentState
from loket.printing.decode import decode
from loket.store import payments
from loket.tui.commands import palette
from loket.tui.screens.counter import CounterScreen
from loket.tui.screens.history import HistoryScreen
from loket.tui.screens.login import LoginScreen
from loket.tui.screens.result import ResultScreen
from tests.tui.conftest import inquire, login, settle, take_cash


async def test_wrong_pin_stays_on_login_with_a_message(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "000000")
        assert isinstance(app.screen, LoginScreen)
        error = app.screen.query_one("#login-error")
        assert "PIN salah" in str(error.render())
        # the whole line is shown: at 80 columns it wraps, and the label grows to hold it
        assert error.size.height >= 2 and error.size.width > 40


async def test_a_family_pays_end_to_end_with_keys_only(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        assert isinstance(app.screen, CounterScreen) and app.cashier_id == "latihan"
        await inquire(pilot, "0001000000011")
        assert app.screen.bill.premium == 105_000
        await pilot.press("enter")  # Enter on a shown bill opens the payment
        await pilot.press("f6")  # next Rp10.000: 110.000
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        payment = app.screen.payment
        assert (payment.state, payment.change) == (PaymentState.SUCCESS, 2_500)
        paper = "\n".join(decode(app.runtime.counter.delivery.sent[-1]))
        assert payment.host_sn in paper
        assert "Struk dicetak" in str(app.screen.query_one("#print-status").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen) and app.screen.bill is None
        assert app.screen.query_one("#number").value == ""


async def test_plus_and_minus_change_the_months_paid_ahead(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000011")
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press("plus")
        await settle(pilot)
        assert [str(p) for p in app.screen.bill.periods] == ["2026-11", "2026-12", "2027-01"]
        await pilot.press("minus")
        await settle(pilot)
        assert app.screen.bill.premium == 2 * 105_000
        assert app.screen.query_one("#number").value == "0001000000011"  # nothing typed


async def test_a_dash_still_types_while_the_number_is_being_edited(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001-0000-00029")
        assert app.screen.bill.va_no == "8888801000000029"


async def test_too_little_cash_is_refused_in_the_dialog(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000011")
        await take_cash(pilot, *"100000", key="f9")
        await settle(pilot)
        error = str(app.screen.query_one("#pay-error").render())
        assert "Uang kurang Rp 7.500" in error
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)
        assert payments.counts_by_state(app.runtime.engine) == {}


async def test_not_payable_and_bad_numbers_get_their_own_messages(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        for number, words in (
            ("0001000000045", "PBI"),
            ("0001000000053", "PPU"),
            ("0001000000061", "Sudah dibayar sampai"),
            ("0001999999999", "tidak ditemukan"),
            ("12345", "13 digit"),
        ):
            app.screen.query_one("#number").value = ""
            await inquire(pilot, number)
            assert words in str(app.screen.query_one("#message").render())
            assert app.screen.bill is None


async def test_history_lists_today_and_reprints(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000011")
        await take_cash(pilot, "f5", key="f9")
        await settle(pilot)
        ref = app.screen.payment.ref_id
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) and ref in app.screen.rows
        await pilot.press("r")
        await settle(pilot)
        assert "CETAK ULANG KE-1" in "\n".join(decode(app.runtime.counter.delivery.sent[-1]))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)


async def test_the_palette_offers_the_main_actions(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        titles = [name for name, _help, _run in palette(app)]
        for wanted in ("Bantuan", "Riwayat hari ini", "Pelanggan berikutnya", "Cetak halaman uji"):
            assert wanted in titles
