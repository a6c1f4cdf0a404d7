"""Acknowledged rows that vanish are noticed: the anchor beside the database records what the
customer was told, and a database that no longer holds it is refused on the next start."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading

import pytest

from loket.clock import SystemClock
from loket.domain.states import PaymentState
from loket.store import anchor, audit, cashiers, payments, verifying
from loket.store.db import make_engine
from loket.store.dbfile import DatabaseRefused
from loket.store.opening import open_database
from tests.durability import NOW, ledger, pay
from tests.factories import payment as make_payment

S = PaymentState

# A long-running process (`loket sync`) that holds the database: it forwards a queued payment
# before and after its WAL is deleted under it, then closes cleanly.
HOLDER = textwrap.dedent("""
    import sys
    from loket.domain.states import PaymentState as S
    from loket.store import payments
    from loket.store.opening import open_database
    engine = open_database(sys.argv[1])
    payments.transition(engine, "PAY-Q", S.SENDING, actor="sync", now="2026-11-21T10:01:00+07:00")
    print("holding", flush=True)
    sys.stdin.readline()
    payments.transition(engine, "PAY-Q", S.SUCCESS, actor="sync", now="2026-11-21T10:02:00+07:00")
    engine.dispose()
    print("closed", flush=True)
""")


def raw_refs(db) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT ref_id FROM payment ORDER BY id")]
    finally:
        conn.close()


def wal_deleted_under_a_running_process(db) -> list[str]:
    """The reproduction of issue #8 item 1; returns the refs the four payments were given."""
    engine = open_database(db)
    cashiers.ensure_pos_account(engine, "kasir1", NOW)
    pay(engine, "PAY-0001")
    payments.record(
        engine, make_payment("RECORDED", ref_id="PAY-Q"), actor="kasir1", state=S.QUEUED
    )
    engine.dispose()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    os.unlink(f"{db}-wal")
    os.unlink(f"{db}-shm")
    paid = []
    for i in range(4):  # four `loket pay`, each its own start: LUNAS, printed, told
        engine = open_database(db)
        paid.append(pay(engine, f"PAY-L{i}").ref_id)
        engine.dispose()
    holder.stdin.write("go\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "closed"
    assert holder.wait(timeout=30) == 0
    return paid


class TestLostRows:
    def test_rows_lost_with_a_deleted_wal_are_noticed_on_the_next_start(self, tmp_path):
        db = tmp_path / "loket.db"
        paid = wal_deleted_under_a_running_process(db)
        assert not set(paid) <= set(raw_refs(db))  # SQLite itself lost them, silently
        before = anchor.load(db).mark
        assert before.payment_ref == paid[-1]  # the holder's stale view did not move it back
        with pytest.raises(DatabaseRefused) as err:
            open_database(db)
        text = str(err.value)
        assert "sudah diakui" in text and "loket doctor" in text and "\n" not in text
        assert err.value.exit_code == 1

    def test_acknowledged_payments_cut_from_the_end_are_refused(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=4)
        conn = sqlite3.connect(db)
        conn.execute("DELETE FROM paymentevent WHERE payment_id = 4")
        conn.execute("DELETE FROM payment WHERE id = 4")
        conn.commit()
        conn.close()
        with pytest.raises(
            DatabaseRefused,
            match=r"sampai #4 \(PAY-0003\) sudah diakui, tetapi "
            r"database hanya berisi sampai #3",
        ):
            open_database(db)

    def test_a_different_payment_in_an_acknowledged_place_is_refused(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=2)
        conn = sqlite3.connect(db)
        conn.execute("UPDATE payment SET ref_id = 'PAY-OTHER' WHERE id = 2")
        conn.commit()
        conn.close()
        with pytest.raises(DatabaseRefused, match=r"#2 di database \(PAY-OTHER\) bukan yang "):
            open_database(db)

    def test_rows_cut_off_the_end_of_the_audit_log_are_found(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=3)
        conn = sqlite3.connect(db)
        last = conn.execute("SELECT max(id) FROM auditentry").fetchone()[0]
        conn.execute("DELETE FROM auditentry WHERE id > ?", (last - 3,))
        conn.commit()
        conn.close()
        with pytest.raises(
            DatabaseRefused,
            match=f"log audit terpotong: berakhir di baris "
            f"#{last - 3}, padahal sudah sampai #{last}",
        ):
            open_database(db)
        engine = make_engine(db, _key())  # what `loket doctor` and `audit verify` see
        verdict = verifying.verify(engine)
        engine.dispose()
        assert any("terpotong" in f.text for f in verdict.findings)


def _key() -> bytes:
    from loket.store import auditkey

    return auditkey.load_or_create()


class TestTheAnchorFile:
    def test_a_deleted_anchor_is_noticed(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=1)
        anchor.path_for(db).unlink()
        with pytest.raises(DatabaseRefused, match="file jangkar loket.db.anchor hilang"):
            open_database(db)

    def test_a_garbled_anchor_is_refused(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=1)
        anchor.path_for(db).write_text("{ not json")
        with pytest.raises(DatabaseRefused, match="file jangkar rusak"):
            open_database(db)

    def test_an_anchor_edited_to_hide_losses_does_not_verify(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=3)
        data = json.loads(anchor.path_for(db).read_text())
        data["payment_id"], data["payment_ref"] = 1, "PAY-0000"
        anchor.path_for(db).write_text(json.dumps(data))
        engine = make_engine(db, _key())
        _held, problems = anchor.findings(engine)
        engine.dispose()
        assert problems == [
            "tanda tangan file jangkar tidak cocok dengan kunci audit (diubah "
            "dari luar, atau kunci lain)"
        ]

    def test_a_database_from_before_anchors_gets_one_and_says_so(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=2)
        anchor.path_for(db).unlink()
        conn = sqlite3.connect(db)  # as if written by a loket without anchors
        conn.execute("DELETE FROM auditentry WHERE action = 'anchor_started'")
        conn.commit()
        conn.close()
        engine = open_database(db)  # accepted: nothing says an anchor ever existed
        engine.dispose()
        assert anchor.load(db).mark.payment_id == 2

    def test_the_anchor_is_written_atomically_and_owner_only(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=1)
        names = sorted(p.name for p in tmp_path.iterdir())
        assert "loket.db.anchor.tmp" not in names
        assert oct(anchor.path_for(db).stat().st_mode & 0o777) == "0o600"


class TestConcurrentAcknowledgements:
    def test_the_anchor_only_moves_forward_and_ends_at_the_newest_payment(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=1)
        seen: list[int] = []
        original = anchor._save

        def spy(store, mark):
            seen.append(mark.payment_id)
            original(store, mark)

        anchor._save = spy
        try:

            def counter(n: int) -> None:
                engine = open_database(db)  # each its own engine, as separate terminals
                for i in range(8):
                    pay(engine, f"PAY-T{n}-{i}")
                engine.dispose()

            threads = [threading.Thread(target=counter, args=(n,)) for n in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            anchor._save = original
        assert seen == sorted(seen)  # written under the lock, never backwards
        assert anchor.load(db).mark.payment_id == 33 == len(raw_refs(db))


class TestRestoringABackup:
    def test_a_restored_backup_is_refused_until_the_owner_accepts_it(self, tmp_path):
        from loket.store import backup

        db = ledger(tmp_path / "loket.db", paid=2)
        copy = backup.make(db, SystemClock().now())
        ledger(db, paid=3, first=2)  # three more payments after the backup
        for name in ("loket.db-wal", "loket.db-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        copy_bytes = copy.read_bytes()
        db.write_bytes(copy_bytes)  # the README's restore: stop loket, copy the backup over
        with pytest.raises(DatabaseRefused, match="#5 .PAY-0004. sudah diakui"):
            open_database(db)
        engine = make_engine(db, _key())
        before, after = anchor.reset(engine, "pemilik", NOW)
        engine.dispose()
        assert (before.payment_id, after.payment_id) == (5, 2)
        engine = open_database(db)
        assert audit.entries(engine, 1)[0][3] == "anchor_reset"
        assert verifying.verify(engine).ok
        engine.dispose()
