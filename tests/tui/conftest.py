"""A LoketApp on a fresh simulator with a frozen clock: screens that look the same every run."""

import pytest

from loket.tui.app import LoketApp
from tests.conftest import make_runtime, start_sim


@pytest.fixture
def make_app(tmp_path):
    made = []

    def factory(**runtime_kw):
        sim = start_sim()
        rt = make_runtime(tmp_path, sim, **runtime_kw)
        made.append((sim, rt))
        app = LoketApp(rt, background=False)
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


async def inquire(pilot, number: str) -> None:
    await pilot.press(*number, "enter")
    await settle(pilot)
