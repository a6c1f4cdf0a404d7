"""The audit chain cannot be rewritten without the key: rewriting and rehashing, emptying it,
dropping it, or changing a payment behind its back are all found; rows from before the key stay
verifiable."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from alembic import command

from loket.store import anchor, audit, auditkey, payment_rows, payments, verifying
from loket.store import db as store_db
from loket.store.db import make_engine, write
from loket.store.dbfile import DatabaseRefused
from loket.store.failures import StorageFailure
from loket.store.opening import open_database
from tests.durability import NOW, ledger
from tests.factories import payment as make_payment


def raw(db, *statements: tuple) -> None:
    conn = sqlite3.connect(db)
    for sql, *params in statements:
        conn.execute(sql, *params)
    conn.commit()
    conn.close()


def verdict(db) -> verifying.Verdict:
    """What `loket doctor` and `loket audit verify` see, even of a database open would refuse."""
    engine = make_engine(db, auditkey.load_or_create())
    try:
        return verifying.verify(engine)
    finally:
        engine.dispose()


def texts(v: verifying.Verdict) -> list[str]:
    return [f.text for f in v.findings]


def rehash_from(db, first: int, digest) -> None:
    """What someone with the database but not the key does: change a row, recompute every hash."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT id, at, actor, action, detail FROM auditentry WHERE id >= ? ORDER BY id", (first,)
    ).fetchall()
    prev = conn.execute("SELECT hash FROM auditentry WHERE id = ?", (first - 1,)).fetchone()[0]
    for row_id, at, actor, action, detail in rows:
        new = digest(prev, at, actor, action, detail)
        conn.execute(
            "UPDATE auditentry SET prev_hash = ?, hash = ? WHERE id = ?", (prev, new, row_id)
        )
        prev = new
    conn.commit()
    conn.close()


