"""The rules live in the services: every owner-only action refuses a cashier, whoever calls it
(issue 9), training accounts are made once (issue 7.5), and `loket pay` acts only as the
configured POS account (issue 8.11)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from loket.domain.accounts import Role
from loket.service.access import AccessDenied
from loket.service.accounts import AccountDesk
from loket.store.cashiers import CashierError
from tests.factories import set_account

CASHIER, OWNER = "latihan", "pemilik"


class TestOwnerOnlyServices:
    """Each owner-only service, called directly with a cashier's id, is refused."""

    @pytest.mark.parametrize(
        "call",
        [
            lambda rt: rt.settings.values(CASHIER),
            lambda rt: rt.settings.change(CASHIER, {"fees.admin": "9.000"}),
            lambda rt: rt.accounts.list(CASHIER),
            lambda rt: rt.accounts.add(CASHIER, "kasir7", "Tujuh", "777777"),
            lambda rt: rt.accounts.add_pos(CASHIER, "pos2"),
            lambda rt: rt.accounts.reset_pin(CASHIER, OWNER, "999999"),
            lambda rt: rt.accounts.deactivate(CASHIER, OWNER),
            lambda rt: rt.accounts.reactivate(CASHIER, OWNER),
            lambda rt: rt.reports.day(CASHIER, date(2026, 11, 21)),
            lambda rt: rt.reports.daily(CASHIER, date(2026, 11, 21)),
            lambda rt: rt.reports.monthly(CASHIER, 2026, 11),
            lambda rt: rt.counter.shifts.open_ones(CASHIER),
        ],
        ids=[
            "settings-view",
            "settings-change",
            "accounts-list",
            "accounts-add",
            "accounts-pos",
            "accounts-reset",
            "accounts-deactivate",
            "accounts-reactivate",
            "report-day",
            "report-daily",
            "report-monthly",
            "shifts-open",
        ],
    )
    def test_a_cashier_is_refused(self, runtime, call):
        with pytest.raises(AccessDenied, match="Hanya pemilik"):
            call(runtime)

    def test_nothing_changed_when_refused(self, runtime):
        with pytest.raises(AccessDenied):
            runtime.settings.change(CASHIER, {"fees.admin": "9.000"})
        assert runtime.counter.settings.admin_fee == 2500
        assert runtime.settings.change(OWNER, {"fees.admin": "3.000"}) == 1  # the Indonesian way
        assert runtime.counter.settings.admin_fee == 3000

    def test_a_wrong_setting_changes_nothing(self, runtime):
        with pytest.raises(Exception, match="Maks. jumlah antre"):
            runtime.settings.change(OWNER, {"fees.admin": "4000", "offline.max_count": "banyak"})
        assert runtime.counter.settings.admin_fee == 2500

    def test_a_cashier_cannot_refund_or_close_anothers_shift(self, runtime):
        set_account(runtime.engine, "kasir2", "222222")
        other = runtime.counter.shifts.open("kasir2", 0)
        with pytest.raises(AccessDenied):
            runtime.counter.shifts.close(other.id, 0, CASHIER)
        with pytest.raises(AccessDenied):
            runtime.counter.shifts.report(other.id, CASHIER)
        with pytest.raises(AccessDenied):
            runtime.counter.refund("PAY-ANY", CASHIER, approved_by=CASHIER)


