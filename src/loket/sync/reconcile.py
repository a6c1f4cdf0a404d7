"""Does the day add up? Every local payment of a day, checked against the host by status."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import Engine

from loket.domain.outcomes import Outcome
from loket.domain.states import PaymentState
from loket.host.base import HostAdapter
from loket.store import payments

S = PaymentState
HOST_STATE = {
    Outcome.SUCCESS: "success", Outcome.PENDING: "pending", Outcome.FINAL_FAILURE: "failed",
    Outcome.REJECTED: "failed", Outcome.NOT_FOUND: "not_found", Outcome.UNKNOWN: "unknown",
}
CLOSED_LOCALLY = {S.FAILED, S.REFUND_DUE, S.REFUNDED}


@dataclass(frozen=True)
class Difference:
    ref_id: str
    kind: str  # local_success_unknown_to_host | host_success_not_local | amount_differs | unsettled
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

    def as_json(self) -> dict:
        return {"date": self.date, "payments": self.payments,
                "differences": [asdict(d) for d in self.differences]}


def reconcile(engine: Engine, host: HostAdapter, day: str) -> Reconciliation:
    result = Reconciliation(day)
    for payment in reversed(payments.of_day(engine, day, limit=1_000_000)):
        reply = host.status(payment.ref_id)
        host_state = HOST_STATE[reply.outcome]
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

        if local == S.SUCCESS and host_state != "success":
            differ("local_success_unknown_to_host",
                   f"lunas di loket, host menjawab {host_state} ({reply.rc} {reply.message})")
        elif host_state == "success" and local != S.SUCCESS:
            differ("host_success_not_local", f"host mencatat lunas (sn {reply.sn}), loket: {local}")
        elif host_state == "success" and host_amount is not None and host_amount != payment.premium:
            differ("amount_differs", f"loket {payment.premium}, host {host_amount}")
        elif local not in CLOSED_LOCALLY and local != S.SUCCESS:
            differ("unsettled", f"belum final: loket {local}, host {host_state}")
    return result
