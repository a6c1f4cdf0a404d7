"""Kill the counter at random moments while it pays through IAK, in every fault mode; after one
sync the counter's books and IAK's ledger agree exactly (store-and-forward.md §5, issue 10)."""

import pytest

from tests.crash.aggregator_site import kill_and_sync, site

# IAK test numbers: payment pending then success (rc 39), and payment failed (rc 37)
TEST_NUMBERS = ["8801234560007", "8801234560006"]


@pytest.mark.slow
@pytest.mark.timeout(300)  # ~2 minutes; more on a loaded machine
def test_sigkill_while_paying_through_iak_loses_and_doubles_nothing(tmp_path):
    sim, config = site(tmp_path, "iak")
    try:
        before = kill_and_sync(sim, config, tmp_path, "iak", TEST_NUMBERS)
    finally:
        sim.stop()
    assert sum(before.values()) > 0