class TestAccounts:
    def test_adding_an_existing_id_never_resets_its_pin(self, runtime):
        """The TUI's "add" used to reset the PIN of whoever had that id, the owner's included."""
        with pytest.raises(CashierError, match="sudah ada"):
            runtime.accounts.add(OWNER, OWNER, "Siapa", "582914")
        assert runtime.accounts.login(OWNER, "123456").account.is_owner
        runtime.accounts.deactivate(OWNER, CASHIER)
        with pytest.raises(CashierError, match="nonaktif"):
            runtime.accounts.add(OWNER, CASHIER, "Lagi", "582914")
        assert runtime.accounts.reactivate(OWNER, CASHIER).active

    def test_no_pin_is_refused_without_counting_an_attempt(self, runtime):
        for _ in range(10):
            with pytest.raises(CashierError, match="belum diisi"):
                runtime.accounts.login(CASHIER, "")
            with pytest.raises(CashierError, match="belum diisi"):
                runtime.accounts.approve(OWNER, "")
        assert runtime.accounts.login(CASHIER, "123456").account.id == CASHIER  # not locked

    @pytest.mark.parametrize("pin", ["111111", "123456", "987654", "121212"])
    def test_a_weak_pin_is_refused_wherever_a_pin_is_set(self, runtime, pin):
        """Issue 17.7: `111111` and `123456` were accepted for any account."""
        with pytest.raises(CashierError, match="mudah ditebak"):
            runtime.accounts.add(OWNER, "kasir7", "Tujuh", pin)
        with pytest.raises(CashierError, match="mudah ditebak"):
            runtime.accounts.reset_pin(OWNER, CASHIER, pin)
        assert runtime.accounts.login(CASHIER, "123456").account.id == CASHIER  # unchanged
        assert runtime.accounts.add(OWNER, "kasir7", "Tujuh", "582914").id == "kasir7"

    def test_the_first_owner_with_a_weak_pin_is_refused(self, tmp_path):
        from loket.clock import FixedClock
        from loket.store.opening import open_database
        from tests.conftest import NOW

        engine = open_database(tmp_path / "loket.db")
        desk = AccountDesk(engine, FixedClock(NOW))
        with pytest.raises(CashierError, match="mudah ditebak"):
            desk.create_first_owner("boss", "Boss", "000000")
        assert not desk.has_owner()
        assert desk.create_first_owner("boss", "Boss", "730516").is_owner
        engine.dispose()

    def test_the_first_owner_only_while_there_is_none(self, runtime):
        with pytest.raises(CashierError, match="sudah ada"):
            runtime.accounts.create_first_owner("boss", "Boss", "111111")

    def test_only_a_cashier_account_can_be_the_pos(self, runtime):
        assert runtime.accounts.pos_account("pos").role is Role.CASHIER
        with pytest.raises(CashierError, match="bukan akun kasir"):
            runtime.accounts.pos_account(OWNER)
        for bad in ("", "nobody", "x\x1b[2J\nroot"):
            with pytest.raises(CashierError):
                runtime.accounts.pos_account(bad)
        with pytest.raises(CashierError, match="`loket cashier add nobody --pos`"):
            runtime.accounts.pos_account("nobody")  # issue 17.10: the hint lacked --pos


def test_training_accounts_are_made_once_with_one_pin(tmp_path):
    """Issue 7.5: every `loket` command used to give the training accounts a new PIN."""
    from loket.clock import FixedClock
    from loket.store.opening import open_database
    from tests.conftest import NOW

    engine = open_database(tmp_path / "loket.db")
    desk = AccountDesk(engine, FixedClock(NOW))
    pin_file = tmp_path / "pin-latihan"
    pin = desk.training_pin(pin_file)
    with engine.connect() as conn:
        hashes = conn.exec_driver_sql("SELECT id, pin_hash FROM cashier ORDER BY id").all()
    for _ in range(3):  # later commands: nothing changes
        assert desk.training_pin(pin_file) == pin
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id, pin_hash FROM cashier ORDER BY id").all() == hashes
    assert {h[0] for h in hashes} == {"latihan", "pemilik", "pos"}
    assert desk.login(CASHIER, pin).account.id == CASHIER
    pin_file.unlink()  # the file lost: one new PIN for every training account, still consistent
    new = desk.training_pin(pin_file)
    assert desk.login(OWNER, new).account.is_owner
    engine.dispose()


