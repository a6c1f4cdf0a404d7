"""Host attempts: what a payment did at its host, one reference at a time.

Real aggregators (Digiflazz, IAK) pay only a recent inquiry (Digiflazz: the same calendar day;
IAK: until it expires), by a host-side reference that is not loket's ``ref_id``, and a reference
is used up by its inquiry. So a payment keeps an ordered list of attempts, each written before its
call. The one rule that keeps a payment from being posted twice:

    a new host reference is minted only once the previous one is known not to have posted;
    after an unknown or pending outcome, only status queries follow.

"Known not to have posted" needs more than a host saying "not found": a payment request whose
connection ended without an answer (a time-out, a dropped line, the counter killed) may still
reach the host after the status query, so until its deadline and the host's processing window
have passed (``may_arrive_until``) a "not found" is no news. A host that answered "pending" has
the payment: "not found" afterwards is no news either. And a "failed" learned by a status query
(after "pending", or after an answer that was lost) is asked once more (``FAILING``) before any
cash is owed back.

The native host is the simplest case: every attempt uses the payment's own ``ref_id``, which the
host's idempotency makes safe to send again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class AttemptState(StrEnum):
    INQUIRING = "INQUIRING"  # an inquiry is (or was) on the wire: nothing can have been paid
    INQUIRED = "INQUIRED"  # the host quoted the bill under this reference; not paid yet
    PAYING = "PAYING"  # a payment call is (or was, before a crash) on the wire
    PENDING = "PENDING"  # the host took it, the biller has not answered
    FAILING = "FAILING"  # a status query called it failed: asked once more before a refund
    UNKNOWN = "UNKNOWN"  # the answer was lost or not believed
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"  # a final failure at the host: the cash is owed back
    NOT_POSTED = "NOT_POSTED"  # known not to have posted: a new reference may follow


A = AttemptState
OPEN = frozenset({A.PAYING, A.PENDING, A.FAILING, A.UNKNOWN})  # may have posted: status only
HEARD_PENDING = frozenset({A.PENDING, A.FAILING})  # the host has it: "not found" is no news
CLOSED = frozenset({A.SUCCESS, A.FAILED, A.NOT_POSTED})
NOTHING_SENT = frozenset({A.INQUIRING, A.INQUIRED})  # no payment call was made under it


@dataclass(frozen=True)
class Attempt:
    id: int
    payment_id: int
    seq: int  # 1, 2, … in the order they were made
    host_ref: str  # the reference this attempt uses at the host
    host_tx: str  # the host's transaction id for it (IAK's tr_id), when it gives one
    state: AttemptState
    rc: str
    message: str
    quoted_premium: int  # what the host's inquiry priced, 0 when there was none
    inquired_at: str  # when the host quoted it ("" without an inquiry)
    last_call_at: str  # the last pay or status call made with it (the polling discipline)
    created_at: str
    updated_at: str
    may_arrive_until: str = ""  # a payment request sent without an answer may post until then
    meaning: str = ""  # what the host's last answer meant (outcomes.Meaning's value), "" before

    @property
    def open(self) -> bool:
        return self.state in OPEN


def may_still_arrive(attempt: Attempt, now: datetime) -> bool:
    """A payment request of this attempt went out without an answer and may still reach the
    host (its deadline plus the host's processing window has not passed)."""
    return bool(attempt.may_arrive_until) and datetime.fromisoformat(attempt.may_arrive_until) > now


@dataclass(frozen=True)
class QuoteRule:
    """How long a host's inquiry may be paid (Digiflazz: the same Jakarta day; IAK: until it
    expires). Near the day's end a fresh inquiry is made after midnight rather than risking the
    boundary mid-call."""

    same_day: bool = False
    ttl: timedelta | None = None
    day_end_guard: timedelta = timedelta(minutes=5)

    def fresh(self, inquired_at: datetime, now: datetime) -> bool:
        if self.same_day and inquired_at.date() != now.date():
            return False
        return self.ttl is None or now - inquired_at < self.ttl

    def hold_until(self, now: datetime) -> datetime | None:
        """Too close to midnight to pay an inquiry of today: wait until just after it."""
        if not self.same_day:
            return None
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        if midnight - now <= self.day_end_guard:
            return midnight + timedelta(seconds=30)
        return None
