"""The seeded simulation in CI's budget: a few seeds per host profile with every invariant, the
same seed giving the same trace byte for byte, and the mutant found (and replayed exactly)."""

from __future__ import annotations

import pytest

from tests.simulation import mutants
from tests.simulation.driver import run
from tests.simulation.invariants import Violation

PROFILES = ("loket", "digiflazz", "iak")


@pytest.mark.parametrize("profile", PROFILES)
def test_seeds_keep_every_invariant(profile):
    for seed in (1, 2):
        done = run(seed, profile, steps=30)
        assert done.trace[-1].split(" ", 2)[2].startswith("settled:")


@pytest.mark.parametrize("profile", PROFILES)
def test_the_same_seed_gives_the_same_trace(profile):
    first = run(5, profile, steps=25).trace
    again = run(5, profile, steps=25).trace
    assert "\n".join(first).encode() == "\n".join(again).encode()


def test_the_remint_mutant_is_found_and_replays():
    with mutants.active("remint_after_unknown"), pytest.raises(Violation) as first:
        run(4, "loket", steps=60)
    with mutants.active("remint_after_unknown"), pytest.raises(Violation) as again:
        run(4, "loket", steps=60)
    assert first.value.seed == 4
    assert first.value.trace == again.value.trace
    run(4, "loket", steps=60)  # the same seed, unmutated: no violation
