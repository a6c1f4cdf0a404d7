import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from loket.clock import parse_iso
from loket.domain.states import IllegalTransition, PaymentState
from loket.errors import StorageError
from loket.store import cashiers, payments
from loket.store.changes import HostAnswer, PaymentChange
from loket.store.opening import open_database
from tests.factories import payment as make_payment
from tests.factories import set_account

NOW = "2026-11-21T10:00:00+07:00"
NOW_DT = parse_iso(NOW)


@pytest.fixture
def engine(tmp_path):
    engine = open_database(tmp_path / "loket.db")
    set_account(engine, "kasir1", "246810")
    yield engine
    engine.dispose()


# SQLite's indexes on an expression are not reflected, so not compared: checked by their text
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index",
    "ignore:autogenerate skipping metadata-specified expression-based",
)
def test_migrations_from_an_empty_file_give_exactly_the_models(tmp_path):
    from loket.store.models import FAMILY_TAIL

    engine = open_database(tmp_path / "empty.db")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        indexed = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'ix_payment_family_tail'"
        ).scalar()
    assert diff == []
    assert indexed is not None and f"({FAMILY_TAIL})" in indexed
    open_database(tmp_path / "empty.db").dispose()  # applying again on start changes nothing


def test_every_connection_is_wal_full_with_foreign_keys(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def fresh(ref="PAY-1"):
    return make_payment("RECORDED", ref_id=ref)


def test_a_payment_is_recorded_with_its_first_event(engine):
    payments.record(engine, fresh(), actor="kasir1", state=PaymentState.RECORDED)
    stored = payments.get(engine, "PAY-1")
    assert (stored.state, stored.total, stored.change) == ("RECORDED", 752_500, 7_500)
    [event] = payments.events(engine, "PAY-1")
    assert (event.to_state, event.actor) == ("RECORDED", "kasir1")


def test_ref_id_is_unique_in_the_database_itself(engine, tmp_path):
    payments.record(engine, fresh(), actor="kasir1", state=PaymentState.RECORDED)
    with pytest.raises(payments.DuplicateRef):
        payments.record(engine, fresh(), actor="kasir1", state=PaymentState.RECORDED)
    raw = sqlite3.connect(tmp_path / "loket.db")
    row = raw.execute("SELECT * FROM payment").fetchone()
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            f"INSERT INTO payment VALUES (NULL, {', '.join('?' * (len(row) - 1))})", row[1:]
        )


def test_a_payment_needs_a_real_cashier(engine):
    with pytest.raises(IntegrityError):
        payments.record(
            engine,
            make_payment("RECORDED", cashier_id="ghost"),
            actor="x",
            state=PaymentState.RECORDED,
        )


def test_each_transition_is_written_and_illegal_ones_refused(engine):
    payments.record(engine, fresh(), actor="kasir1", state=PaymentState.RECORDED)
    payments.transition(engine, "PAY-1", PaymentState.SENDING, actor="fwd", now=NOW)
    payments.transition(
        engine,
        "PAY-1",
        PaymentState.SUCCESS,
        actor="fwd",
        now=NOW,
        answer=HostAnswer("00", "ok"),
        change=PaymentChange(host_sn="SN1"),
    )
    with pytest.raises(IllegalTransition):
        payments.transition(engine, "PAY-1", PaymentState.SENDING, actor="fwd", now=NOW)
    steps = [(e.from_state, e.to_state, e.rc) for e in payments.events(engine, "PAY-1")]
    assert steps == [
        ("", "RECORDED", ""),
        ("RECORDED", "SENDING", ""),
        ("SENDING", "SUCCESS", "00"),
    ]
    assert payments.get(engine, "PAY-1").host_sn == "SN1"


def test_pins_are_salted_scrypt_hashes(engine, tmp_path):
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT pin_hash FROM cashier").scalar()
    assert stored.startswith("scrypt$") and "246810" not in stored
    assert cashiers.hash_pin("246810") != cashiers.hash_pin("246810")  # salted
    assert cashiers.authenticate(engine, "kasir1", "246810", NOW_DT).id == "kasir1"
    with pytest.raises(cashiers.CashierError, match="PIN salah"):
        cashiers.authenticate(engine, "kasir1", "000000", NOW_DT)
    with pytest.raises(cashiers.CashierError, match="6 sampai 12"):
        set_account(engine, "k2", "123")
    assert b"246810" not in (tmp_path / "loket.db").read_bytes()


def test_failed_and_refund_due_are_one_transaction(engine):
    payments.record(engine, fresh(), actor="kasir1", state=PaymentState.RECORDED)
    payments.transition(engine, "PAY-1", PaymentState.SENDING, actor="fwd", now=NOW)
    done = payments.transition(
        engine,
        "PAY-1",
        PaymentState.FAILED,
        actor="fwd",
        now=NOW,
        answer=HostAnswer("84", "beda"),
        then=PaymentState.REFUND_DUE,
    )
    assert done.state == PaymentState.REFUND_DUE
    steps = [(e.from_state, e.to_state) for e in payments.events(engine, "PAY-1")][-2:]
    assert steps == [("SENDING", "FAILED"), ("FAILED", "REFUND_DUE")]
    with pytest.raises(IllegalTransition):  # a refused second step rolls back the first
        payments.transition(
            engine, "PAY-1", PaymentState.REFUNDED, actor="k", now=NOW, then=PaymentState.SENDING
        )
    assert payments.get(engine, "PAY-1").state == PaymentState.REFUND_DUE


