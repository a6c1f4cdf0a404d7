"""F4 at 80×24: every family's whole number, in one column, whatever the states beside it."""

from tests.tui.conftest import inquire, login, settle, take_cash
from tests.tui.test_count_only import screen_text

PAID = ("0020000000056", "0020000000384")  # the longest names, a seven-figure total
REFUND_DUE = "0001000000086"  # the simulator fails it: cash to be paid back


async def _a_day_with_a_refund(pilot) -> None:
    await login(pilot)
    for number in (*PAID, REFUND_DUE):
        await inquire(pilot, number)
        await take_cash(pilot, "f5")
        await pilot.press("escape")
        await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)


def _where(shown: str, payments) -> set[int]:
    """The column each family's number starts at (it must show whole to be found)."""
    lines = shown.splitlines()
    found = set()
    for p in payments:
        assert len(p.family_no) == 16
        (line,) = [line for line in lines if p.family_no in line] or [
            f"{p.family_no} cut:\n{shown}"
        ]
        found.add(line.index(p.family_no))
    return found


async def test_every_va_shows_whole_and_aligned_beside_a_refund_row(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _a_day_with_a_refund(pilot)
        payments = list(app.screen.rows.values())
        assert "REFUND_DUE" in {p.state for p in payments}
        shown = screen_text(app)
        assert len(_where(shown, payments)) == 1, shown
        assert "Hrs kembali" in shown, shown  # the short words fit 80 columns

        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        shown = screen_text(app)
        assert len(_where(shown, payments)) == 1, shown
        assert "Uang harus dikembalikan" in shown, shown  # a wide screen has room for all of it


class TestHistorySnapshot:
    def test_history_with_a_refund_at_80x24(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=_a_day_with_a_refund)
