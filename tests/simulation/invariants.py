"""The money invariants, read from loket's database and the simulator's ledger after each step.

Each check answers a list of findings (empty when it holds); the driver turns the first into a
``Violation`` with the seed and the trace.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Engine

from loket.domain.payment import Payment
from loket.domain.states import CLOSED_UNPAID, TRANSITIONS, PaymentState
from loket.store import attempts, payments, verifying


@dataclass(frozen=True)
class Finding:
    invariant: str
    detail: str

    def __str__(self) -> str:
        return f"{self.invariant}: {self.detail}"


class Violation(AssertionError):
    """A broken invariant: the seed that replays it, what broke, and the steps that led there."""

    def __init__(self, seed: int, profile: str, finding: Finding, trace: list[str]) -> None:
        self.seed, self.profile, self.finding, self.trace = seed, profile, finding, trace
        tail = "\n".join(trace[-40:])
        super().__init__(
            f"seed={seed} profile={profile} invariant={finding.invariant}\n"
            f"{finding.detail}\ntrace (last {min(len(trace), 40)} of {len(trace)} lines):\n{tail}"
        )


class Local:
    """Every payment of the counter and the host references each one used (one read)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.payments: list[Payment] = payments.in_states(engine, set(PaymentState))
        by_id = {p.id: p for p in self.payments}
        made = attempts.of_payments(engine, list(by_id))
        self.by_host_ref: dict[str, Payment] = {p.ref_id: p for p in self.payments}
        for payment_id, tries in made.items():
            for attempt in tries:
                if attempt.host_ref:
                    self.by_host_ref[attempt.host_ref] = by_id[payment_id]


def months_booked_once(ledger: list[dict]) -> list[Finding]:
    """No family-month posted twice at the host."""
    seen = Counter((e["va_no"], month) for e in ledger if e["va_no"] for month in e["periods"])
    return [
        Finding("month_booked_twice", f"{va} {month} posted {n} times at the host")
        for (va, month), n in sorted(seen.items())
        if n > 1
    ]


def booked_not_owed_back(local: Local, ledger: list[dict]) -> list[Finding]:
    """A payment the host booked never ends owed back, refunded or failed at the counter."""
    found = []
    for entry in ledger:
        payment = local.by_host_ref.get(entry["ref_id"])
        if payment is not None and payment.state in CLOSED_UNPAID:
            found.append(
                Finding(
                    "booked_but_closed_unpaid",
                    f"{payment.ref_id} is {payment.state} but the host booked {entry['ref_id']}",
                )
            )
    return found


def states_follow_graph(local: Local) -> list[Finding]:
    """Every recorded move is an edge of ``domain/states.TRANSITIONS``."""
    found = []
    for payment in local.payments:
        trail = payments.events(local.engine, payment.ref_id)
        state = ""
        for event in trail:
            if event.from_state != state and state:
                found.append(
                    Finding("broken_trail", f"{payment.ref_id}: {state} then {event.from_state}")
                )
            if event.from_state and (
                PaymentState(event.to_state) not in TRANSITIONS[PaymentState(event.from_state)]
            ):
                found.append(
                    Finding(
                        "illegal_transition",
                        f"{payment.ref_id}: {event.from_state} -> {event.to_state}",
                    )
                )
            state = event.to_state
        if state and state != payment.state:
            found.append(
                Finding("trail_disagrees", f"{payment.ref_id}: {state} vs {payment.state}")
            )
    return found


def settled_ledgers_agree(local: Local, ledger: list[dict]) -> list[Finding]:
    """Once settled: every local SUCCESS is in the host's ledger exactly once, and every host
    entry is SUCCESS at the counter."""
    found = []
    booked = Counter()
    for entry in ledger:
        payment = local.by_host_ref.get(entry["ref_id"])
        if payment is None:
            found.append(
                Finding("host_entry_unknown", f"host {entry['ref_id']} not at the counter")
            )
            continue
        booked[payment.ref_id] += 1
        if payment.state is not PaymentState.SUCCESS:
            found.append(
                Finding(
                    "host_entry_not_success",
                    f"host booked {entry['ref_id']}; {payment.ref_id} is {payment.state}",
                )
            )
    for payment in local.payments:
        if payment.state is PaymentState.SUCCESS and booked[payment.ref_id] != 1:
            found.append(
                Finding(
                    "success_not_booked_once",
                    f"{payment.ref_id} SUCCESS, {booked[payment.ref_id]} entries at the host",
                )
            )
    return found


def audit_verifies(engine: Engine) -> list[Finding]:
    verdict = verifying.verify(engine)
    return [Finding("audit", f.text) for f in verdict.findings]
