"""Does the day add up? Every local payment of a day checked against the host by status, and
everything the host booked that day checked against the local ledger.

A day is settled only when the two ledgers agree and nothing is left open: a refund still owed to
a customer (REFUND_DUE) or a payment that is not final is listed as a difference too, because the
day's cash does not add up until it is done (issue #7).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine

from loket.domain.attempts import OPEN, Attempt, AttemptState
from loket.domain.money import format_rupiah
from loket.domain.outcomes import Outcome
from loket.domain.payment import Payment
from loket.domain.states import FINAL, PaymentState, label
from loket.host.base import HostAdapter, HostReply, Ticket
from loket.store import attempts, payments
from loket.sync.attempting import ticket

log = logging.getLogger("loket.sync")
S = PaymentState
HOST_STATE = {
    Outcome.SUCCESS: "success", Outcome.PENDING: "pending", Outcome.FINAL_FAILURE: "failed",
    # a status query the host refused to answer (rate limit, signature) says nothing of the payment
    Outcome.REJECTED: "unknown", Outcome.NOT_POSTED: "not_found", Outcome.UNKNOWN: "unknown",
}
SENT = OPEN | {AttemptState.SUCCESS, AttemptState.FAILED}  # a payment call went out under it
NEVER_SENT = {S.RECORDED, S.QUEUED}


@dataclass(frozen=True)
class Difference:
    ref_id: str
    kind: str  # local_success_unknown_to_host | host_success_not_local | amount_differs |
    # host_booked_not_local | refund_due | unsettled
    local_state: str
    host_state: str
    local_amount: int
    host_amount: int | None
    detail: str


@dataclass
class Reconciliation:
    date: str
    payments: list[dict] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    host_ledger: bool = False  # the host said what it booked that day (host.booked)

    def as_json(self) -> dict:
        return {"date": self.date, "payments": self.payments,
                "differences": [asdict(d) for d in self.differences],
                "host_ledger_checked": self.host_ledger}


def _asked(payment: Payment, tried: list[Attempt]) -> Ticket | None:
    """What to ask the host about: the last attempt a payment may have posted under (native:
    its own ref_id, also for payments from before attempts were kept); None: nothing was sent."""
    sent = [a for a in tried if a.state in SENT]
    if sent:
        return ticket(sent[-1], payment)
    if not tried and payment.state not in NEVER_SENT:
        return Ticket(payment.ref_id, "", payment.ref_id, payment.customer_no)
    return None


def reconcile(engine: Engine, host: HostAdapter, day: str,
              now: datetime | None = None) -> Reconciliation:
    result = Reconciliation(day)
    local_day = list(reversed(payments.of_day(engine, day)))
    tried = attempts.of_payments(engine, [p.id for p in local_day])
    kept = host.retention_days
    too_old = kept is not None and now is not None and (
        now.date() - date.fromisoformat(day)).days > kept
    for payment in local_day:
        asked = None if too_old else _asked(payment, tried[payment.id])
        if asked is None:
            reply = HostReply(Outcome.NOT_POSTED, message="tidak pernah dikirim ke host"
                              if not too_old else f"lebih lama dari {kept} hari: host tidak "
                              "menyimpannya lagi, tidak dapat dicek")
        else:
            reply = host.status(asked)
        host_state = "too_old" if too_old else HOST_STATE[reply.outcome]
        host_amount = reply.bill.premium if reply.bill else None
        local = S(payment.state)
        result.payments.append({
            "ref_id": payment.ref_id, "customer_no": payment.customer_no,
            "amount": payment.premium, "total": payment.total, "local_state": str(local),
            "host_state": host_state, "host_sn": reply.sn or payment.host_sn,
        })

        def differ(kind: str, detail: str, payment=payment, local=local,
                   host_state=host_state, host_amount=host_amount) -> None:
            result.differences.append(Difference(payment.ref_id, kind, str(local), host_state,
                                                 payment.premium, host_amount, detail))

        if too_old and local in FINAL:
            continue
        if too_old:
            differ("unsettled", f"belum final dan {reply.message}")
        elif local == S.SUCCESS and host_state != "success":
            differ("local_success_unknown_to_host",
                   f"lunas di loket, host menjawab {host_state} ({reply.rc} {reply.message})")
        elif host_state == "success" and local != S.SUCCESS:
            differ("host_success_not_local", f"host mencatat lunas (sn {reply.sn}), loket: {local}")
        elif host_state == "success" and host_amount is not None and host_amount != payment.premium:
            differ("amount_differs", f"loket {payment.premium}, host {host_amount}")
        elif local == S.REFUND_DUE:
            differ("refund_due", f"uang {format_rupiah(payment.total)} belum dikembalikan ke "
                                 f"pelanggan ({payment.head_name})")
        elif local not in FINAL:
            differ("unsettled", f"belum final: loket {label(local)}, host {host_state}")
    seen = {p.ref_id for p in local_day} | {a.host_ref for group in tried.values() for a in group}
    _against_host_ledger(engine, host, day, seen, result)
    return result


def _against_host_ledger(engine: Engine, host: HostAdapter, day: str, seen: set[str],
                         result: Reconciliation) -> None:
    """What the host booked that day and this counter does not have, or does not call paid.

    A payment taken here on another day (forwarded after midnight) is found by its ref_id."""
    try:
        booked = host.booked(date.fromisoformat(day))
    except Exception:  # the host cannot say today: the status checks above still stand
        log.warning("reconcile: the host's ledger for %s could not be read", day, exc_info=True)
        booked = None
    if booked is None:
        return
    result.host_ledger = True
    for entry in booked:
        if entry.ref_id in seen:
            continue  # checked by status above
        local = payments.get(engine, entry.ref_id) or payments.by_host_ref(engine, entry.ref_id)
        if local is None:
            kind, state, amount = "host_booked_not_local", "", 0
            detail = (f"host membukukan {format_rupiah(entry.premium)} (sn {entry.sn}, VA "
                      f"{entry.va_no}) yang tidak ada di loket ini")
        elif local.state != S.SUCCESS:
            kind, state, amount = "host_success_not_local", local.state, local.premium
            detail = f"host mencatat lunas (sn {entry.sn}), loket: {local.state}"
        elif local.premium != entry.premium:
            kind, state, amount = "amount_differs", local.state, local.premium
            detail = f"loket {local.premium}, host {entry.premium}"
        else:
            continue
        result.differences.append(Difference(entry.ref_id, kind, state, "success", amount,
                                              entry.premium, detail))
