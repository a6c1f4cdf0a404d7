"""The unit of work: one write transaction over a payment and everything that belongs with it.

``with Writing(engine) as w:`` opens one transaction (``BEGIN IMMEDIATE``, committed with
``synchronous=FULL`` when the block ends, rolled back whole if it raises). Inside it a payment is
recorded or moved with its event and its audit row, its host attempts are begun or answered, and
what else must stand or fall with it is written — each write typed by what it is
(``store/changes.py``: ``PaymentChange``, ``NewAttempt``, ``AttemptChange``, ``HostAnswer``),
never by column names passed as keywords, never by a callback handed down into the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from loket.domain.attempts import NOTHING_SENT, Attempt, AttemptState
from loket.domain.payment import Payment, covering
from loket.domain.states import PaymentState, check_transition
from loket.errors import StorageError
from loket.store import attempts, audit
from loket.store.changes import (
    NO_ANSWER,
    UNCHANGED,
    AttemptAnswer,
    AttemptChange,
    Claim,
    DuplicateRef,
    FamilyTaken,
    HostAnswer,
    NewAttempt,
    PaymentChange,
)
from loket.store.db import write
from loket.store.models import PaymentRow
from loket.store.payment_rows import (
    COLUMN_SET,
    EVENT_COLUMNS,
    INSERT_EVENT,
    INSERT_PAYMENT,
    one,
    payment_of,
    row_values,
    sold,
)

NOT_USED = "tidak dipakai: tagihan ditanyakan ulang"  # an unpaid quote closed for a fresh one


class Writing:
    """One write transaction: ``with Writing(engine) as w:``."""

    def __init__(self, engine: Engine) -> None:
        self._transaction = write(engine)
        self._conn: Connection | None = None

    def __enter__(self) -> Writing:
        self._conn = self._transaction.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._conn = None
        self._transaction.__exit__(kind, error, trace)

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("Writing used outside its with-block")
        return self._conn

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """``with w.savepoint():`` — what is written in it is undone alone if it raises.

        Only while the transaction around it still stands: a failing disk (SQLite's I/O error)
        rolls back the whole transaction, the savepoint with it. Then its failure is re-raised
        as a database failure — never one the caller may take for "only this part failed" while
        everything before it in the transaction is gone too."""
        nested = self.conn.begin_nested()
        try:
            yield
        except BaseException as error:
            try:
                nested.rollback()
            except SQLAlchemyError as lost:  # the transaction is gone: nothing of it is written
                if isinstance(error, (StorageError, SQLAlchemyError)):
                    raise error from None
                raise lost from error
            raise
        else:
            nested.commit()

    # -- payments ---------------------------------------------------------------------------
    def record(
        self, row: PaymentRow, actor: str, state: PaymentState, claim: Claim | None = None
    ) -> Payment:
        """The payment, its first event and its audit row. The UNIQUE constraint on ref_id, not
        a prior look-up, refuses a duplicate (``DuplicateRef``). ``claim``: refused
        (``FamilyTaken``) when another payment whose months are sold covers a month of it."""
        row.state = state
        conn = self.conn
        if claim is not None:
            others = [p for p in sold(conn, claim.family_no) if p.ref_id != row.ref_id]
            other = covering(others, claim.first)
            if other is not None:
                raise FamilyTaken(other)
        try:
            cursor = conn.exec_driver_sql(INSERT_PAYMENT, row_values(row))
        except IntegrityError as exc:
            if "payment.ref_id" in str(exc.orig):
                raise DuplicateRef(row.ref_id) from None
            raise
        row.id = cursor.lastrowid
        self._event(row.id, row.created_at, "", state, actor, NO_ANSWER)
        self.audit(
            row.created_at,
            actor,
            "payment",
            {"ref_id": row.ref_id, "to": str(state), "total": row.total},
        )
        return payment_of(row)

    def payment(self, ref_id: str) -> Payment:
        found = one(self.conn, "ref_id", ref_id)
        if found is None:
            raise KeyError(ref_id)
        return found

    def transition(
        self,
        ref_id: str,
        new: PaymentState,
        *,
        actor: str,
        now: str,
        answer: HostAnswer = NO_ANSWER,
        note: str = "",
        then: PaymentState | None = None,
        change: PaymentChange = UNCHANGED,
        attempt: AttemptAnswer | None = None,
    ) -> Payment:
        """Move a payment to ``new`` if the state machine allows it from where it is now.

        ``then`` takes a second step in the same transaction (FAILED then REFUND_DUE), so a
        crash can never leave the payment between the two. ``answer`` is the host's, kept on
        the events, on the payment and on ``attempt``; ``note`` (without an answer) is only
        the events' message."""
        conn = self.conn
        row = conn.exec_driver_sql(
            "SELECT id, state FROM payment WHERE ref_id = ?", (ref_id,)
        ).one()
        payment_id, old = row[0], PaymentState(row[1])
        check_transition(old, new)
        told = answer if answer != NO_ANSWER or not note else HostAnswer(message=note)
        self._event(payment_id, now, old, new, actor, told)
        final = new
        if then is not None:
            check_transition(new, then)
            self._event(payment_id, now, new, then, actor, told)
            final = then
        self.audit(
            now,
            actor,
            "payment",
            {"ref_id": ref_id, "from": str(old), "to": str(final), "rc": answer.rc},
        )
        values = {"state": str(final), "updated_at": now, **change.columns()}
        if answer.rc or answer.message:
            values |= {"host_rc": answer.rc, "host_message": answer.message}
        self._set(payment_id, values)
        if attempt is not None:
            self.change_attempt(attempt.attempt_id, attempt.change)
        found = one(conn, "id", payment_id)
        assert found is not None  # in this very transaction
        return found

    def update(
        self, ref_id: str, change: PaymentChange, attempt: AttemptAnswer | None = None
    ) -> Payment:
        """Bookkeeping that is not a state change (print count, next attempt)."""
        payment = self.payment(ref_id)
        self._set(payment.id, change.columns())
        if attempt is not None:
            self.change_attempt(attempt.attempt_id, attempt.change)
        found = one(self.conn, "id", payment.id)
        assert found is not None
        return found

    def _set(self, payment_id: int, values: dict[str, object]) -> None:
        unknown = set(values) - COLUMN_SET
        if unknown:  # a PaymentChange field that is no column: a bug, found by any test
            raise ValueError(f"not payment columns: {sorted(unknown)}")
        if not values:
            return
        assignments = ", ".join(f"{name} = ?" for name in values)
        self.conn.exec_driver_sql(
            f"UPDATE payment SET {assignments} WHERE id = ?", (*values.values(), payment_id)
        )

    def _event(
        self, payment_id: int, at: str, old: str, new: str, actor: str, answer: HostAnswer
    ) -> None:
        event: dict[str, Any] = {
            "payment_id": payment_id,
            "at": at,
            "from_state": str(old),
            "to_state": str(new),
            "actor": actor,
            **asdict(answer),
        }
        self.conn.exec_driver_sql(INSERT_EVENT, tuple(event[c] for c in EVENT_COLUMNS))

    # -- attempts ---------------------------------------------------------------------------
    def last_attempt(self, payment_id: int) -> Attempt | None:
        return attempts.last_in(self.conn, payment_id)

    def add_attempt(
        self, payment_id: int, new: NewAttempt, close_before: Attempt | None = None
    ) -> Attempt:
        """The next attempt of a payment. ``close_before``: the previous attempt, when nothing
        was paid under it, is closed with it."""
        conn = self.conn
        if close_before is not None and close_before.state in NOTHING_SENT:
            self.change_attempt(
                close_before.id,
                AttemptChange(state=AttemptState.NOT_POSTED, updated_at=new.at, note=NOT_USED),
            )
        seq = conn.exec_driver_sql(
            "SELECT coalesce(max(seq), 0) + 1 FROM hostattempt WHERE payment_id = ?", (payment_id,)
        ).scalar()
        values: dict[str, Any] = {
            "payment_id": payment_id,
            "seq": seq,
            "host_ref": new.host_ref,
            "host_tx": new.host_tx,
            "state": str(new.state),
            **asdict(NO_ANSWER),
            "quoted_premium": new.quoted_premium,
            "inquired_at": new.inquired_at,
            "last_call_at": new.last_call_at,
            "created_at": new.at,
            "updated_at": new.at,
            "may_arrive_until": new.may_arrive_until,
        }
        cursor = conn.exec_driver_sql(attempts.INSERT, tuple(values[c] for c in attempts.COLUMNS))
        return attempts.attempt_of((cursor.lastrowid, *(values[c] for c in attempts.COLUMNS)))

    def change_attempt(self, attempt_id: int, change: AttemptChange) -> None:
        values = change.columns()
        if not values:
            return
        assignments = ", ".join(f"{name} = ?" for name in values)
        self.conn.exec_driver_sql(
            f"UPDATE hostattempt SET {assignments} WHERE id = ?", (*values.values(), attempt_id)
        )

    # -- the audit log ----------------------------------------------------------------------
    def audit(self, at: str, actor: str, action: str, detail: dict[str, object]) -> None:
        audit.append(self.conn, at, actor, action, detail)
