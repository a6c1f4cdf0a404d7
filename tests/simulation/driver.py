"""The seeded driver: ``random.Random(seed)`` picks each step's actor, every step is written to
the trace, and the invariants are checked after it. ``run()`` raises ``Violation`` or answers
what happened.

Actors: a cashier inquiring a family from the simulator's population and paying it (cash at
least the total; offline when the host cannot be reached), the forwarder draining, the clock
moving (seconds to hours, across midnight sometimes), the network between loket and the host
dropping requests before or after the host committed them (the simulator's own fault modes),
and a crash (every in-memory object dropped, the database reopened and recovered).
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from loket.clock import iso
from loket.domain.states import NEEDS_FORWARDING
from loket.service.counter import PaymentRefused
from loket.sim.population import FIXED_FAMILIES, Population
from tests.simulation import invariants as inv
from tests.simulation.world import FAMILIES, World

NETWORK = ("none", "none", "drop_before", "drop_after")
SETTLE_ROUNDS = 40


@dataclass
class Run:
    seed: int
    profile: str
    trace: list[str]
    payments: int  # payments the counter recorded

    @property
    def events(self) -> int:
        return len(self.trace)


class Driver:
    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.seed = seed
        self.rng = random.Random(seed)
        self.population = Population(seed, FAMILIES)
        self.trace: list[str] = []
        self.regulars: list[str] = []  # numbers the cashiers have asked for

    def note(self, text: str) -> None:
        self.trace.append(f"{len(self.trace):04d} {iso(self.world.clock.now())} {text}")

    # -- actors -----------------------------------------------------------------------------
    def family_number(self) -> str:
        if self.regulars and self.rng.random() < 0.3:  # a family seen before: offline-payable
            return self.rng.choice(self.regulars)
        number = self.new_family_number()
        self.regulars.append(number)
        return number

    def new_family_number(self) -> str:
        if self.rng.random() < 0.15:  # the fixed families: pending ones, PBI, paid ahead
            family = self.rng.choice(FIXED_FAMILIES)
        else:
            family = self.population.family(self.rng.randrange(FAMILIES))
        member = self.rng.choice(family.members)
        return member.card_no if self.rng.random() < 0.7 else "88888" + family.va_tail

    def cashier(self) -> None:
        counter = self.world.rt.counter  # type: ignore[union-attr]
        number = self.family_number()
        ahead = self.rng.choice((0, 0, 0, 1, 2))
        found = counter.inquire(number, ahead)
        if found.bill is None or found.refusal or (found.error and not found.host_down):
            why = found.refusal or found.error or "no bill"
            self.note(f"cashier inquire {number}+{ahead}: {why}")
            return
        total = counter.total_for(found.bill)
        cash = total + self.rng.choice((0, 0, 500, 2_000, 50_000))
        try:
            paid = counter.pay(found.bill, cash, "latihan")
        except PaymentRefused as refused:
            self.note(f"cashier pay {number}+{ahead} total={total}: refused {refused}")
            return
        down = " offline" if found.host_down else ""
        self.note(
            f"cashier pay {number}+{ahead}{down} total={total} cash={cash}: "
            f"{paid.ref_id} {paid.state} rc={paid.host_rc}"
        )

    def drain(self) -> None:
        done = self.world.rt.counter.forwarder.drain()  # type: ignore[union-attr]
        self.note("drain: " + (" ".join(f"{p.ref_id}={p.state}" for p in done) or "nothing due"))

    def tick(self) -> None:
        roll = self.rng.random()
        if roll < 0.5:
            delta = timedelta(seconds=self.rng.randint(1, 120))
        elif roll < 0.85:
            delta = timedelta(minutes=self.rng.randint(2, 90))
        elif roll < 0.95:
            delta = timedelta(hours=self.rng.randint(2, 9))
        else:  # to just after midnight (or into the host's 23:55 cut-off)
            now = self.world.clock.now()
            midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0)
            delta = midnight - now + timedelta(minutes=self.rng.choice((-3, 1, 7)))
        self.world.clock.advance(seconds=delta.total_seconds())
        self.note(f"clock +{int(delta.total_seconds())}s")

    def network(self) -> None:
        mode = self.rng.choice(NETWORK)
        rate = self.rng.choice((0.3, 1.0))
        self.world.faults(mode, rate)
        self.note(f"network {mode} rate={rate}")

    def crash(self) -> None:
        self.world.crash()
        self.note("crash: runtime dropped, database reopened, recovered")
        self.check(inv.audit_verifies(self.world.rt.engine))  # type: ignore[union-attr]

    # -- checking ---------------------------------------------------------------------------
    def check(self, findings: list[inv.Finding]) -> None:
        if findings:
            self.note(f"VIOLATION {findings[0]}")
            raise inv.Violation(self.seed, self.world.profile, findings[0], self.trace)

    def check_step(self) -> None:
        engine = self.world.rt.engine  # type: ignore[union-attr]
        ledger = self.world.host_ledger()
        local = inv.Local(engine)
        self.check(inv.months_booked_once(ledger))
        self.check(inv.booked_not_owed_back(local, ledger))
        self.check(inv.states_follow_graph(local))

    def settle(self) -> None:
        """The network heals and time passes until nothing needs forwarding."""
        self.world.faults("none")
        forwarder = self.world.rt.counter.forwarder  # type: ignore[union-attr]
        for _ in range(SETTLE_ROUNDS):
            self.world.clock.advance(minutes=6)
            forwarder.drain(force=True)
            self.world.host_ledger()  # the host's pending payments come due
            local = inv.Local(self.world.rt.engine)  # type: ignore[union-attr]
            waiting = [p.ref_id for p in local.payments if p.state in NEEDS_FORWARDING]
            if not waiting:
                break
        else:
            self.check([inv.Finding("never_settled", f"still forwarding: {waiting}")])
        states = sorted((p.ref_id, str(p.state)) for p in local.payments)
        self.note("settled: " + " ".join(f"{ref}={state}" for ref, state in states))
        ledger = self.world.host_ledger()
        self.check(inv.settled_ledgers_agree(local, ledger))
        self.check(inv.months_booked_once(ledger))
        self.check(inv.states_follow_graph(local))
        self.check(inv.audit_verifies(self.world.rt.engine))  # type: ignore[union-attr]

    def run(self, steps: int) -> int:
        self.world.open()
        actors = (
            (self.cashier, 40),
            (self.drain, 20),
            (self.tick, 20),
            (self.network, 10),
            (self.crash, 5),
        )
        chosen = [a for a, _w in actors]
        weights = [w for _a, w in actors]
        for _ in range(steps):
            self.rng.choices(chosen, weights)[0]()
            self.check_step()
        self.settle()
        return len(inv.Local(self.world.rt.engine).payments)  # type: ignore[union-attr]


def run(seed: int, profile: str = "loket", steps: int = 40, root: Path | None = None) -> Run:
    """One seeded run in a fresh temporary directory; raises ``Violation``."""
    random.seed(seed)  # the forwarder's back-off jitter draws from the module's generator
    with tempfile.TemporaryDirectory(prefix="loket-sim-", dir=root) as tmp:
        world = World(Path(tmp), profile, seed)
        driver = Driver(world, seed)
        try:
            count = driver.run(steps)
        finally:
            world.close()
    return Run(seed, profile, driver.trace, count)