def first_payment_row(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT min(id) FROM auditentry WHERE action = 'payment'").fetchone()[0]
    finally:
        conn.close()


class TestRewriting:
    def test_a_healthy_ledger_verifies(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=3)
        v = verdict(db)
        assert v.ok and v.payments == 3 and v.keyed_from == 2, texts(v)

    @pytest.mark.parametrize("how", ["sha256", "another_key"])
    def test_a_rewritten_and_rehashed_chain_is_found(self, tmp_path, how):
        db = ledger(tmp_path / "loket.db", paid=3)
        target = first_payment_row(db)
        raw(
            db,
            (
                "UPDATE auditentry SET detail = replace(detail, '752500', '7500') WHERE id = ?",
                (target,),
            ),
            ("UPDATE payment SET total = 7500 WHERE ref_id = 'PAY-0000'",),
        )
        if how == "sha256":
            rehash_from(db, target, audit.digest)  # the old, unkeyed scheme
        else:
            guess = b"\x01" * 32
            rehash_from(db, target, lambda *f: audit.keyed_digest(guess, *f))
        v = verdict(db)
        last = v.head_id
        assert f"baris #{target}–#{last} diubah: isinya tidak cocok dengan hash-nya" in texts(v)
        assert v.broken_at == target and v.reason == f"row {target} was altered"
        with pytest.raises(DatabaseRefused, match=f"baris log audit #{last} tidak sama"):
            open_database(db)  # the anchor recorded the head before the rewrite
        held = json.loads(anchor.path_for(db).read_text())
        held["audit_hash"] = verdict(db).head_hash  # the anchor rewritten too...
        anchor.path_for(db).write_text(json.dumps(held))
        with pytest.raises(DatabaseRefused, match="tidak cocok dengan kunci audit"):
            open_database(db)  # ... but the head does not verify with the key

    def test_deleting_every_row_is_found(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=2)
        raw(db, ("DELETE FROM auditentry",))
        v = verdict(db)
        assert v.rows == 0 and not v.ok
        found = texts(v)
        assert "penanda awal rantai berkunci (audit_keyed) hilang dari log audit" in found
        assert any(t.startswith("log audit terpotong") for t in found)
        assert "pembayaran PAY-0000 tidak punya jejak di log audit" in found
        with pytest.raises(DatabaseRefused, match="log audit terpotong"):
            open_database(db)

    def test_a_dropped_audit_table_is_one_line(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=1)
        raw(db, ("DROP TABLE auditentry",))
        with pytest.raises(StorageFailure) as err:
            open_database(db)
        assert err.value.kind == "schema" and err.value.exit_code == 1
        assert "tabel database hilang" in str(err.value) and "\n" not in str(err.value)

    def test_the_wrong_key_is_refused_before_anything_is_appended(self, tmp_path, monkeypatch):
        db = ledger(tmp_path / "loket.db", paid=1)
        size = db.stat().st_size
        monkeypatch.setenv("LOKET_AUDIT_KEY", str(tmp_path / "other.key"))
        with pytest.raises(DatabaseRefused, match=r"\(audit.key / LOKET_AUDIT_KEY\)"):
            open_database(db)
        assert db.stat().st_size == size


class TestPaymentsAgainstTheirTrail:
    def test_a_state_changed_in_the_payment_table_is_found(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=2)
        raw(db, ("UPDATE payment SET state = 'REFUND_DUE' WHERE ref_id = 'PAY-0001'",))
        found = texts(verdict(db))
        assert len(found) == 1
        assert found[0].startswith(
            "status pembayaran PAY-0001 diubah di luar loket: REFUND_DUE, "
            "padahal log audit terakhir (#"
        )
        assert found[0].endswith(") SUCCESS")

    def test_an_amount_changed_in_the_payment_table_is_found(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=2)
        raw(db, ("UPDATE payment SET total = 1 WHERE ref_id = 'PAY-0000'",))
        assert texts(verdict(db)) == [
            "jumlah pembayaran PAY-0000 diubah di luar loket: 1, padahal log audit mencatat 752500"
        ]

    def test_a_payment_deleted_from_the_middle_is_found(self, tmp_path):
        db = ledger(tmp_path / "loket.db", paid=3)
        raw(
            db,
            ("DELETE FROM paymentevent WHERE payment_id = 2",),
            ("DELETE FROM payment WHERE id = 2",),
        )
        found = texts(verdict(db))
        assert len(found) == 1 and found[0].startswith("pembayaran PAY-0001 ada di log audit")


class TestRowsFromBeforeTheKey:
    def test_legacy_rows_stay_verifiable_and_the_keyed_chain_starts_after_them(self, tmp_path):
        db = tmp_path / "old.db"
        engine = make_engine(db, None)
        cfg = store_db._alembic()
        with write(engine) as conn:  # a database as loket left it before migration 0004
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003")
            conn.exec_driver_sql(
                "INSERT INTO cashier (id, name, role, pin_hash, active, "
                "created_at, failed_pins, locked_until) VALUES "
                "('kasir1', 'K', 'cashier', 'x', 1, ?, 0, '')",
                (NOW,),
            )
            for ref, trail in (("PAY-OLD", False), ("PAY-MID", True)):
                values = make_payment("SUCCESS", ref_id=ref).model_dump(exclude={"id"})
                old = [
                    c
                    for c in payment_rows.PAYMENT_COLUMNS  # the columns 0003 had
                    if c not in ("member_count", "month_count")
                ]
                conn.exec_driver_sql(
                    f"INSERT INTO payment ({', '.join(old)}) VALUES "
                    f"({', '.join('?' for _ in old)})",
                    tuple(values[c] for c in old),
                )
                if trail:  # PAY-OLD was taken before there was an audit log
                    prev = conn.exec_driver_sql(audit.HEAD).first()
                    prev = prev[1] if prev else audit.GENESIS
                    body = audit.canonical({"ref_id": ref, "to": "SUCCESS", "total": 752_500})
                    conn.exec_driver_sql(
                        audit.INSERT,
                        (
                            NOW,
                            "kasir1",
                            "payment",
                            body,
                            prev,
                            audit.digest(prev, NOW, "kasir1", "payment", body),
                        ),
                    )
        engine.dispose()
        engine = open_database(db)  # migrates to 0004, starts the keyed chain and the anchor
        audit.log(engine, NOW, "kasir1", "login")
        v = verifying.verify(engine)
        engine.dispose()
        assert v.ok and v.keyed_from == 3 and v.payments == 2, texts(v)
        raw(db, ("UPDATE auditentry SET actor = 'someone' WHERE id = 1",))
        assert texts(verdict(db)) == ["baris #1 diubah: isinya tidak cocok dengan hash-nya"]

    def test_a_payment_from_before_the_audit_log_settled_after_the_upgrade_verifies(self, tmp_path):
        """Its trail starts at its first state change after the upgrade, which records no
        amount: "jumlah … diubah di luar loket … mencatat None" failed `loket doctor`, and so
        every backup, once a queue from before 0003 was sent (issue 18)."""
        from tests.factories import database_at

        db = tmp_path / "old.db"
        queued, paid = database_at(db, "0002", ("QUEUED", "SUCCESS"))
        engine = open_database(db)
        for step in ("SENDING", "SUCCESS"):
            payments.transition(engine, queued, step, actor="forwarder", now=NOW)
        v = verifying.verify(engine)
        engine.dispose()
        assert v.ok and v.payments == 2, texts(v)
        # a payment taken since still has its amount checked
        engine = open_database(db)
        payments.record(
            engine, make_payment("RECORDED", ref_id="PAY-NEW"), actor="kasir1", state="RECORDED"
        )
        engine.dispose()
        raw(db, ("UPDATE payment SET total = 1 WHERE ref_id = 'PAY-NEW'",))
        assert texts(verdict(db)) == [
            "jumlah pembayaran PAY-NEW diubah di luar loket: 1, padahal log audit mencatat 752500"
        ]


class TestTheKey:
    def test_made_once_owner_only_and_never_in_the_database(self, tmp_path, monkeypatch):
        path = tmp_path / "conf" / "audit.key"
        monkeypatch.setenv("LOKET_AUDIT_KEY", str(path))
        keys: list[bytes] = []
        threads = [
            threading.Thread(target=lambda: keys.append(auditkey.load_or_create()))
            for _ in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(keys)) == 1 and oct(path.stat().st_mode & 0o777) == "0o600"
        db = ledger(tmp_path / "loket.db", paid=2)
        secret = keys[0].hex().encode()
        for name in ("loket.db", "loket.db.anchor"):
            assert secret not in (tmp_path / name).read_bytes()
        assert anchor.load(db) is not None


class TestOneKeyPerDatabase:
    """Issue 17.10: two counters on one computer shared ~/.config/loket/audit.key."""

    @pytest.fixture
    def home(self, tmp_path, monkeypatch):
        monkeypatch.delenv("LOKET_AUDIT_KEY", raising=False)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        return tmp_path

    def test_two_counters_on_one_computer_each_keep_their_own_key(self, home):
        a = ledger(home / "a" / "loket.db", paid=2)
        b = ledger(home / "b" / "loket.db", paid=2)
        key_a, key_b = (auditkey.beside(db).read_bytes() for db in (a, b))
        assert key_a != key_b and not auditkey.shared_path().exists()
        assert oct(auditkey.beside(a).stat().st_mode & 0o777) == "0o600"
        for db in (a, b):  # each opens, appends and verifies with its own
            ledger(db, paid=1, first=7)
            engine = make_engine(db, auditkey.existing_for(db))
            try:
                assert verifying.verify(engine).ok
            finally:
                engine.dispose()

    def test_an_install_with_the_shared_key_keeps_verifying_and_adopts_it(self, home, monkeypatch):
        shared = auditkey.shared_path()
        monkeypatch.setenv("LOKET_AUDIT_KEY", str(shared))  # as every install did before
        old = ledger(home / "old" / "loket.db", paid=2)
        monkeypatch.delenv("LOKET_AUDIT_KEY")
        assert not auditkey.beside(old).exists()
        ledger(old, paid=1, first=2)  # opened by the new loket: the head verified, key adopted
        assert auditkey.beside(old).read_bytes() == shared.read_bytes()
        engine = make_engine(old, auditkey.existing_for(old))
        try:
            assert verifying.verify(engine).ok
        finally:
            engine.dispose()
        new = ledger(home / "new" / "loket.db", paid=1)  # a second counter: a key of its own
        assert auditkey.beside(new).read_bytes() != shared.read_bytes()

    def test_a_shared_key_that_does_not_verify_is_refused_and_not_adopted(self, home, monkeypatch):
        monkeypatch.setenv("LOKET_AUDIT_KEY", str(home / "elsewhere.key"))
        db = ledger(home / "c" / "loket.db", paid=1)
        monkeypatch.delenv("LOKET_AUDIT_KEY")
        auditkey.load_or_create(auditkey.shared_path())  # some other key
        with pytest.raises(DatabaseRefused, match="tidak cocok dengan kunci audit"):
            open_database(db)
        assert not auditkey.beside(db).exists()
