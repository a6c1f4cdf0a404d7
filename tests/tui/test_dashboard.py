"""F7, the owner's dashboard, at the sizes a shop's terminal has (issue 7, items 2 and 3)."""

import re

from loket.tui.screens.dashboard import DashboardScreen
from tests.tui.conftest import settle
from tests.tui.test_owner_screens import owner_login, some_payments


def screen_lines(app) -> list[str]:
    """The screen as text, row by row (the compositor is private; there is no public text
    export, and the snapshot tests cover the colours)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def open_dashboard(pilot) -> None:
    await some_payments(pilot)  # two families pay, as the training cashier
    pilot.app.logout()
    await settle(pilot)
    await owner_login(pilot)
    await pilot.press("escape", "f7")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DashboardScreen)


async def test_at_80x24_everything_fits(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        lines = screen_lines(app)
        text = "\n".join(lines)
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        assert "b Bulanan" in lines[-1] and "p Harian" in lines[-1]  # the b key is on the footer
        assert "…" not in text  # no label cut short
        for piece in (
            "Margin",
            "Rp 3.000",
            "Deposit di host",
            "Dipakai (2 lunas)",
            "-Rp 857.000",
            "Top-up/lain-lain",
            "Sekarang 10:00",
            "tidak ada yang perlu",
            "Rincian",
            "Transaksi per jam",
        ):
            assert piece in text, piece
        assert "Setor" not in text.replace("disetor", "")  # a deposit agent owes nothing more
        chart = [line for line in lines if "┤" in line]
        assert len(chart) == 1 and re.search(r"│ 2┤", chart[0])  # the scale, left of the bars

        await pilot.press("p")
        await settle(pilot)
        lines = screen_lines(app)
        assert "b Bulanan" in lines[-1]  # the footer stays
        status = "".join(
            line.strip()
            for line in lines[
                lines.index(next(line for line in lines if "Laporan ditulis" in line)) : -1
            ]
        )
        assert f"{app.runtime.reports.folder}/" in status  # the path, whole (folded if long)
        assert "(2 transaksi): laporan-harian-2026-11-21 .pdf .csv .xlsx" in status
        assert {p.name for p in app.runtime.reports.folder.iterdir()} == {
            f"laporan-harian-2026-11-21.{ext}" for ext in ("pdf", "csv", "xlsx")
        }


async def test_at_60x20_the_panels_stack_and_scroll(make_app):
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await open_dashboard(pilot)
        text = "\n".join(screen_lines(app))
        assert "Uang" in text and "b Bulan" in text
        await pilot.press("end")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "Transaksi per jam" in text and "┤" in text


async def test_at_120x40_the_panels_sit_side_by_side(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dashboard(pilot)
        screen = app.screen
        tops = {screen.query_one(f"#{name}").region.y for name in ("money", "host", "breakdown")}
        assert len(tops) == 1
        chart = screen.query_one("#hourly").region
        assert chart.width >= 110 and chart.height >= 20


async def test_a_postpaid_agent_sees_what_to_settle_by_tomorrow(make_app):
    app = make_app(host={"settlement": "postpaid"})
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dashboard(pilot)
        text = "\n".join(screen_lines(app))
        assert "Setor ke host (T+1)" in text and "Minggu 22/11" in text
        assert "Rp 857.000" in text and "Deposit di host" not in text
