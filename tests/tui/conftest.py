"""A LoketApp on a fresh simulator with a frozen clock: screens that look the same every run."""

import pytest
from textual import events

from loket.tui.app import LoketApp
from tests.conftest import make_runtime, start_sim


@pytest.fixture
def make_app(tmp_path):
    made = []

    def factory(background: bool = False, forward_every_s: float | None = None, **runtime_kw):
        """``runtime_kw``: configuration sections to change (``host={"settlement": …}``)."""
        sim = start_sim()
        rt = make_runtime(tmp_path, sim, **runtime_kw)
        made.append((sim, rt))
        app_kw = {} if forward_every_s is None else {"forward_every_s": forward_every_s}
        # no timers and a cursor that does not blink: screens that look the same every run
        app = LoketApp(rt, background=background, blink=False, **app_kw)
        app.sim = sim
        return app

    yield factory
    for sim, rt in made:
        rt.close()
        sim.thread.stop()


async def settle(pilot) -> None:
    """Let workers finish and the screen catch up."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def login(pilot, pin: str = "123456") -> None:
    await settle(pilot)
    await pilot.press(*pin, "enter")
    await settle(pilot)


async def owner_login(pilot) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#cashier-id").value = "pemilik"
    await pilot.press(*"123456", "enter")
    await settle(pilot)


async def inquire(pilot, number: str) -> None:
    await pilot.press(*number, "enter")
    await settle(pilot)


CHARACTERS = {"enter": "\r", "escape": "\x1b", "tab": "\t", "plus": "+", "minus": "-", "space": " "}


async def burst(pilot, *keys: str) -> None:
    """Keys as a scanner or a bouncing key sends them: every one queued before the first is
    handled (``pilot.press`` waits for the app after each key, which hides what a burst does)."""
    for key in keys:
        pilot.app.post_message(events.Key(key, CHARACTERS.get(key, key if len(key) == 1 else None)))
    await settle(pilot)


async def take_cash(pilot, *cash_keys: str, key: str = "enter") -> None:
    """Open the payment on the bill shown (Enter or F9; the shift is checked first), then type
    the cash and confirm."""
    await pilot.press(key)
    await settle(pilot)
    await pilot.press(*cash_keys, "enter")
    await settle(pilot)
