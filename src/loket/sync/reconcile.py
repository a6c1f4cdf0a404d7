"""Does the day add up? Every local payment of a day checked against the host by status, and
everything the host booked that day checked against the local ledger.

A day is settled only when the two ledgers agree and nothing is left open: a refund still owed to
a customer (REFUND_DUE) or a payment that is not final is listed as a difference too, because the
day's cash does not add up until it is done (issue #7).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine

from loket.domain.attempts import OPEN, Attempt, AttemptState
from loket.domain.money import format_rupiah
from loket.domain.outcomes import Meaning, Outcome
from loket.domain.payment import Payment
from loket.domain.states import FINAL, PaymentState, label
from loket.host.base import HostAdapter, HostReply, Ticket
from loket.store import attempts, payments
from loket.sync.calls import ticket

log = logging.getLogger("loket.sync")
S = PaymentState
HOST_STATE = {
    Outcome.SUCCESS: "success",
    Outcome.PENDING: "pending",
    Outcome.FINAL_FAILURE: "failed",
    # a status query the host refused to answer (rate limit, signature) says nothing of the payment
    Outcome.REJECTED: "unknown",
    Outcome.NOT_POSTED: "not_found",
    Outcome.UNKNOWN: "unknown",
}
SENT = OPEN | {AttemptState.SUCCESS, AttemptState.FAILED}  # a payment call went out under it
NEVER_SENT = {S.RECORDED, S.QUEUED}


@dataclass(frozen=True)
class Difference:
    ref_id: str
    kind: str  # local_success_unknown_to_host | host_success_not_local | amount_differs |
    # host_booked_not_local | refund_due | unsettled (| outlet_behind, from the hub)
    local_state: str
    host_state: str
    local_amount: int
    host_amount: int | None
    detail: str
    terminal: str = ""  # the outlet it belongs to ("" on a single counter, or no outlet's)
    cashier_id: str = ""


@dataclass
class Reconciliation:
    date: str
    payments: list[dict[str, Any]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    host_ledger: bool = False  # the host said what it booked that day (host.booked)

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "payments": self.payments,
            "differences": [asdict(d) for d in self.differences],
            "host_ledger_checked": self.host_ledger,
        }


@dataclass(frozen=True)
class DayLedger:
    """A day's payments as one source holds them (a counter's SQLite, the owner's hub)."""

    payments: list[Payment]  # oldest first
    attempts: Mapping[str, list[Attempt]]  # by the payment's ref_id (local ids repeat)
    find: Callable[[list[str]], dict[str, Payment]]  # by ref_id or host ref, any day
    per_outlet: bool = False  # across outlets: each difference names its terminal


# Asks the host about one payment; the attempt asked under (None: a payment from before
# attempts were kept). The hub's asker keeps to the host's polling discipline.
Ask = Callable[[Payment, Ticket, Attempt | None], HostReply]


def counter_day(engine: Engine, day: str) -> DayLedger:
    """This counter's own day, from its SQLite."""
    local_day = list(reversed(payments.of_day(engine, day)))
    tried = attempts.of_payments(engine, [p.id for p in local_day])

    def find(refs: list[str]) -> dict[str, Payment]:
        found = {
            ref: payments.get(engine, ref) or payments.by_host_ref(engine, ref) for ref in refs
        }
        return {ref: p for ref, p in found.items() if p is not None}

    return DayLedger(local_day, {p.ref_id: tried[p.id] for p in local_day}, find)


def _asked(payment: Payment, tried: list[Attempt]) -> tuple[Ticket, Attempt | None] | None:
    """What to ask the host about: the last attempt a payment may have posted under (native:
    its own ref_id, also for payments from before attempts were kept); None: nothing was sent."""
    sent = [a for a in tried if a.state in SENT]
    if sent:
        return ticket(sent[-1], payment), sent[-1]
    if not tried and payment.state not in NEVER_SENT:
        return Ticket(payment.ref_id, "", payment.ref_id, payment.customer_no), None
    return None


def reconcile(
    engine: Engine, host: HostAdapter, day: str, now: datetime | None = None
) -> Reconciliation:
    """``loket reconcile``: this counter's day against its host."""
    return compare(counter_day(engine, day), host, day, now)


