"""`loket serve` paying through Digiflazz or IAK, over real loopback HTTP: a count-only host
names a family by the card typed and gives no VA, and an idempotency key is still bound to the
request that first used it (issue 18, finding 7)."""

from __future__ import annotations

import pytest

from tests.conftest import AGENT, KEY
from tests.durability import ledger
from tests.integration.test_serve import NUMBER, Served
from tests.sim_profiles.conftest import start_profile_sim

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run


@pytest.fixture(params=["digiflazz", "iak"])
def sim(request):
    control = start_profile_sim(request.param)
    control.profile = request.param
    yield control
    control.thread.stop()


@pytest.fixture
def served(tmp_path, sim):
    db = ledger(tmp_path / "loket.db", paid=0)  # with the POS account `loket serve` acts as
    config = tmp_path / "loket.toml"
    testing = "testing = true\n" if sim.profile == "digiflazz" else ""
    config.write_text(
        f'[shop]\nname="T"\n[host]\nadapter="{sim.profile}"\nurl="{sim.url}"\n'
        f'username="{AGENT}"\nkey="{KEY}"\nmin_status_interval_s=0\n{testing}'
        f'[database]\npath="{db}"\n'
    )
    server = Served(config).ready()
    yield server
    server.stop()


@pytest.mark.parametrize("other", ["abc", " "])  # no digits at all: no number to match
def test_a_key_repeated_with_a_number_that_is_no_number_is_refused_not_replayed(served, sim, other):
    first = served.pay("pos-order-count-only")
    paid = first.json()
    assert first.status_code == 200, first.text
    assert paid["state"] == "SUCCESS" and paid["va_no"] == "" and paid["customer_no"] == NUMBER
    reused = served.pay("pos-order-count-only", number=other)
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused", (
        reused.text
    )
    assert reused.json()["ref_id"] == paid["ref_id"] and len(sim.ledger()) == 1
    again = served.pay("pos-order-count-only").json()  # the same request is still a replay
    assert again["replayed"] is True and again["ref_id"] == paid["ref_id"]
