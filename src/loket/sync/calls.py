"""What a payment says to its host, rebuilt from what is stored; what an answer must show to
confirm it; and what of an answer is kept."""

from __future__ import annotations

from loket.domain.attempts import Attempt
from loket.domain.money import format_rupiah
from loket.domain.payment import Payment
from loket.host.base import HostReply, PaymentRequest, Ticket
from loket.store.changes import HostAnswer


def request_for(payment: Payment) -> PaymentRequest:
    """Rebuilt from the stored row: the same body every time, so resends are idempotent."""
    return PaymentRequest(
        ref_id=payment.ref_id,
        customer_no=payment.customer_no,
        months_ahead=payment.months_ahead,
        amount=payment.premium,
        terminal_id=payment.terminal_id,
        cashier_id=payment.cashier_id,
        collected_at=payment.created_at,
        offline=payment.offline,
    )


def answer_of(reply: HostReply) -> HostAnswer:
    """The host's reply as the store keeps it (events, attempts, the payment): the one place."""
    return HostAnswer(rc=reply.rc, message=reply.message, meaning=str(reply.meaning))


def ticket(attempt: Attempt, payment: Payment) -> Ticket:
    return Ticket(attempt.host_ref, attempt.host_tx, payment.ref_id, payment.customer_no)


def changed_bill(payment: Payment, quoted: int) -> str:
    return (
        f"Tagihan berubah sejak uang diterima: sekarang {format_rupiah(quoted)}, dibayar "
        f"{format_rupiah(payment.premium)}. Pembayaran tidak dikirim; kembalikan uang"
    )


def confirms(payment: Payment, reply: HostReply) -> bool:
    """A success confirms this payment only if it shows the bill as paid: this family, the
    premium collected (a status answer is held to it here; a payment answer already was)."""
    bill = reply.bill
    return (
        bill is not None
        and bool(reply.sn)
        and bool(reply.paid_at)
        and bill.premium == payment.premium
        and (not payment.va_no or not bill.va_no or bill.va_no[-11:] == payment.va_no[-11:])
    )
