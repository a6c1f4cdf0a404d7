"""The counter on a count-only host (Digiflazz, IAK give counts, not members and months), as a
cashier sees it at 80×24: the bill, the payment, its result and receipt, the payment's detail,
and a price from the last inquiry while the host is down."""

import html
import re
from collections import defaultdict

import pytest

from loket.domain.states import PaymentState
from loket.tui.app import LoketApp
from loket.tui.screens.detail import PaymentDetail
from loket.tui.screens.payment import PaymentScreen
from loket.tui.screens.result import ResultScreen
from loket.tui.widgets.receipt_preview import ReceiptPreview
from tests.conftest import make_runtime, start_sim
from tests.count_only import CountOnlySim
from tests.tui.conftest import inquire, login, settle, take_cash
from tests.tui.test_offline_and_queue import host_goes_away

S = PaymentState
MONTH_NAMES = re.compile(r"\b(JAN|FEB|MAR|APR|MEI|JUN|JUL|AGU|SEP|OKT|NOV|DES) 20\d\d\b")


@pytest.fixture
def make_app(tmp_path):
    """Like the suite's ``make_app``, with the simulator answering count-only."""
    made = []

    def factory():
        sim = start_sim()
        rt = make_runtime(tmp_path, CountOnlySim(sim))
        made.append((sim, rt))
        app = LoketApp(rt, background=False, blink=False)
        app.sim = sim
        return app

    yield factory
    for sim, rt in made:
        rt.close()
        sim.thread.stop()


def screen_text(app) -> str:
    """The terminal as the cashier reads it: the screenshot's text, row by row."""
    rows = defaultdict(list)
    for m in re.finditer(
        r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', app.export_screenshot()
    ):
        rows[float(m.group(2))].append((float(m.group(1)), html.unescape(m.group(3))))
    lines = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            line = line.ljust(int(round(x / 12.2))) + text
        lines.append(line.replace("\xa0", " "))
    return "\n".join(lines)


async def counted_bill(pilot, number="0001000000011"):
    await login(pilot)
    await inquire(pilot, number)


async def paid(pilot):
    await counted_bill(pilot)
    await take_cash(pilot, "f6")
    await settle(pilot)


async def receipt_scrolled(pilot):
    """The result with its receipt preview scrolled to the family and the money."""
    await paid(pilot)
    pilot.app.screen.query_one(ReceiptPreview).scroll_to(y=13, animate=False)
    await settle(pilot)


async def offline_counted_bill(pilot):
    await counted_bill(pilot)
    await pilot.press("f2")
    await host_goes_away(pilot)
    await inquire(pilot, "0001000000011")


async def test_the_bill_shows_counts_and_no_invented_members_or_months(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await counted_bill(pilot)
        text = screen_text(app)
        assert "Kartu 0001000000011" in text and "SITI AMINAH" in text
        assert "Peserta: 3 orang" in text and "Periode: 1 bulan" in text
        assert "tanpa nama peserta dan bulan" in text
        assert "Kelas" not in text and not MONTH_NAMES.search(text)  # no empty table, no months
        assert "TOTAL BAYAR  Rp 107.500" in text


async def test_arrears_from_a_count_only_host_are_counted(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await counted_bill(pilot, "0001000000029")
        text = screen_text(app)
        assert "Peserta: 2 orang" in text and "Periode: 3 bulan" in text
        assert not MONTH_NAMES.search(text)


async def test_the_payment_dialog_counts_the_months_it_was_told(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await counted_bill(pilot, "0001000000029")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, PaymentScreen)
        assert "2 orang × 3 bulan" in screen_text(app)


async def test_paid_the_result_and_receipt_show_counts(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await receipt_scrolled(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.payment.state == S.SUCCESS
        text = screen_text(app)
        assert "3 orang × 1 bulan" in text
        assert "Jml Anggota: 3 ORANG" in text and "Periode    : 1 BULAN" in text
        assert "No. Kartu  : 0001000000011" in text and "No. VA" not in text
        assert not MONTH_NAMES.search(text)


async def test_the_payment_detail_counts_and_lists_nothing_it_was_not_given(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await paid(pilot)
        await pilot.press("f4")
        await settle(pilot)
        listed = screen_text(app)  # the history: the number as typed, under a label that fits it
        assert "No. VA/kartu" in listed and re.search(r"0001000000011 .* SITI AMINAH", listed)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaymentDetail)
        text = screen_text(app)
        assert re.search(r"Peserta\s+3 orang", text) and re.search(r"Periode\s+1 bulan", text)
        assert re.search(r"No. Kartu\s+0001000000011", text)
        assert not MONTH_NAMES.search(text)


async def test_offline_the_price_is_from_the_last_inquiry(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await offline_counted_bill(pilot)
        text = " ".join(screen_text(app).split())
        assert "Harga dari cek terakhir 2026-11-21 (Rp 105.000 per bulan)" in text
        assert "harga dari cek terakhir 2026-11-21" in text
        await take_cash(pilot, "f6")
        await settle(pilot)
        assert app.screen.payment.state == S.QUEUED
        assert (app.screen.payment.member_count, app.screen.payment.month_count) == (3, 1)


async def test_offline_without_a_price_nothing_is_offered(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        await host_goes_away(pilot)
        await inquire(pilot, "0001000000011")  # never seen: no price, no bill
        assert "belum pernah dicek" in str(app.screen.query_one("#message").render())
        assert not app.screen.query_one("#bill").has_class("shown")


class TestCountOnlySnapshots:
    def test_count_only_bill(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=counted_bill)

    def test_count_only_result(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=paid)

    def test_count_only_receipt_preview(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=receipt_scrolled)

    def test_count_only_offline_bill(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=offline_counted_bill)
