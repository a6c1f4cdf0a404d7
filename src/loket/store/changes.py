"""What the unit of work (``store/writing.py``) writes, typed: a payment's change besides its state,
an attempt begun or answered, and what a host said — each field a real column.

The host's answer (``HostAnswer``) is the one record a new answer field is added to: its fields
are the columns of the same name on ``paymentevent`` and ``hostattempt``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from loket.domain.attempts import AttemptState
from loket.domain.months import Month
from loket.domain.payment import Payment
from loket.store.payment_rows import periods_text

ATTEMPT_MESSAGE_MAX = 200


class DuplicateRef(ValueError):
    pass


class FamilyTaken(ValueError):
    """Another payment of the family (confirmed, or on its way to the host) already pays a month
    this one would: nothing was recorded."""

    def __init__(self, other: Payment) -> None:
        super().__init__(other.ref_id)
        self.other = other


@dataclass(frozen=True)
class Claim:
    """The months a new payment claims for its family, checked in the transaction that records
    it (so two processes on one database cannot both take the same months): from ``first`` on,
    or — ``first`` None — any month."""

    family_no: str
    first: Month | None


@dataclass(frozen=True)
class HostAnswer:
    """What a host said, as the store keeps it: on the state change's event, on the attempt
    (its message cut to 200 characters) and on the payment (``host_rc``, ``host_message``).
    Each field is a column of ``paymentevent`` and ``hostattempt`` of the same name; it is
    built from the host's reply in one place (``sync/calls.py``, ``answer_of``)."""

    rc: str = ""
    message: str = ""
    meaning: str = ""  # what the host's answer meant (``domain/outcomes.Meaning``'s value)


NO_ANSWER = HostAnswer()


@dataclass(frozen=True)
class PaymentChange:
    """Payment columns that change besides its state; None leaves a column as it is."""

    updated_at: str | None = None
    attempts: int | None = None
    next_attempt_at: str | None = None
    host_sn: str | None = None
    paid_at: str | None = None
    agent_price: int | None = None
    periods: tuple[Month, ...] | None = None
    arrears_months: int | None = None
    print_count: int | None = None
    refund_shift_id: int | None = None

    def columns(self) -> dict[str, object]:
        values: dict[str, object] = {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }
        if self.periods is not None:
            values["periods"] = periods_text(self.periods)
        return values


UNCHANGED = PaymentChange()


@dataclass(frozen=True)
class NewAttempt:
    """The next attempt of a payment at its host, written before the call it is for."""

    host_ref: str
    state: AttemptState
    at: str
    host_tx: str = ""
    quoted_premium: int = 0
    inquired_at: str = ""
    last_call_at: str = ""
    may_arrive_until: str = ""


@dataclass(frozen=True)
class AttemptChange:
    """What changes on an attempt; None leaves a column as it is. ``answer``: the host's."""

    state: AttemptState | None = None
    answer: HostAnswer | None = None
    host_tx: str | None = None
    quoted_premium: int | None = None
    inquired_at: str | None = None
    last_call_at: str | None = None
    updated_at: str | None = None
    may_arrive_until: str | None = None
    note: str | None = None  # the attempt's message alone, without a host's answer

    def columns(self) -> dict[str, object]:
        values: dict[str, object] = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("answer", "note") and getattr(self, f.name) is not None
        }
        if self.note is not None:
            values["message"] = self.note
        if self.state is not None:
            values["state"] = str(self.state)
        if self.answer is not None:
            answer = asdict(self.answer)
            answer["message"] = self.answer.message[:ATTEMPT_MESSAGE_MAX]
            values |= answer
        return values


@dataclass(frozen=True)
class AttemptAnswer:
    """An attempt's change written with its payment's change, in the same transaction."""

    attempt_id: int
    change: AttemptChange
