"""``loket hub dashboard``: the owner's screen over every outlet, on a real hub."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from loket.clock import FixedClock
from loket.hub import schema
from loket.hub.owner import SILENT_AFTER
from loket.service.hub import desk as hub_desk
from loket.service.hub.dashboard import ALL, HubView, next_outlet
from loket.tui.hub import HubApp, HubDashboard
from tests.conftest import NOW
from tests.hub.helpers import admin, counter, pay
from tests.tui.conftest import burst

ROOT = Path(__file__).parents[2]
DAY = date(2026, 11, 21)


@pytest.fixture
def outlets(tmp_path, sim, hub_url):
    """WARUNG1 pushed two payments, WARUNG2 one; MINI3 is registered and never pushed."""
    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    made = []
    for terminal, numbers in (
        ("WARUNG1", ("0001000000011", "0001000000029")),
        ("WARUNG2", ("0001000000037",)),
        ("MINI3", ()),
    ):
        schema.add_counter(root, terminal)
        rt, desk = counter(tmp_path, sim, terminal, hub_url)
        for number in numbers:
            pay(rt, number)
        if numbers:
            desk.push()
        made.append((rt, desk))
    heard(root, "WARUNG1", NOW - timedelta(minutes=3))
    heard(root, "WARUNG2", NOW - timedelta(minutes=2))
    yield root
    for rt, desk in made:
        desk.close()
        rt.close()
    root.dispose()


def heard(root, terminal: str, at: datetime, backlog: int = 0) -> None:
    """When the hub last heard from a counter, set by hand: the screen must not depend on the
    wall clock."""
    with root.begin() as conn:
        conn.execute(
            text("UPDATE counter SET pushed_at = :at, backlog = :b WHERE terminal = :t"),
            {"at": at, "b": backlog, "t": terminal},
        )


def view(root) -> HubView:
    return HubView(root, FixedClock(NOW))


def test_every_outlet_with_its_cashiers_named_by_outlet(outlets):
    day = view(outlets).day(DAY)
    assert [o.terminal for o in day.outlets] == ["MINI3", "WARUNG1", "WARUNG2"]
    counts = {o.terminal: o.figures.count for o in day.outlets}
    assert counts == {"MINI3": 0, "WARUNG1": 2, "WARUNG2": 1}
    assert day.figures.count == 3
    assert day.figures.taken == sum(o.figures.taken for o in day.outlets)
    # the same cashier id on two counters is two people
    assert sorted(c.cashier_id for c in day.figures.by_cashier) == [
        "WARUNG1 / latihan",
        "WARUNG2 / latihan",
    ]
    assert [o.terminal for o in day.behind] == ["MINI3"]
    one = view(outlets).day(DAY, "WARUNG2")
    assert one.figures.count == 1 and one.shown == "WARUNG2"
    assert [c.cashier_id for c in one.figures.by_cashier] == ["latihan"]
    assert view(outlets).day(DAY + timedelta(days=1)).figures.count == 0


def test_a_counter_with_a_queue_or_silent_too_long_is_behind(outlets):
    heard(outlets, "WARUNG1", NOW - timedelta(minutes=1), backlog=5)
    heard(outlets, "WARUNG2", NOW - SILENT_AFTER - timedelta(minutes=1))
    day = view(outlets).day(DAY)
    assert [o.terminal for o in day.behind] == ["MINI3", "WARUNG1", "WARUNG2"]
    heard(outlets, "WARUNG1", NOW - timedelta(minutes=1))
    heard(outlets, "WARUNG2", NOW - SILENT_AFTER + timedelta(minutes=1))
    assert [o.terminal for o in view(outlets).day(DAY).behind] == ["MINI3"]


def test_the_outlet_key_goes_round_every_outlet(outlets):
    found = view(outlets).day(DAY).outlets
    order = [ALL]
    for _ in range(4):
        order.append(next_outlet(found, order[-1]))
    assert order == [ALL, "MINI3", "WARUNG1", "WARUNG2", ALL]
    assert next_outlet(found, "GONE") == "MINI3"


def test_an_idle_counter_still_reports_in_once_a_minute(tmp_path, sim, hub_url):
    """Without this, a counter with nothing to send looks like one the hub has lost."""
    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    schema.add_counter(root, "SEPI")
    rt, desk = counter(tmp_path, sim, "SEPI", hub_url)
    try:
        desk.push()  # its (empty) history: reports in
        long_ago = datetime(2026, 1, 1, tzinfo=NOW.tzinfo)
        heard(root, "SEPI", long_ago, backlog=3)
        pusher = desk.pusher()
        assert pusher.push() == 0
        with root.connect() as conn:
            at, backlog = conn.execute(
                text("SELECT pushed_at, backlog FROM counter WHERE terminal = 'SEPI'")
            ).one()
        assert at > long_ago and backlog == 0
        heard(root, "SEPI", long_ago)
        assert pusher.push() == 0  # within the minute: no second write
        with root.connect() as conn:
            assert (
                conn.execute(text("SELECT pushed_at FROM counter WHERE terminal = 'SEPI'")).scalar()
                == long_ago
            )
    finally:
        desk.close()
        rt.close()
        root.dispose()


async def _settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def notices(app) -> list[str]:
    """The notifications the app has shown (Textual keeps them until they time out)."""
    return [n.message for n in app._notifications]


def _shown(app) -> str:
    """The screen as the owner sees it, line by line."""
    assert isinstance(app.screen, HubDashboard)
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_the_screen_shows_every_outlet_and_who_is_behind(outlets):
    app = HubApp(view(outlets))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("left")  # the fixed clock's today is the payments' day; go back, then
        await pilot.press("right")  # forward again
        await _settle(pilot)
        shown = _shown(app)
        assert "Semua outlet — Sabtu 21/11/2026" in shown
        assert "! MINI3" in shown and "belum pernah mengirim" in shown
        assert "3 menit lalu" in shown and "2 menit lalu" in shown
        assert "Hub belum menerima semua dari MINI3" in shown
        await pilot.press("o", "o")
        await _settle(pilot)
        assert "Outlet WARUNG1 — Sabtu 21/11/2026" in _shown(app)
        assert app.screen.shown_day.figures.count == 2


async def test_d_shows_the_deposit_of_each_host_account_the_outlets_share(outlets):
    app = HubApp(view(outlets))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("d")
        await _settle(pilot)
        shown = _shown(app)
        assert "Deposit di host" in shown
        # both warungs pay from the one agent account of the simulator: one deposit
        assert "native:AGT-TEST (WARUNG1, WARUNG2)" in shown
        assert "Dipakai (3 lunas)" in shown
        assert "akun tidak diketahui (MINI3)" in shown
        await pilot.press("o", "o")  # WARUNG1 alone: its account only
        await _settle(pilot)
        shown = _shown(app)
        assert "native:AGT-TEST (WARUNG1, WARUNG2)" in shown and "MINI3)" not in shown
        await pilot.press("d")
        await _settle(pilot)
        assert "Rincian" in _shown(app) and "Deposit di host" not in _shown(app)


async def test_p_pressed_twice_writes_the_days_report_once(outlets, tmp_path):
    hub_view = HubView(outlets, FixedClock(NOW), folder=tmp_path / "laporan-hub")
    asked = []
    real = hub_view.report

    def counted(kind, day):
        asked.append((kind, day))
        return real(kind, day)

    hub_view.report = counted
    app = HubApp(hub_view)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await burst(pilot, "p", "p", "p")  # a bouncing key: all queued before the first acts
        assert asked == [("daily", DAY)]
        assert any(
            "Laporan semua outlet ditulis (3 transaksi)" in n
            and "laporan-hub-harian-2026-11-21.pdf" in n
            for n in notices(app)
        )
        assert sorted(f.name for f in (tmp_path / "laporan-hub").iterdir()) == [
            f"laporan-hub-harian-2026-11-21.{ext}" for ext in ("csv", "pdf", "xlsx")
        ]
        await pilot.press("b")  # once the first is written, the next one goes
        await _settle(pilot)
        assert asked[-1] == ("monthly", DAY)
        assert (tmp_path / "laporan-hub" / "laporan-hub-bulanan-2026-11.pdf").stat().st_size


async def test_another_days_money_is_never_shown_under_this_days_title(outlets):
    """The hub goes away; the owner presses ←: the panels must not keep the day before's
    figures under the new day's title."""
    app = HubApp(view(outlets))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        assert "Rp 1.737.500" in _shown(app)
        # the hub stops answering this view
        app.screen.view.engine = hub_desk.connect(None, "postgresql://nobody@/nowhere?host=/no")
        await pilot.press("left")
        await _settle(pilot)
        shown = _shown(app)
        assert "Jumat 20/11/2026" in shown and "Rp 1.737.500" not in shown
        assert "Belum dapat dimuat dari hub" in shown