def _loket(tmp_path, *args, stdin=""):
    env = {"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "loket", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_training_pin_survives_other_commands_and_cli_owner_commands_work(tmp_path):
    """A `loket sync` from cron must not change the PIN an open TUI shows; in training mode
    the owner's commands now work with that PIN."""
    _loket(tmp_path, "inquiry", "12345")
    pin_file = tmp_path / "loket" / "latihan" / "pin-latihan"
    pin = pin_file.read_text()
    _loket(tmp_path, "sync", "--once")
    _loket(tmp_path, "inquiry", "12345")
    assert pin_file.read_text() == pin
    run = _loket(tmp_path, "cashier", "list", "--owner", OWNER, stdin=f"{pin}\n")
    assert run.returncode == 0, run.stderr
    assert "latihan" in run.stdout and "pemilik" in run.stdout and "kasir" in run.stdout


@pytest.mark.parametrize("stdin", ["", "\n"])
def test_an_owner_command_with_no_input_is_refused_and_costs_no_attempt(tmp_path, stdin):
    """Issue 7.6: `</dev/null` cost a PIN attempt ("sisa 3 kali"), no input at all a traceback."""
    _loket(tmp_path, "inquiry", "12345")
    for _ in range(6):  # more than the lockout count
        run = _loket(tmp_path, "cashier", "list", "--owner", OWNER, stdin=stdin)
        assert run.returncode == 2 and "Traceback" not in run.stderr
        assert "belum diisi" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    pin = (tmp_path / "loket" / "latihan" / "pin-latihan").read_text()
    assert _loket(tmp_path, "cashier", "list", "--owner", OWNER, stdin=f"{pin}\n").returncode == 0


def test_a_wrong_owner_pin_is_a_refusal_not_a_configuration_mistake(tmp_path):
    """Issue 17.12: a wrong owner PIN ended with exit 2, the code for a broken configuration."""
    _loket(tmp_path, "inquiry", "12345")
    run = _loket(tmp_path, "cashier", "list", "--owner", OWNER, stdin="000000\n")
    assert run.returncode == 4, run.stderr
    assert run.stderr.strip() == (
        "loket: ID pemilik atau PIN salah (setelah 5 kali salah, akun dikunci 5 menit)"
    )


def test_cashier_add_asks_for_the_new_pin_twice(tmp_path):
    _loket(tmp_path, "inquiry", "12345")
    pin = (tmp_path / "loket" / "latihan" / "pin-latihan").read_text()
    mismatch = _loket(
        tmp_path, "cashier", "add", "rina", "--owner", OWNER, stdin=f"{pin}\n582914\n445566\n"
    )
    assert mismatch.returncode == 2 and "tidak sama" in mismatch.stderr
    ok = _loket(
        tmp_path, "cashier", "add", "rina", "--owner", OWNER, stdin=f"{pin}\n582914\n582914\n"
    )
    assert ok.returncode == 0 and "rina (kasir) ditambahkan" in ok.stdout


def test_pay_acts_as_the_pos_account_never_as_someone_else(tmp_path):
    """Issue 8.11: `--cashier` took any id, the owner's included, with no PIN."""
    run = _loket(tmp_path, "pay", "0001000000011", "--cash", "110000", "--cashier", OWNER)
    assert run.returncode == 2 and "Traceback" not in run.stderr  # the option is gone
    paid = _loket(tmp_path, "pay", "0001000000011", "--cash", "110000", "--json")
    assert paid.returncode == 0, paid.stderr
    assert '"state": "SUCCESS"' in paid.stdout


def test_pay_goes_through_the_pos_desk_once_per_key(tmp_path):
    """Issue 20.6: `loket pay` pays through the same desk as `loket serve`; `--key` is its
    Idempotency-Key, so a script that runs it again after a crash never pays twice."""
    args = ("pay", "0001000000011", "--cash", "110000", "--key", "order-0001")
    first = _loket(tmp_path, *args, "--json")
    assert first.returncode == 0, first.stderr
    paid = json.loads(first.stdout)
    assert paid["state"] == "SUCCESS" and paid["printed"] is True and "replayed" not in paid
    again = _loket(tmp_path, *args, "--json")
    assert again.returncode == 0, again.stderr
    repeat = json.loads(again.stdout)
    assert (repeat["ref_id"], repeat["state"], repeat["replayed"]) == (
        paid["ref_id"],
        "SUCCESS",
        True,
    )
    assert repeat["printed"] is False and "Idempotency-Key" in repeat["print_message"]
    text = _loket(tmp_path, *args)
    assert text.returncode == 0 and paid["ref_id"] in text.stdout.splitlines()[0]
    other = _loket(tmp_path, "pay", "0001000000029", "--cash", "110000", "--key", "order-0001")
    assert other.returncode == 2 and "Traceback" not in other.stderr
    assert "sudah dipakai" in other.stderr and paid["ref_id"] in other.stderr
    short = _loket(tmp_path, "pay", "0001000000029", "--cash", "110000", "--key", "order1")
    assert short.returncode == 2 and "8-200 karakter" in short.stderr
    listed = json.loads(_loket(tmp_path, "history", "--json").stdout)
    assert [p["ref_id"] for p in listed["payments"]] == [paid["ref_id"]]  # paid once
