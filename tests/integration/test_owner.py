"""The owner's side: permissions, lockout, shifts, reports against hand-computed figures, audit."""

import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from loket.clock import iso
from loket.domain.shifts import count_drawer
from loket.domain.states import PaymentState
from loket.printing.decode import decode
from loket.reports.figures import day_range, exceptions, figures, month_range
from loket.reports.monthly import month_figures
from loket.reports.service import Reports
from loket.service.access import AccessDenied
from loket.store import audit, cashiers, payments, shifts, verifying
from loket.store.changes import HostAnswer
from loket.store.db import write
from loket.store.shifts import ShiftError
from tests.factories import payment as make_payment
from tests.factories import set_account

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run

S = PaymentState


def pay(rt, number, cashier="latihan"):
    bill = rt.counter.inquire(number).bill
    return rt.counter.pay(bill, rt.counter.total_for(bill), cashier)


class TestPermissions:
    def test_a_cashier_cannot_approve_a_refund(self, runtime, sim):
        failed = pay(runtime, "0001000000086")
        assert failed.state == S.REFUND_DUE
        with pytest.raises(AccessDenied, match="Hanya pemilik"):
            runtime.counter.refund(failed.ref_id, "latihan", approved_by="latihan")
        assert payments.get(runtime.engine, failed.ref_id).state == S.REFUND_DUE
        done, _ = runtime.counter.refund(failed.ref_id, "latihan", approved_by="pemilik")
        assert done.state == S.REFUNDED

    def test_a_cashier_cannot_close_another_cashiers_shift(self, runtime):
        now = iso(runtime.clock.now())
        set_account(runtime.engine, "kasir2", "222222")
        other = shifts.open_shift(runtime.engine, "kasir2", 50_000, now)
        with pytest.raises(AccessDenied, match="Hanya pemilik"):
            runtime.counter.shifts.close(other.id, 50_000, "latihan")
        closed, printed = runtime.counter.shifts.close(other.id, 50_000, "pemilik")
        assert closed.shift.closed_by == "pemilik" and printed.ok

    @pytest.mark.parametrize(
        "args",
        [
            ["cashier", "list"],
            ["cashier", "add", "kasir9"],
            ["report", "daily", "--date", "2026-11-21", "--out", "x.pdf"],
        ],
    )
    def test_the_cli_refuses_a_cashiers_credentials(self, tmp_path, args):
        env = {
            "XDG_DATA_HOME": str(tmp_path),
            "PATH": "/usr/bin:/bin",
            "LOKET_AUDIT_KEY": os.environ["LOKET_AUDIT_KEY"],
        }  # the key this process uses
        first = subprocess.run(
            [sys.executable, "-m", "loket", "inquiry", "12345"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert first.returncode == 1  # training mode set up; now find its PIN
        db = tmp_path / "loket" / "latihan" / "loket.db"
        assert db.exists()
        # the training PIN is random and never stored in clear: set a known one for the test
        from loket.store.opening import open_database

        engine = open_database(db)
        set_account(engine, "latihan", "135790")
        set_account(engine, "pemilik", "246802", role="owner")
        engine.dispose()
        # `loket` itself resets the training accounts' PINs on start, so use a real config
        config = tmp_path / "loket.toml"
        config.write_text(
            f'[shop]\nname="T"\n[host]\nurl="http://127.0.0.1:9"\nagent_id="A"\n'
            f'key="kkkkkkkk"\n[database]\npath="{db}"\n'
        )
        run = subprocess.run(
            [sys.executable, "-m", "loket", "--config", str(config), *args, "--owner", "latihan"],
            input="135790\n111111\n",
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert run.returncode == 4 and "Hanya pemilik" in run.stderr
        ok = subprocess.run(
            [
                sys.executable,
                "-m",
                "loket",
                "--config",
                str(config),
                "cashier",
                "list",
                "--owner",
                "pemilik",
            ],
            input="246802\n",
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ok.returncode == 0 and "latihan" in ok.stdout


class TestLockout:
    def test_five_wrong_pins_lock_for_five_minutes_and_it_is_recorded(self, runtime):
        now = runtime.clock.now()
        for _attempt in range(4):
            with pytest.raises(cashiers.CashierError, match="PIN salah"):
                cashiers.authenticate(runtime.engine, "latihan", "000000", now)
        until = (now + timedelta(minutes=5)).strftime("%H:%M")
        with pytest.raises(cashiers.CashierError, match=f"terkunci sampai {until} WIB"):
            cashiers.authenticate(runtime.engine, "latihan", "000000", now)  # the fifth
        # Issue 17.7: the right PIN said "PIN salah" while locked; it says locked, until when,
        # and who can help — as any PIN does then, so it tells nothing about the PIN
        for pin in ("123456", "000000"):
            with pytest.raises(cashiers.CashierError) as refused:
                cashiers.authenticate(runtime.engine, "latihan", pin, now + timedelta(minutes=4))
            assert str(refused.value) == (
                f"Akun terkunci sampai {until} WIB (5 kali PIN salah): "
                "tunggu, atau minta pemilik me-reset PIN-nya"
            )
        assert (
            cashiers.authenticate(
                runtime.engine, "latihan", "123456", now + timedelta(minutes=5, seconds=1)
            ).id
            == "latihan"
        )
        actions = [row[3] for row in reversed(audit.entries(runtime.engine))]
        assert actions[-9:] == ["pin_failed"] * 5 + ["lockout"] + ["pin_refused_locked"] * 2 + [
            "login"
        ]

    def test_a_right_pin_resets_the_count(self, runtime):
        now = runtime.clock.now()
        for _ in range(4):
            with pytest.raises(cashiers.CashierError):
                cashiers.authenticate(runtime.engine, "latihan", "000000", now)
        cashiers.authenticate(runtime.engine, "latihan", "123456", now)
        for _ in range(4):  # four more wrong ones: still not locked, the count started again
            with pytest.raises(cashiers.CashierError):
                cashiers.authenticate(runtime.engine, "latihan", "000000", now)
        assert cashiers.authenticate(runtime.engine, "latihan", "123456", now).id == "latihan"

    def test_a_wrong_id_and_a_wrong_pin_get_the_same_answer(self, runtime):
        """Issue 8: "sisa n kali" for a known id only let ids be guessed."""
        now = runtime.clock.now()
        answers = set()
        for who in ("latihan", "nobody", "pemilik", ""):
            with pytest.raises(cashiers.CashierError) as err:
                cashiers.authenticate(runtime.engine, who, "000000", now)
            answers.add(str(err.value))
        assert len(answers) == 1


class TestShifts:
    def test_drawer_arithmetic(self):
        drawer = count_drawer(200_000, [107_500, 752_500], [72_500])
        assert drawer.expected == 200_000 + 107_500 + 752_500 - 72_500 == 987_500
        assert drawer.difference(980_000) == -7_500 and drawer.difference(987_500) == 0

    def test_a_shift_from_opening_to_z_report(self, runtime, sim):
        shift = shifts.current(runtime.engine, "latihan")  # opened with 100.000 by the fixture
        pay(runtime, "0001000000011")  # 107.500
        failed = pay(runtime, "0001000000086")  # 72.500 taken, then refund due
        runtime.counter.refund(failed.ref_id, "latihan", approved_by="pemilik")
        report = runtime.counter.shifts.report(shift.id, "latihan")
        assert report.drawer.expected == 100_000 + 107_500 + 72_500 - 72_500
        closed, printed = runtime.counter.shifts.close(shift.id, 200_000, "latihan")
        assert (closed.shift.expected_cash, closed.shift.counted_cash, closed.shift.difference) == (
            207_500,
            200_000,
            -7_500,
        )
        paper = "\n".join(decode(runtime.counter.delivery.sent[-1]))
        assert "LAPORAN SHIFT (Z)" in paper and "-Rp 7.500" in paper and "Audit" in paper
        assert shifts.current(runtime.engine, "latihan") is None
        with pytest.raises(ShiftError, match="sudah ditutup"):
            runtime.counter.shifts.close(shift.id, 0, "latihan")

    def test_a_shift_cannot_close_while_a_payment_is_sending(self, runtime, sim):
        shift = shifts.current(runtime.engine, "latihan")
        payment = pay(runtime, "0001000000011")
        with write(runtime.engine) as conn:
            conn.exec_driver_sql(
                "UPDATE payment SET state='SENDING' WHERE ref_id=?", (payment.ref_id,)
            )
        with pytest.raises(ShiftError, match="sedang dikirim"):
            runtime.counter.shifts.close(shift.id, 0, "latihan")

    def test_pending_payments_are_listed_on_the_report(self, runtime, sim):
        shift = shifts.current(runtime.engine, "latihan")
        runtime.counter.settings.pending_wait_s = 0
        pending = pay(runtime, "0001000000078")
        assert pending.state == S.PENDING
        report = runtime.counter.shifts.report(shift.id, "latihan")
        assert [p.ref_id for p in report.unsettled] == [pending.ref_id]

    def test_paying_needs_an_open_shift(self, runtime, sim):
        from loket.service.counter import PaymentRefused

        shift = shifts.current(runtime.engine, "latihan")
        runtime.counter.shifts.close(shift.id, 100_000, "latihan")
        bill = runtime.counter.inquire("0001000000011").bill
        with pytest.raises(PaymentRefused, match="Buka shift"):
            runtime.counter.pay(bill, 107_500, "latihan")


@pytest.fixture
def ledger(tmp_path):
    """A hand-made day: amounts chosen so every figure can be computed by hand."""
    from loket.store.opening import open_database

    engine = open_database(tmp_path / "r.db")
    for who in ("ani", "budi"):
        set_account(engine, who)
    rows = [  # (ref, cashier, time, final state); each payment: premium 750.000, admin 2.500,
        # total 752.500, agent price 751.000 (tests/factories.py)
        ("P1", "ani", "2026-11-21T08:15:00+07:00", S.SUCCESS),
        ("P2", "ani", "2026-11-21T08:45:00+07:00", S.SUCCESS),
        ("P3", "budi", "2026-11-21T13:05:00+07:00", S.SUCCESS),
        ("P4", "budi", "2026-11-21T13:30:00+07:00", S.REFUNDED),
        ("P5", "ani", "2026-11-21T19:00:00+07:00", S.PENDING),
        ("P6", "ani", "2026-11-20T09:00:00+07:00", S.SUCCESS),  # the day before
    ]
    for ref, who, at, state in rows:
        payments.record(
            engine,
            make_payment("RECORDED", ref_id=ref, cashier_id=who, created_at=at),
            actor=who,
            state=S.RECORDED,
        )
        steps = {
            S.SUCCESS: [S.SENDING, S.SUCCESS],
            S.PENDING: [S.SENDING, S.PENDING],
            S.REFUNDED: [S.SENDING, S.UNKNOWN, S.FAILED, S.REFUND_DUE, S.REFUNDED],
        }[state]
        for i, step in enumerate(steps):
            later = at[:14] + f"{int(at[14:16]) + i + 1:02d}" + at[16:]
            changed = step == S.FAILED  # the host said the amount is not the bill's
            payments.transition(
                engine,
                ref,
                step,
                actor=who,
                now=later,
                answer=HostAnswer("84", meaning="bill_changed") if changed else HostAnswer(),
            )
    yield engine
    engine.dispose()


class TestReports:
    def test_day_figures_match_the_hand_computed_ones(self, ledger):
        f = figures(ledger, *day_range(date(2026, 11, 21)))
        assert f.count == 5 and f.success_count == 3
        assert f.taken == 5 * 752_500 and f.refunded == 752_500
        assert f.cash_collected == 4 * 752_500
        assert (f.premium, f.admin_income, f.host_cost) == (3 * 750_000, 3 * 2_500, 3 * 751_000)
        assert f.margin == 3 * (752_500 - 751_000) == 4_500
        assert f.due_to_host == 2_253_000
        assert (f.unsettled_count, f.unsettled_amount) == (1, 752_500)
        assert {c.cashier_id: (c.count, c.success) for c in f.by_cashier} == {
            "ani": (3, 2),
            "budi": (2, 1),
        }
        assert f.hourly[8] == 2 and f.hourly[13] == 2 and f.hourly[19] == 1 and sum(f.hourly) == 5

    def test_month_figures_count_failures_and_resolution_times(self, ledger):
        m = month_figures(ledger, *month_range(2026, 11), "2026-11-24T12:00:00+07:00")
        assert m.totals.count == 6 and m.totals.success_count == 4
        assert [d[:2] for d in m.daily] == [("2026-11-20", 1), ("2026-11-21", 5)]
        assert m.failures == {
            "time_out": 1,
            "amount_mismatch": 1,
            "rejected": 0,
            "failed": 1,
            "refunded": 1,
        }  # a final failure is a kind of its own
        # P4 resolved (refunded) within minutes; P5 pending since 21st 19:00: 65 h, late
        assert (m.resolved_within, m.resolved_late, m.open_within, m.open_late) == (1, 0, 0, 1)

    def test_the_daily_pdf_says_the_same_numbers(self, ledger, tmp_path):
        from loket.clock import FixedClock, parse_iso
        from loket.printing.layouts import Shop

        reports = Reports(
            ledger,
            Shop("WARUNG BU SRI", "Jl. Melati 5", "AGT001", "T01"),
            FixedClock(parse_iso("2026-11-22T07:00:00+07:00")),
        )
        written = reports.daily(date(2026, 11, 21), tmp_path / "d.pdf", tmp_path / "d.csv")
        text = "\n".join(page.extract_text() for page in PdfReader(written.pdf).pages)
        for piece in (
            "WARUNG BU SRI",
            "AGT001",
            "Terminal T01",
            "Laporan Harian",
            "2026-11-21",
            "Rp 2.250.000",
            "Rp 7.500",
            "Rp 4.500",
            "Rp 2.253.000",
            "ani",
            "budi",
            "Transaksi per jam",
            "P5",
        ):
            assert piece in text, piece
        assert written.rows == 5
        assert written.csv.read_text().count("\n") == 6  # header + 5 rows

    def test_the_monthly_pdf_has_the_obligation_figures(self, ledger, tmp_path):
        from loket.clock import FixedClock, parse_iso
        from loket.printing.layouts import Shop

        reports = Reports(
            ledger, Shop("WARUNG BU SRI"), FixedClock(parse_iso("2026-11-24T12:00:00+07:00"))
        )
        written = reports.monthly(2026, 11, tmp_path / "m.pdf")
        text = "\n".join(page.extract_text() for page in PdfReader(written.pdf).pages)
        for piece in (
            "Laporan Bulanan",
            "Tingkat sukses",
            "Jumlah tagihan berbeda",
            "Time-out",
            "Belum selesai, LEWAT 48 jam",
            "66,7%",
        ):
            assert piece in text, piece

    def test_exceptions_are_oldest_first(self, ledger):
        assert [e.ref_id for e in exceptions(ledger)] == ["P5"]


class TestAudit:
    def test_every_state_change_and_login_is_chained(self, runtime, sim):
        pay(runtime, "0001000000011")
        cashiers.authenticate(runtime.engine, "latihan", "123456", runtime.clock.now())
        verdict = verifying.verify(runtime.engine)
        assert verdict.ok and verdict.rows >= 5
        actions = {row[3] for row in audit.entries(runtime.engine)}
        assert {"payment", "login", "shift_open", "cashier_add"} <= actions

    def test_an_altered_row_is_found(self, runtime, sim):
        pay(runtime, "0001000000011")
        db = sqlite3.connect(runtime.config.database.path)
        target = db.execute("SELECT id FROM auditentry WHERE action='payment' LIMIT 1").fetchone()[
            0
        ]
        db.execute(
            "UPDATE auditentry SET detail=replace(detail, '107500', '7500') WHERE id=?", (target,)
        )
        db.commit()
        verdict = verifying.verify(runtime.engine)
        assert (verdict.broken_at, verdict.reason) == (target, f"row {target} was altered")

    def test_a_removed_row_is_found_and_the_cli_exits_non_zero(self, runtime, sim, tmp_path):
        pay(runtime, "0001000000011")
        db = sqlite3.connect(runtime.config.database.path)
        db.execute("DELETE FROM auditentry WHERE id=3")
        db.commit()
        verdict = verifying.verify(runtime.engine)
        assert verdict.broken_at == 3 and "missing" in verdict.reason
        config = tmp_path / "c.toml"
        config.write_text(
            f'[shop]\nname="T"\n[host]\nurl="http://127.0.0.1:9"\nagent_id="A"\n'
            f'key="kkkkkkkk"\n[database]\npath="{runtime.config.database.path}"\n'
        )
        run = subprocess.run(
            [sys.executable, "-m", "loket", "--config", str(config), "audit", "verify"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 1 and "baris #3" in run.stderr

    def test_settings_changes_are_audited_and_applied(self, runtime):
        from loket.store import settings

        settings.change(runtime.engine, "fees.admin", 3000, "pemilik", "2026-11-21T10:00:00+07:00")
        runtime.settings.apply()
        assert runtime.counter.settings.admin_fee == 3000
        row = audit.entries(runtime.engine, 1)[0]
        assert row[3] == "setting_change" and '"new":3000' in row[4] and '"old":null' in row[4]
        with pytest.raises(settings.SettingError):
            settings.change(runtime.engine, "host.key", "x", "pemilik", "t")