async def test_answers_for_a_day_no_longer_asked_for_are_not_shown(outlets):
    app = HubApp(view(outlets))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        screen = app.screen
        stale = view(outlets).day(DAY - timedelta(days=3))
        screen.post_message(HubDashboard.Computed(stale))
        await _settle(pilot)
        assert screen.shown_day.day == DAY and screen.shown_day.figures.count == 3


async def test_a_hub_that_cannot_be_reached_is_one_line_and_the_screen_stays(pg, monkeypatch):
    monkeypatch.setenv("LOKET_HUB_PASSWORD", "wrong")
    engine = hub_desk.connect(None, pg.url("postgres"))
    app = HubApp(HubView(engine, FixedClock(NOW)))
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        shown = _shown(app)
        assert "Hub tidak dapat dihubungi" in shown or "Hub menolak" in shown
        assert "dicoba lagi" in shown and "Traceback" not in shown
        assert "Belum dapat dimuat dari hub" in shown
        await burst(pilot, "p")
        assert any(n.startswith("Laporan gagal ditulis: Hub") for n in notices(app))
    engine.dispose()


def test_the_screen_at_80x24(outlets, snap_compare):
    async def go_to_the_day(pilot):
        await _settle(pilot)

    assert snap_compare(HubApp(view(outlets)), terminal_size=(80, 24), run_before=go_to_the_day)


def test_without_a_hub_the_command_says_so_in_one_line(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LOKET_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-m", "loket", "--config", str(tmp_path / "no.toml"), "hub", "dashboard"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