def test_a_long_read_never_blocks_a_payment(engine):
    import time

    with engine.connect() as reader:
        reader.exec_driver_sql("SELECT count(*) FROM payment").scalar()  # a read transaction open
        start = time.monotonic()
        payments.record(engine, fresh("PAY-W"), actor="kasir1", state=PaymentState.RECORDED)
        assert time.monotonic() - start < 1.0  # busy_timeout is 10 s: it did not wait


def test_reads_do_not_wait_while_another_connection_writes(engine):
    """Look-ups the counter makes on every screen never queue behind a writer (issue 9)."""
    import time

    from loket.domain.billing import FamilyBill, Member
    from loket.domain.months import Month
    from loket.store import cashiers, families, settings, shifts
    from loket.store.db import write

    bill = FamilyBill(
        va_no="8888801000000011",
        head_name="SITI",
        branch="X",
        members=(Member("0001000000011", "SITI", 3),),
        periods=(Month(2026, 11),),
        arrears_months=0,
        months_ahead=0,
        premium=35_000,
        host_admin=2500,
        agent_price=36_000,
    )
    families.remember(engine, bill, "2026-11-21T10:00:00+07:00")
    with write(engine) as writer:  # another process holds the write lock
        writer.exec_driver_sql("UPDATE payment SET print_count = print_count")
        start = time.monotonic()
        shifts.current(engine, "kasir1")
        cashiers.get(engine, "kasir1")
        assert families.find(engine, "0001000000011") is not None
        settings.overrides(engine)
        payments.get(engine, "nothing")
        assert time.monotonic() - start < 0.5  # busy_timeout is 10 s: none of them waited


def test_a_write_outside_a_write_transaction_fails_at_once(engine):
    """A store function that forgets to declare its write is a loud bug, not a silent race."""
    from sqlalchemy.exc import OperationalError

    with pytest.raises(OperationalError, match="readonly"), engine.begin() as conn:
        conn.exec_driver_sql("UPDATE payment SET print_count = 1")


def test_a_ref_copied_from_a_slip_in_its_groups_of_four_finds_the_payment(engine):
    ref = "PAY-SU7SNT7RAQBRMVURPMQM4EE6XYIJHU3L"  # printed "PAY-SU7S NT7R AQBR MVUR" / "PMQM …"
    payments.record(engine, fresh(ref), actor="kasir1", state=PaymentState.RECORDED)
    day = NOW[:10]
    assert [p.ref_id for p in payments.of_day(engine, day, "PAY-SU7S NT7R AQBR")] == [ref]
    assert [p.ref_id for p in payments.of_day(engine, day, "AGUS SALIM")] == [
        ref
    ]  # names keep spaces


def test_a_database_from_before_shifts_holding_a_payment_is_upgraded(tmp_path):
    """Migration 0003 rebuilds the payment table (Alembic's batch mode copies it and drops the
    old one): with foreign keys on, the drop failed while any event pointed at a payment, so a
    counter of revision 0002 that had taken one payment could not start again (issue 18)."""
    from tests.factories import database_at

    [ref] = database_at(tmp_path / "old.db", "0002", ("QUEUED",))
    engine = open_database(tmp_path / "old.db")
    try:
        assert payments.get(engine, ref).state == PaymentState.QUEUED
        assert [e.to_state for e in payments.events(engine, ref)] == ["QUEUED"]
        with engine.connect() as conn:  # the keys are on again for everything after
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_an_upgrade_that_would_leave_a_row_pointing_nowhere_changes_nothing(tmp_path):
    from tests.factories import database_at

    database_at(tmp_path / "old.db", "0002", ("QUEUED",))
    conn = sqlite3.connect(tmp_path / "old.db")  # an event whose payment is gone
    conn.execute(
        "INSERT INTO paymentevent (payment_id, at, from_state, to_state, rc, message, "
        "actor) VALUES (99, ?, '', 'QUEUED', '', '', 'x')",
        (NOW,),
    )
    conn.commit()
    conn.close()
    with pytest.raises(
        StorageError,
        match="Pembaruan skema database dibatalkan: baris di tabel "
        "paymentevent menunjuk ke payment",
    ):
        open_database(tmp_path / "old.db")
    conn = sqlite3.connect(tmp_path / "old.db")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
    conn.close()


class TestSavepoint:
    """``Writing.savepoint`` undoes only its own part while the transaction stands; once the
    database has rolled the whole transaction back (SQLite does on an I/O error), its failure is
    the database's, never taken for "only this part failed" (a full disk once lost a payment's
    recording that way while the counter went on as if it were recorded)."""

    def test_a_bug_inside_undoes_only_its_part(self, engine):
        from loket.store.writing import Writing

        with Writing(engine) as w:
            w.record(
                make_payment("RECORDED", ref_id="SP1"), actor="kasir1", state=PaymentState.RECORDED
            )
            with pytest.raises(ZeroDivisionError), w.savepoint():
                w.record(
                    make_payment("RECORDED", ref_id="SP2"),
                    actor="kasir1",
                    state=PaymentState.RECORDED,
                )
                1 / 0  # noqa: B018
        assert payments.get(engine, "SP1") is not None
        assert payments.get(engine, "SP2") is None

    def test_a_transaction_gone_under_it_fails_as_the_database(self, engine):
        from loket.store.writing import Writing

        with pytest.raises(StorageError, match="disk"), Writing(engine) as w:
            w.record(
                make_payment("RECORDED", ref_id="SP3"), actor="kasir1", state=PaymentState.RECORDED
            )
            with w.savepoint():
                w.conn.exec_driver_sql("ROLLBACK")  # what SQLite does itself on an I/O error
                raise StorageError("disk I/O error")
        assert payments.get(engine, "SP3") is None
