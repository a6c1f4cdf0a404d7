"""Issue #7, "a real shift at the counter": each rough spot a day at the counter found, as a test."""

import io
import logging
import threading

from rich.console import Console
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input, Label, Static

from loket.domain.states import PaymentState
from loket.service.counter import PaymentRefused
from loket.service.slips import NO_SLIP_FOR_FAILED
from loket.store import cashiers, payments
from loket.tui import texts
from loket.tui.screens.confirm import Confirm
from loket.tui.screens.counter import CounterScreen
from loket.tui.screens.detail import PaymentDetail
from loket.tui.screens.help import HelpScreen
from loket.tui.screens.history import HistoryScreen
from loket.tui.screens.login import LoginScreen
from loket.tui.screens.payment import PaymentScreen
from loket.tui.screens.qr import QrScreen
from loket.tui.screens.result import ResultScreen
from loket.tui.screens.shift import ShiftCloseScreen, ShiftOpenScreen
from loket.tui.widgets.number_input import NumberInput
from loket.tui.widgets.qr import QrView, qr_size
from loket.tui.widgets.receipt_preview import ReceiptPreview
from tests.tui.conftest import burst, inquire, login, owner_login, settle, take_cash

S = PaymentState


def words(widget) -> str:
    """What a Static or Label shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text().rstrip("\n")


async def pay(pilot, number: str, *cash_keys: str) -> None:
    await inquire(pilot, number)
    await take_cash(pilot, *cash_keys)


# -- 2: a family that paid this month pays ahead with + ------------------------------------------
async def test_plus_after_already_paid_asks_for_next_month(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000061")
        message = words(app.screen.query_one("#message"))
        assert "Sudah dibayar sampai NOV 2026" in message and "Tekan +" in message
        await pilot.press("plus")
        await settle(pilot)
        bill = app.screen.bill
        assert bill is not None and [str(p) for p in bill.periods] == ["2026-12"]
        assert app.screen.query_one("#number").value == "0001000000061"  # "+" was not typed
        await pilot.press("minus")  # back to this month: already paid
        await settle(pilot)
        assert app.screen.bill is None and "Sudah dibayar" in words(
            app.screen.query_one("#message")
        )


# -- 3: what goes back when the host refuses -------------------------------------------------------
async def test_a_refused_payment_says_what_to_hand_back_and_shows_no_slip(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pay(pilot, "0001000000086", *"80000")  # pending, then the biller fails
        screen = app.screen
        assert isinstance(screen, ResultScreen) and screen.payment.state == S.REFUND_DUE
        summary = words(screen.query_one("#summary"))
        assert "KEMBALIKAN" in summary and "Rp 72.500" in summary  # the total, large
        assert "KEMBALI " not in summary.replace("KEMBALIKAN", "")  # no "change" line
        assert "Kembalian Rp 7.500 belum diberikan?" in summary
        assert "Kembalikan semua uang diterima: Rp 80.000." in summary
        assert "F6" in words(screen.query_one("#explain"))
        preview = screen.query_one(ReceiptPreview)
        assert NO_SLIP_FOR_FAILED in words(preview.query_one(Static))
        assert app.runtime.counter.delivery.sent == []  # nothing printed for it


# -- 4: no shift, no cash --------------------------------------------------------------------------
async def test_without_an_open_shift_the_payment_dialog_does_not_open(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await owner_login(pilot)  # the owner has no shift
        assert isinstance(app.screen, ShiftOpenScreen)
        await pilot.press("escape")
        await settle(pilot)
        await inquire(pilot, "0001000000011")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen)
        message = words(app.screen.query_one("#message"))
        assert "Buka shift dulu (F8)" in message and "Jangan terima uang" in message
        await burst(pilot, "f9", "f9", "enter")
        assert isinstance(app.screen, CounterScreen)


# -- 5: the screens ------------------------------------------------------------------------------
async def test_the_big_qr_is_drawn_whole_and_grows_with_the_terminal(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pay(pilot, "0001000000011", "f5")
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, QrScreen)
        view = app.screen.query_one(QrView)
        scale, border = view.fit()
        width, height = qr_size(view.payload, border, scale)
        assert scale >= 1 and width <= view.content_size.width
        assert height <= view.content_size.height
        assert view.region.right <= 80 and view.region.bottom <= 24
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert view.scale() > scale


async def test_enter_in_the_history_shows_states_host_answers_and_receipt(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await login(pilot)
        await pay(pilot, "0001000000078", "f5")  # pending, then success
        sn = app.screen.payment.host_sn
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaymentDetail)
        facts = words(app.screen.query_one("#facts"))
        steps = words(app.screen.query_one("#timeline"))
        assert sn in facts and "LUNAS" in facts
        assert "Diproses" in steps and "rc 03" in steps and "rc 00" in steps
        assert app.screen.query_one(ReceiptPreview).elements
        await pilot.press("r")
        await settle(pilot)
        assert "dicetak ulang" in words(app.screen.query_one("#detail-status")).lower()


async def test_the_history_lists_all_of_today_with_a_count_and_search(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pay(pilot, "0001000000011", "f5")
        first = app.screen.payment
        counter = app.runtime.counter
        bill = counter.inquire("0001000000029").bill
        for n in range(599):  # a busy day, straight into the store
            row = payments.new_payment(
                bill,
                ref_id=f"PAY-COPY{n:04d}",
                admin_fee=2500,
                cash=800_000,
                cashier_id="latihan",
                terminal_id="T1",
                now="2026-11-21T09:00:00+07:00",
                offline=False,
            )
            payments.record(app.runtime.engine, row, actor="latihan", state=S.RECORDED)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#history").row_count == 600
        assert words(app.screen.query_one("#history-status")).startswith("600 transaksi")
        await pilot.press("slash", *first.ref_id)
        await settle(pilot)
        assert list(app.screen.rows) == [first.ref_id]


async def test_the_payment_dialog_says_what_is_happening(make_app):
    """Messages a test can post directly: each step of a payment in plain words."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pay(pilot, "0001000000011", "f5")
        done = app.screen.payment
        app.next_customer()
        await settle(pilot)
        await inquire(pilot, "0001000000029")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PaymentScreen)
        release = threading.Event()

        def held(*_a, **_kw):  # the host is slow: the dialog is sending meanwhile
            release.wait(10)
            raise PaymentRefused("uji selesai")

        app.runtime.counter.pay = held
        await pilot.press("f5", "enter")
        for _ in range(5):
            await pilot.pause()
        seen = {}
        for state in (S.RECORDED, S.PENDING, S.UNKNOWN):
            dialog.post_message(PaymentScreen.Progress(_as(done, state)))
            await pilot.pause()
            seen[state] = (
                words(dialog.query_one("#progress-state")),
                words(dialog.query_one("#progress-text")),
            )
        assert seen[S.RECORDED][0] == "MENGIRIM" and done.ref_id in seen[S.RECORDED][1]
        assert seen[S.PENDING][0] == "SEDANG DIPROSES" and "otomatis" in seen[S.PENDING][1]
        assert seen[S.UNKNOWN][0] == "BELUM PASTI" and "JANGAN bayar ulang" in seen[S.UNKNOWN][1]
        assert "Jangan tutup aplikasi" in dialog.query_one("#pay-box").border_subtitle
        for key in ("escape", "f4", "ctrl+q", "f9", "enter"):  # nothing leaves it on the wire
            app.post_message(events.Key(key, None))
        for _ in range(5):
            await pilot.pause()
        assert app.screen is dialog and app.is_running
        release.set()
        await settle(pilot)
        assert "uji selesai" in words(dialog.query_one("#pay-error"))  # nothing taken: again
        assert not dialog.busy


