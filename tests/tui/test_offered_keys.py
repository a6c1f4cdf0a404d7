"""The keys a screen offers are the keys that work then, named for what they do (issue 17,
item 12)."""

from loket.tui.commands import palette
from loket.tui.screens.login import LoginScreen
from loket.tui.screens.payment import PaymentScreen
from tests.tui.conftest import inquire, login, settle


def offered(screen) -> set[str]:
    """The keys the footer shows."""
    return {key for key, active in screen.active_bindings.items() if active.binding.show}


async def test_while_a_payment_is_sent_the_dialog_offers_no_key(make_app):
    """Konfirmasi and Batal were offered while SEDANG DIPROSES, and did nothing."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000011")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentScreen)
        assert {"enter", "escape", "f5"} <= offered(screen)
        screen.busy = True  # what sending sets, for as long as the payment is on its way
        assert offered(screen) == set()


async def test_keluar_in_the_palette_logs_out_and_closing_the_app_is_named_so(make_app):
    """Ctrl+P, "keluar", Enter quit the app instead of logging out."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        names = [name for name, _help, _run in palette(app)]
        assert [n for n in names if "keluar" in n.lower()] == ["Keluar akun"]
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"keluar")
        await settle(pilot)
        await pilot.pause(0.3)  # the palette searches in the background
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, LoginScreen)


async def test_ctrl_q_is_named_as_the_palette_names_it_everywhere(make_app):
    """F1 help and the login footer said "Keluar" for Ctrl+Q while the palette says "Tutup
    aplikasi" and "Keluar akun" logs out: one name for closing the app."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        quits = [app.screen, app]
        names = {
            b.description
            for owner in quits
            for b in owner.BINDINGS
            if getattr(b, "key", "") == "ctrl+q"
        }
        assert names == {"Tutup aplikasi"}
        await login(pilot)
        await pilot.press("f1")
        await settle(pilot)
        shown = " ".join(str(s.content) for s in app.screen.query("Static"))
        assert "Ctrl+Q      Tutup aplikasi" in shown
        assert "Keluar" not in shown
