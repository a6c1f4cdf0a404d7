"""Tables. Times are ISO 8601 text in WIB (+07:00): they sort, and a day is a prefix."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Index, Integer, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# The number a payment's family is known by, as its last 11 digits (a card and the VA made from it
# share them): its VA, else the number typed (a count-only host asked by card gives no VA).
FAMILY_TAIL = "substr(CASE WHEN va_no = '' THEN customer_no ELSE va_no END, -11)"


class CashierRow(SQLModel, table=True):
    __tablename__ = "cashier"

    id: str = Field(primary_key=True, max_length=32)
    name: str
    role: str = "cashier"  # cashier | owner
    pin_hash: str  # scrypt$n$r$p$salt$hash — never the PIN
    active: bool = True
    created_at: str
    failed_pins: int = 0  # wrong PINs in a row
    locked_until: str = ""  # ISO time; empty when not locked


class PaymentRow(SQLModel, table=True):
    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_family_tail", text(FAMILY_TAIL)),)  # months sold (0010)

    id: int | None = Field(default=None, primary_key=True)
    ref_id: str = Field(unique=True, index=True, max_length=64)  # client-generated, idempotency key
    customer_no: str = Field(index=True)  # as the cashier entered it
    va_no: str = Field(index=True)
    head_name: str
    branch: str = ""
    members: str  # JSON snapshot: [{"card_no", "name", "class"}] ([] from a count-only host)
    periods: str  # JSON: ["2026-11", …] ([] from a count-only host)
    member_count: int = 0  # how many people the bill covers (what count-only hosts give)
    month_count: int = 0  # how many months it pays
    months_ahead: int = 0
    arrears_months: int = 0
    premium: int  # to BPJS
    admin_fee: int  # the counter's fee
    total: int  # premium + admin_fee: what the customer pays
    cash: int  # cash received
    change: int
    agent_price: int  # deducted from the agent's deposit (as last quoted by the host)
    cashier_id: str = Field(foreign_key="cashier.id", index=True)
    terminal_id: str = ""
    state: str = Field(index=True)
    offline: bool = False
    host_rc: str = ""
    host_message: str = ""
    host_sn: str = ""
    paid_at: str = ""
    attempts: int = 0
    next_attempt_at: str = ""
    print_count: int = 0
    created_at: str = Field(index=True)
    updated_at: str
    shift_id: int | None = Field(default=None, foreign_key="shift.id", index=True)
    refund_shift_id: int | None = Field(default=None, foreign_key="shift.id")  # paid back from


class HostAttemptRow(SQLModel, table=True):
    """One use of a host reference by a payment, written before its call (domain/attempts.py)."""

    __tablename__ = "hostattempt"
    __table_args__ = (UniqueConstraint("payment_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    seq: int
    host_ref: str = Field(index=True)
    host_tx: str = ""
    state: str
    rc: str = ""
    message: str = ""
    quoted_premium: int = 0
    inquired_at: str = ""
    last_call_at: str = ""
    created_at: str
    updated_at: str
    may_arrive_until: str = ""  # a request sent without an answer may still post until then
    meaning: str = ""  # what the host's answer meant (domain/outcomes.py Meaning), "" before one


class PaymentEvent(SQLModel, table=True):
    """One row per state transition: when, from, to, the host's rc/message, who."""

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    at: str
    from_state: str = ""
    to_state: str
    rc: str = ""
    message: str = ""
    actor: str
    meaning: str = ""  # what the host's answer meant (domain/outcomes.py Meaning), "" for none


class FamilyCache(SQLModel, table=True):
    """The last bill seen for a family: what offline acceptance prices from. Found by its
    numbers (``FamilyNumber``), never by ``va_no``: a count-only host asked by card gives none."""

    id: int | None = Field(default=None, primary_key=True)
    va_no: str = ""  # the family's VA when the host gave one
    snapshot: str  # JSON: head, branch, members (or counts)
    inquired_at: str
    paid_through: str = ""  # YYYY-MM the family had paid through, as far as this counter knows


class FamilyNumber(SQLModel, table=True):
    """Every number a cached family is known by: the number typed, its VA, its members' cards.
    One family per number (the last bill that named it); never an empty number."""

    number: str = Field(primary_key=True)  # the last 11 digits: a card and its VA share them
    family_id: int = Field(foreign_key="familycache.id", index=True)


class ShiftRow(SQLModel, table=True):
    """A cashier's drawer from opening float to counted cash."""

    __tablename__ = "shift"

    id: int | None = Field(default=None, primary_key=True)
    cashier_id: str = Field(foreign_key="cashier.id", index=True)
    opened_at: str
    opening_float: int
    closed_at: str = ""
    closed_by: str = ""
    expected_cash: int | None = None
    counted_cash: int | None = None
    difference: int | None = None  # counted - expected: negative is a shortage
    note: str = ""


class AuditEntry(SQLModel, table=True):
    """Append-only and hash-chained: each row's hash covers the previous row's hash."""

    id: int | None = Field(default=None, primary_key=True)
    at: str
    actor: str
    action: str = Field(index=True)
    detail: str  # JSON
    prev_hash: str
    hash: str


class Setting(SQLModel, table=True):
    """Owner's settings made in the app; they override the configuration file."""

    key: str = Field(primary_key=True)
    value: str  # JSON
    updated_at: str
    updated_by: str


class DepositEntry(SQLModel, table=True):
    """What loket learned of its deposit at the host, in the order it learned it (``id``): a
    balance the host reported, what a payment took from the deposit, or what the host gave back.
    The owner's deposit movement is read from these (``reports/deposit.py``)."""

    __tablename__ = "deposit"

    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(index=True)  # when loket learned it (WIB)
    balance: int | None = None  # the balance the host reported, after ``change``
    change: int = 0  # -what a payment took, +what the host gave back; 0 for a balance alone
    ref_id: str = Field("", index=True)  # the payment, when it is about one


class HubOutbox(SQLModel, table=True):
    """A row recorded here, waiting for the owner's hub: written by triggers (migration 0007) in
    the same transaction as the row it copies. AUTOINCREMENT: a ``seq`` is never reused, even
    after the pushed rows are deleted (store/outbox.py)."""

    __tablename__ = "hub_outbox"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    key: str = Field(sa_column=Column(Text, nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON of the copied row


class HubMark(SQLModel, table=True):
    """The high-water mark: every outbox row at or below ``pushed_seq`` the hub has committed."""

    __tablename__ = "hub_mark"
    __table_args__ = (CheckConstraint("id = 1"),)

    id: int = Field(sa_column=Column(Integer, primary_key=True))
    pushed_seq: int = Field(sa_column=Column(Integer, nullable=False))
    pushed_at: str = Field(sa_column=Column(Text, nullable=False))
