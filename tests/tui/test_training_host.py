"""Training with ``--profile digiflazz|iak`` (issue 17, item 8): the login screen and F1 help name
the simulated host and list that host's own test numbers, and help offers only what it can do
(F1 listed the native host's numbers and "+ bayar di muka" on Digiflazz). The runtime comes
from the composition root, as ``loket --profile …`` makes it."""

import pytest

from loket.cli import boot
from loket.config import training_config
from loket.tui.app import LoketApp
from loket.tui.screens.help import HelpScreen
from tests.tui.conftest import settle


@pytest.fixture
def trained(tmp_path):
    made = []

    def factory(profile: str) -> LoketApp:
        rt = boot.start(training_config(tmp_path, profile=profile))
        made.append(rt)
        return LoketApp(rt, background=False, blink=False)

    yield factory
    for rt in made:
        rt.close()


def text(screen, selector: str) -> str:
    return "\n".join(str(s.content) for s in screen.query(selector))


@pytest.mark.parametrize(
    ("profile", "name", "own", "foreign", "ahead"),
    [
        ("loket", "host loket (simulator)", ["0001000000061"], ["8801234560001"], True),
        (
            "digiflazz",
            "Digiflazz (simulator)",
            ["8801234560001", "8801234560002", "9801234560005"],
            ["8801234560004"],
            False,
        ),
        (
            "iak",
            "IAK (simulator)",
            ["8801234560001", "8801234560004", "8801234560007"],
            ["9801234560001"],
            True,
        ),
    ],
)
async def test_login_and_help_name_the_simulated_host_and_its_numbers(
    trained, profile, name, own, foreign, ahead
):
    app = trained(profile)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert name in text(app.screen, "#training-hint")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        numbers = text(app.screen, "#help-numbers")
        assert name in numbers
        assert all(n in numbers for n in own)
        assert not any(n in numbers for n in foreign)
        assert "0001000000045  PBI: tidak bisa dibayar" in numbers  # every profile serves them
        everything = text(app.screen, "Static")
        assert ("bulan bayar di muka" in everything) is ahead
        assert "+ bayar di muka" not in everything


async def test_help_on_a_real_host_lists_no_test_numbers(make_app):
    app = make_app()
    app.runtime.training_host = None  # what a configured host's runtime has
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert not app.screen.query("#help-numbers")
        assert "0001000000011" not in text(app.screen, "Static")
