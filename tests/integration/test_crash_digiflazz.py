"""Kill the counter at random moments while it pays through Digiflazz (development mode), in every
fault mode; after one sync the counter's books and Digiflazz's ledger agree exactly
(store-and-forward.md §5, issue 10)."""

import pytest

from tests.crash.aggregator_site import kill_and_sync, site

# Digiflazz test numbers ("testing": true): pending then success, and a payment that fails
TEST_NUMBERS = ["9801234560001", "8801234560005"]


@pytest.mark.slow
@pytest.mark.timeout(300)  # ~2 minutes; more on a loaded machine
def test_sigkill_while_paying_through_digiflazz_loses_and_doubles_nothing(tmp_path):
    sim, config = site(tmp_path, "digiflazz")
    try:
        before = kill_and_sync(sim, config, tmp_path, "digiflazz", TEST_NUMBERS)
    finally:
        sim.stop()
    assert sum(before.values()) > 0
