"""Payments and bills as the tests need them."""

from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.store.payments import new_payment


def arrears_bill() -> FamilyBill:
    return FamilyBill(
        va_no="8888801000000029", head_name="AGUS SALIM", branch="BEKASI",
        members=(Member("0001000000029", "AGUS SALIM", 1), Member("0001000000128", "DEWI LESTARI", 2)),
        periods=(Month(2026, 9), Month(2026, 10), Month(2026, 11)), arrears_months=2,
        months_ahead=0, premium=750_000, host_admin=2500, agent_price=751_000,
        customer_no="0001000000029")


def payment(state="SUCCESS", ref_id="PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA", cashier_id="kasir1",
            created_at="2026-11-21T10:00:05+07:00", shift_id=None):
    p = new_payment(arrears_bill(), ref_id=ref_id, admin_fee=2500, cash=760_000,
                    cashier_id=cashier_id, terminal_id="T01", now=created_at)
    p.shift_id = shift_id
    p.state = state
    if state == "SUCCESS":
        p.host_sn, p.paid_at = "19866A7A63902A3D", "2026-11-21T10:00:06+07:00"
    return p


def record(state="SUCCESS", **kw):
    """The same payment as the rest of loket sees it (the domain record), for layouts."""
    from loket.store.payments import _payment

    row = payment(state, **kw)
    row.id = 1
    return _payment(row)


def set_account(engine, cashier_id: str, pin: str = "123456", role: str = "cashier",
                now: str = "2026-11-21T07:00:00+07:00"):
    """An account with a known PIN: created, or its PIN reset when it exists."""
    from loket.domain.accounts import Role
    from loket.store import cashiers

    if cashiers.get(engine, cashier_id) is None:
        return cashiers.add(engine, cashier_id, cashier_id.title(), pin, now, Role(role), "test")
    return cashiers.reset_pin(engine, cashier_id, pin, now, "test")