def compare(
    ledger: DayLedger,
    host: HostAdapter,
    day: str,
    now: datetime | None = None,
    ask: Ask | None = None,
) -> Reconciliation:
    """Every payment of the day asked by status, then the host's own ledger of the day."""
    result = Reconciliation(day)
    ask = ask or (lambda _payment, asked, _attempt: host.status(asked))
    kept = host.retention_days
    too_old = (
        kept is not None and now is not None and (now.date() - date.fromisoformat(day)).days > kept
    )
    for payment in ledger.payments:
        asked = None if too_old else _asked(payment, ledger.attempts.get(payment.ref_id, []))
        if asked is None:
            reply = HostReply(
                Outcome.NOT_POSTED,
                meaning=Meaning.NOT_POSTED,
                message="tidak pernah dikirim ke host"
                if not too_old
                else f"lebih lama dari {kept} hari: host tidak "
                "menyimpannya lagi, tidak dapat dicek",
            )
        else:
            reply = ask(payment, *asked)
        host_state = "too_old" if too_old else HOST_STATE[reply.outcome]
        host_amount = reply.bill.premium if reply.bill else None
        local = S(payment.state)
        row = {
            "ref_id": payment.ref_id,
            "customer_no": payment.customer_no,
            "amount": payment.premium,
            "total": payment.total,
            "local_state": str(local),
            "host_state": host_state,
            "host_sn": reply.sn or payment.host_sn,
        }
        if ledger.per_outlet:
            row |= {"terminal": payment.terminal_id, "cashier_id": payment.cashier_id}
        result.payments.append(row)
        outlet = payment.terminal_id if ledger.per_outlet else ""

        def differ(
            kind: str,
            detail: str,
            payment: Payment = payment,
            local: PaymentState = local,
            host_state: str = host_state,
            host_amount: int | None = host_amount,
            outlet: str = outlet,
        ) -> None:
            result.differences.append(
                Difference(
                    payment.ref_id,
                    kind,
                    str(local),
                    host_state,
                    payment.premium,
                    host_amount,
                    detail,
                    outlet,
                    payment.cashier_id,
                )
            )

        if too_old and local in FINAL:
            continue
        if too_old:
            differ("unsettled", f"belum final dan {reply.message}")
        elif local == S.SUCCESS and host_state != "success":
            differ(
                "local_success_unknown_to_host",
                f"lunas di loket, host menjawab {host_state} ({reply.rc} {reply.message})",
            )
        elif host_state == "success" and local != S.SUCCESS:
            differ("host_success_not_local", f"host mencatat lunas (sn {reply.sn}), loket: {local}")
        elif host_state == "success" and host_amount is not None and host_amount != payment.premium:
            differ("amount_differs", f"loket {payment.premium}, host {host_amount}")
        elif local == S.REFUND_DUE:
            differ(
                "refund_due",
                f"uang {format_rupiah(payment.total)} belum dikembalikan ke "
                f"pelanggan ({payment.head_name})",
            )
        elif local not in FINAL:
            differ("unsettled", f"belum final: loket {label(local)}, host {host_state}")
    seen = {p.ref_id for p in ledger.payments} | {
        a.host_ref for group in ledger.attempts.values() for a in group
    }
    _against_host_ledger(ledger, host, day, seen, result)
    return result


def _against_host_ledger(
    ledger: DayLedger, host: HostAdapter, day: str, seen: set[str], result: Reconciliation
) -> None:
    """What the host booked that day and no payment here has, or does not call paid.

    A payment taken on another day (forwarded after midnight) is found by its ref_id."""
    try:
        booked = host.booked(date.fromisoformat(day))
    except Exception:  # the host cannot say today: the status checks above still stand
        log.warning("reconcile: the host's ledger for %s could not be read", day, exc_info=True)
        booked = None
    if booked is None:
        return
    result.host_ledger = True
    unseen = [entry for entry in booked if entry.ref_id not in seen]  # else checked by status
    found = ledger.find([entry.ref_id for entry in unseen]) if unseen else {}
    for entry in unseen:
        local = found.get(entry.ref_id)
        if local is None:
            kind, state, amount = "host_booked_not_local", "", 0
            where = "di outlet mana pun" if ledger.per_outlet else "di loket ini"
            detail = (
                f"host membukukan {format_rupiah(entry.premium)} (sn {entry.sn}, VA "
                f"{entry.va_no}) yang tidak ada {where}"
            )
        elif local.state != S.SUCCESS:
            kind, state, amount = "host_success_not_local", local.state, local.premium
            detail = f"host mencatat lunas (sn {entry.sn}), loket: {local.state}"
        elif local.premium != entry.premium:
            kind, state, amount = "amount_differs", local.state, local.premium
            detail = f"loket {local.premium}, host {entry.premium}"
        else:
            continue
        outlet = local.terminal_id if local is not None and ledger.per_outlet else ""
        result.differences.append(
            Difference(
                entry.ref_id,
                kind,
                state,
                "success",
                amount,
                entry.premium,
                detail,
                outlet,
                local.cashier_id if local is not None else "",
            )
        )
