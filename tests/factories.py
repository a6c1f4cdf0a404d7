"""Payments and bills as the tests need them."""

from loket.domain.billing import FamilyBill, Member
from loket.domain.months import Month
from loket.store.payments import new_payment


def arrears_bill() -> FamilyBill:
    return FamilyBill(
        va_no="8888801000000029",
        head_name="AGUS SALIM",
        branch="BEKASI",
        members=(
            Member("0001000000029", "AGUS SALIM", 1),
            Member("0001000000128", "DEWI LESTARI", 2),
        ),
        periods=(Month(2026, 9), Month(2026, 10), Month(2026, 11)),
        arrears_months=2,
        months_ahead=0,
        premium=750_000,
        host_admin=2500,
        agent_price=751_000,
        customer_no="0001000000029",
    )


def payment(
    state="SUCCESS",
    ref_id="PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA",
    cashier_id="kasir1",
    created_at="2026-11-21T10:00:05+07:00",
    shift_id=None,
):
    p = new_payment(
        arrears_bill(),
        ref_id=ref_id,
        admin_fee=2500,
        cash=760_000,
        cashier_id=cashier_id,
        terminal_id="T01",
        now=created_at,
    )
    p.shift_id = shift_id
    p.state = state
    if state == "SUCCESS":
        p.host_sn, p.paid_at = "19866A7A63902A3D", "2026-11-21T10:00:06+07:00"
    return p


def record(state="SUCCESS", **kw):
    """The same payment as the rest of loket sees it (the domain record), for layouts."""
    from loket.store.payment_rows import payment_of

    row = payment(state, **kw)
    row.id = 1
    return payment_of(row)


def set_account(
    engine,
    cashier_id: str,
    pin: str = "123456",
    role: str = "cashier",
    now: str = "2026-11-21T07:00:00+07:00",
):
    """An account with a known PIN: created, or its PIN reset when it exists."""
    from loket.domain.accounts import Role
    from loket.store import cashiers

    if cashiers.get(engine, cashier_id) is None:
        return cashiers.add(engine, cashier_id, cashier_id.title(), pin, now, Role(role), "test")
    return cashiers.reset_pin(engine, cashier_id, pin, now, "test")


def database_at(path, revision: str, states: tuple[str, ...] = ("QUEUED",)) -> list[str]:
    """A database as loket of ``revision`` left it (unkeyed, no anchor): the cashier ``kasir1``
    and one payment in each of ``states`` with its first event, written with the columns that
    revision had. The payments' ref_ids."""
    from alembic import command

    from loket.store import db as store_db

    engine = store_db.make_engine(path, None)
    cfg = store_db._alembic()
    refs = []
    try:
        with store_db.write(engine) as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

            def insert(table: str, values: dict) -> int:
                names = [
                    row[1]
                    for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")
                    if row[1] in values
                ]
                return conn.exec_driver_sql(
                    f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                    f"({', '.join('?' for _ in names)})",
                    tuple(values[c] for c in names),
                ).lastrowid

            insert(
                "cashier",
                {
                    "id": "kasir1",
                    "name": "K",
                    "role": "cashier",
                    "pin_hash": "x",
                    "active": 1,
                    "created_at": "2026-11-21T07:00:00+07:00",
                    "failed_pins": 0,
                    "locked_until": "",
                },
            )
            for n, state in enumerate(states):
                row = payment(state, ref_id=f"PAY-OLD-{n}")
                payment_id = insert("payment", row.model_dump(exclude={"id"}))
                insert(
                    "paymentevent",
                    {
                        "payment_id": payment_id,
                        "at": row.created_at,
                        "from_state": "",
                        "to_state": state,
                        "rc": "",
                        "message": "",
                        "actor": "kasir1",
                    },
                )
                refs.append(row.ref_id)
    finally:
        engine.dispose()
    return refs