def _as(payment, state):
    from dataclasses import replace

    return replace(payment, state=state)


async def test_fast_typing_after_tab_and_enter_lands_in_the_right_field(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#cashier-id").value = ""
        screen.set_focus(screen.query_one("#cashier-id"))
        await settle(pilot)
        await burst(pilot, *"pemilik", "tab", *"123456", "enter")
        assert app.cashier_id == "pemilik" and app.is_owner


async def test_closing_a_shift_shows_the_difference_and_asks_once(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pay(pilot, "0001000000011", "f5")  # 100.000 float + 107.500
        app.next_customer()
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ShiftCloseScreen)
        await burst(pilot, *"200000", "enter", "enter", "enter")
        confirm = app.screen
        assert isinstance(confirm, Confirm)  # Enter again does not close it
        question = words(confirm.query_one(Static))
        assert "Rp 207.500" in question and "Rp 200.000" in question
        assert "-Rp 7.500 (KURANG)" in question
        await pilot.press("escape")  # count again
        await settle(pilot)
        assert isinstance(app.screen, ShiftCloseScreen) and app.cashier_id == "latihan"
        await pilot.press("enter")
        await settle(pilot)
        await burst(pilot, "y", "y")
        assert isinstance(app.screen, LoginScreen) and app.cashier_id == ""
        assert len(app.runtime.counter.delivery.sent) == 2  # the receipt and one Z report


def footer_keys(app) -> list:
    return list(app.screen.query("FooterKey"))


async def test_every_footer_fits_80_columns_with_the_screens_own_keys_first(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000011")
        seen = {}

        async def look(name):
            await settle(pilot)
            keys = footer_keys(app)
            assert keys and all(k.region.right <= 80 and k.region.width for k in keys), name
            seen[name] = [k.description for k in keys]

        await look("counter")
        await pilot.press("f9")
        await look("payment")
        await pilot.press("f5", "enter")
        await look("result")
        await pilot.press("f4")
        await look("history")
        await pilot.press("escape", "f6")
        await look("queue")
        await pilot.press("escape", "f1")
        await look("help")
        assert seen["counter"][:2] == ["Bayar", "Di muka"]
        assert seen["payment"][:2] == ["Konfirmasi", "Batal"] and "Bayar" not in seen["payment"]
        assert seen["result"][0] == "Berikutnya"
        assert seen["history"][0] == "Rincian"
        assert all(
            keys[-1] == texts.PALETTE
            for name, keys in seen.items()
            if name != "payment" and name != "help"
        )


async def test_help_lists_every_test_number_and_grows_at_120_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-numbers", Static).content)
        for number in ("0001000000086", "0001000000053", "0001000000078", "0001000000045"):
            assert number in text
        assert "tunggakan 30 bulan (ditagih 24)" in text
        box = app.screen.query_one("#help")
        assert box.region.right <= 80
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert box.region.width > 100 and box.max_scroll_y == 0  # all of it, no scroll bar


async def test_the_palette_speaks_indonesian(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(Input).placeholder == texts.PALETTE_PLACEHOLDER
        await pilot.press(*"zzzz")
        await pilot.pause(0.7)
        found = palette.query_one("CommandList")
        prompts = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
        assert any(texts.PALETTE_NO_MATCH in prompt for prompt in prompts)
        await pilot.press("escape")
        await settle(pilot)
        assert any(k.description == "Menu" for k in footer_keys(app))


# -- 6: Textual the supported way, and what a failure says -------------------------------------
def test_the_number_field_uses_bindings_not_a_private_key_handler():
    assert "_on_key" not in NumberInput.__dict__


async def test_snapshot_apps_never_blink(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        assert all(not field.cursor_blink for field in app.screen.query(Input))


async def test_a_payment_that_breaks_before_it_is_recorded_says_so(make_app, monkeypatch, caplog):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000011")

        def broken(*_a, **_kw):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(app.runtime.counter, "pay", broken)
        with caplog.at_level(logging.ERROR, logger="loket.tui"):
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("f5", "enter")
            await settle(pilot)
        assert isinstance(app.screen, PaymentScreen)  # still there: nothing was taken
        error = words(app.screen.query_one("#pay-error", Label))
        assert "TIDAK dicatat" in error and "tersimpan" not in error
        assert "disk on fire" in caplog.text
        assert payments.counts_by_state(app.runtime.engine) == {}


async def test_a_payment_that_breaks_after_it_is_recorded_says_so(make_app, monkeypatch, caplog):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000011")
        counter = app.runtime.counter

        def broken(*_a, **_kw):
            raise RuntimeError("host adapter bug")

        monkeypatch.setattr(counter, "_settle", broken)
        with caplog.at_level(logging.ERROR, logger="loket.tui"):
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("f5", "enter")
            await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultScreen)
        warning = words(screen.query_one("#warning"))
        assert "SUDAH dicatat" in warning and "JANGAN bayar ulang" in warning
        assert screen.payment.state == S.RECORDED
        assert "host adapter bug" in caplog.text
        assert len(counter.delivery.sent) == 1  # the provisional slip, with its ref


async def test_an_unexpected_worker_error_is_logged_and_said_in_one_line(make_app, caplog):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        notes = []
        app.notify = lambda message, **_kw: notes.append(message)

        def broken(_search=""):
            raise ValueError("bad row")

        app.runtime.counter.today = broken
        with caplog.at_level(logging.ERROR, logger="loket.tui"):
            await pilot.press("f4")
            await settle(pilot)
        assert notes and notes[-1].startswith("Riwayat gagal") and "log" in notes[-1]
        assert "tersimpan" not in notes[-1]
        assert "bad row" in caplog.text


async def test_cashiers_pin_checked_in_the_dialog_deactivate_asks_and_reactivate(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await owner_login(pilot)
        await pilot.press("escape", "f10")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert [words(lbl) for lbl in form.query(Label)][:2] == [
            "ID kasir (huruf, angka, - dan _)",
            "Nama",
        ]
        await pilot.press(*"kasir2", "tab", *"Rina", "tab", *"123", "tab", *"123", "enter")
        await settle(pilot)
        assert app.screen is form and "PIN harus angka" in words(form.query_one("#account-error"))
        assert form.query_one("#acc-id").value == "kasir2"  # kept
        form.query_one("#acc-pin1").value = form.query_one("#acc-pin2").value = "246810"
        await pilot.press("enter")
        await settle(pilot)
        assert cashiers.get(app.runtime.engine, "kasir2").name == "Rina"
        table = app.screen.query_one("#cashiers")
        table.move_cursor(row=table.get_row_index("kasir2"))
        await pilot.press("p")
        await settle(pilot)
        assert not app.screen.query("#acc-name")  # a PIN reset asks for the PIN only
        await pilot.press("escape", "d")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert cashiers.get(app.runtime.engine, "kasir2").active  # not yet
        await pilot.press("y")
        await settle(pilot)
        assert not cashiers.get(app.runtime.engine, "kasir2").active
        await pilot.press("u")
        await settle(pilot)
        assert cashiers.get(app.runtime.engine, "kasir2").active


async def test_settings_has_a_title_and_the_first_field_focused(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await owner_login(pilot)
        await pilot.press("escape", "f10")
        await settle(pilot)
        assert app.screen.query_one("#settings-box").border_title == "Pengaturan (pemilik)"
        assert app.screen.focused is app.screen.query_one("#fees-admin")
        app.screen.focused.value = "3.000"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "1 pengaturan disimpan" in words(app.screen.query_one("#settings-status"))
        assert app.runtime.counter.settings.admin_fee == 3000


async def test_the_owner_picks_another_cashiers_shift_to_close(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await owner_login(pilot)
        await pilot.press("escape")
        await settle(pilot)
        app.action_other_shifts()
        await settle(pilot)
        await burst(pilot, "enter", "enter")
        close = app.screen
        assert isinstance(close, ShiftCloseScreen)
        await pilot.press(*"100000", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CounterScreen) and app.cashier_id == "pemilik"
        assert app.runtime.counter.shifts.current("latihan") is None


async def test_every_screen_fits_60_by_20(make_app):
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await login(pilot)
        await inquire(pilot, "0001000000029")
        await pilot.press("enter")
        await settle(pilot)
        box = app.screen.query_one("#pay-box")
        assert box.region.right <= 60 and box.region.bottom <= 19
        cash = app.screen.query_one("#cash")
        assert cash.region.width >= 20 and cash.region.bottom <= 19
        await pilot.press("f5", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        summary = app.screen.query_one("#summary")
        assert summary.region.right <= 60 and summary.region.width >= 40
