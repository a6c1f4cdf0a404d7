"""The counter's day, headless: inquire, take cash, record, send, resolve, print."""

import pytest

from loket.domain.states import PaymentState
from loket.printing.decode import decode
from loket.service.counter import PaymentRefused
from loket.store import payments
from loket.sync.forwarder import Forwarder

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run

S = PaymentState


def test_a_family_pays_and_gets_a_receipt_with_the_host_reference(runtime, sim):
    bill = runtime.counter.inquire("0001-0000-00011").bill
    payment = runtime.counter.pay(bill, 110_000, "latihan")
    assert (payment.state, payment.total, payment.change) == (S.SUCCESS, 107_500, 2_500)
    assert payment.host_sn and sim.ledger()[0]["sn"] == payment.host_sn
    printed = runtime.counter.print_slip(payment.ref_id)
    paper = "\n".join(decode(runtime.counter.delivery.sent[-1]))
    assert printed.ok and payment.host_sn in paper and "Rp 107.500" in paper
    states = [e.to_state for e in payments.events(runtime.engine, payment.ref_id)]
    assert states == [S.RECORDED, S.SENDING, S.SUCCESS]


def test_too_little_cash_is_refused_and_nothing_is_recorded(runtime):
    bill = runtime.counter.inquire("0001000000011").bill
    with pytest.raises(PaymentRefused, match="Uang kurang Rp 7.500"):
        runtime.counter.pay(bill, 100_000, "latihan")
    assert payments.counts_by_state(runtime.engine) == {}


def test_the_payment_is_committed_before_the_host_hears_of_it(runtime, sim):
    from loket.domain.attempts import AttemptState
    from loket.store import attempts

    seen = []
    real = runtime.host.pay

    def spy(ticket, request):
        stored = payments.get(runtime.engine, request.ref_id)
        seen.append((stored.state, attempts.last(runtime.engine, stored.id).state, ticket.ref))
        return real(ticket, request)

    runtime.host.pay = spy
    paid = runtime.counter.pay(runtime.counter.inquire("0001000000011").bill, 107_500, "latihan")
    # the payment SENDING and its attempt PAYING, both durable, before the host hears of it
    assert seen == [(S.SENDING, AttemptState.PAYING, paid.ref_id)]


@pytest.mark.parametrize("mode", ["drop_after", "error_500", "garbage", "drop_before"])
def test_an_unknown_outcome_is_resolved_by_status_never_by_paying_again(runtime, sim, mode):
    bill = runtime.counter.inquire("0001000000029").bill
    sim.faults(mode, rate=1.0)
    payment = runtime.counter.pay(bill, 752_500, "latihan")
    assert payment.state == S.UNKNOWN  # the host stayed faulty through the quick retries
    sim.faults("none")
    resolved = Forwarder(runtime.engine, runtime.host, runtime.clock).forward(payment.ref_id)
    assert resolved.state == S.SUCCESS
    ledger = sim.ledger()
    assert [e["ref_id"] for e in ledger] == [payment.ref_id]  # posted exactly once


def test_a_time_out_then_status_finds_it_paid(runtime, sim):
    bill = runtime.counter.inquire("0001000000011").bill
    runtime.host._http.timeout = __import__("httpx").Timeout(0.3)
    sim.faults("slow", latency_ms=800)
    payment = runtime.counter.pay(bill, 107_500, "latihan")
    sim.faults("none")
    final = Forwarder(runtime.engine, runtime.host, runtime.clock).forward(payment.ref_id)
    assert final.state == S.SUCCESS and len(sim.ledger()) == 1


def test_pending_then_success_and_pending_then_failure(runtime, sim):
    ok = runtime.counter.pay(runtime.counter.inquire("0001000000078").bill, 72_500, "latihan")
    assert ok.state == S.SUCCESS and ok.host_sn
    bad = runtime.counter.pay(runtime.counter.inquire("0001000000086").bill, 72_500, "latihan")
    assert bad.state == S.REFUND_DUE
    trail = [e.to_state for e in payments.events(runtime.engine, bad.ref_id)]
    assert trail[:3] == [S.RECORDED, S.SENDING, S.PENDING] and trail[-2:] == [
        S.FAILED,
        S.REFUND_DUE,
    ]


def test_amount_changed_at_the_host_means_refund_due(runtime, sim):
    bill = runtime.counter.inquire("0001000000011").bill
    sim.host().payment(
        __import__("tests.integration.test_simulator", fromlist=["x"]).pay_request("PAY-ELSEWHERE")
    )  # paid at another counter meanwhile
    payment = runtime.counter.pay(bill, 107_500, "latihan")
    assert payment.state == S.REFUND_DUE and payment.host_rc == "34"


def test_a_printer_that_is_off_leaves_the_payment_untouched(runtime, sim):
    from loket.printing.backends import PrinterSettings

    runtime.counter.delivery.settings = PrinterSettings(backend="network", host="127.0.0.1", port=1)
    payment = runtime.counter.pay(runtime.counter.inquire("0001000000011").bill, 107_500, "latihan")
    result = runtime.counter.print_slip(payment.ref_id)
    assert not result.ok and "Pembayaran tetap tersimpan" in result.message
    stored = payments.get(runtime.engine, payment.ref_id)
    assert (stored.state, stored.print_count) == (S.SUCCESS, 0)


def test_reprints_are_counted(runtime, sim):
    payment = runtime.counter.pay(runtime.counter.inquire("0001000000011").bill, 107_500, "latihan")
    runtime.counter.print_slip(payment.ref_id)
    again = runtime.counter.print_slip(payment.ref_id, reprint=True)
    assert again.message == "Struk dicetak ulang (ke-1)"
    assert "CETAK ULANG KE-1" in "\n".join(decode(runtime.counter.delivery.sent[-1]))


def test_host_down_at_inquiry_says_so(runtime, sim):
    sim.faults("drop_before")
    result = runtime.counter.inquire("0001000000011")
    assert result.bill is None and result.host_down and "tidak dapat dihubungi" in result.error


def test_crash_while_sending_is_recovered_as_unknown_and_resolved(runtime, sim):
    bill = runtime.counter.inquire("0001000000011").bill
    sim.faults("drop_after")
    runtime.counter.settings.resolve_tries = 0
    payment = runtime.counter.pay(bill, 107_500, "latihan")
    # simulate the crash: the row is left SENDING as if the process died mid-request
    payments.transition(runtime.engine, payment.ref_id, S.SENDING, actor="test", now="t")
    sim.faults("none")
    forwarder = Forwarder(runtime.engine, runtime.host, runtime.clock)
    assert forwarder.recover() == 1
    assert payments.get(runtime.engine, payment.ref_id).state == S.UNKNOWN
    assert forwarder.forward(payment.ref_id).state == S.SUCCESS
    assert len(sim.ledger()) == 1


def test_the_cli_says_when_a_bill_is_priced_offline_and_queues_the_payment(runtime, sim, tmp_path):
    import json
    import subprocess
    import sys

    from tests.conftest import AGENT, KEY

    runtime.counter.inquire("0001000000011")  # the family is known to this counter
    config = tmp_path / "c.toml"
    config.write_text(
        f'[shop]\nname="T"\n[host]\nurl="{sim.url}"\nagent_id="{AGENT}"\n'
        f'key="{KEY}"\nread_timeout_s=1\n[database]\n'
        f'path="{runtime.config.database.path}"\n[printer]\nbackend="none"\n'
    )
    sim.faults("drop_before")

    def loket(*args):
        done = subprocess.run(
            [sys.executable, "-m", "loket", "--config", str(config), *args, "--json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.returncode, json.loads(done.stdout)

    code, out = loket("inquiry", "0001000000011")
    assert code == 0 and out["offline"] is True and out["bill"]["total"] == 107_500
    code, out = loket("pay", "0001000000011", "--cash", "110000")
    assert code == 1 and out["state"] == "QUEUED"  # taken, not yet confirmed: not a success
    code, out = loket("inquiry", "0001000000029")  # never looked up here: cannot be priced
    assert code == 1 and "belum pernah dicek" in out["message"]


def test_a_refused_headless_payment_says_what_to_hand_back(runtime, sim, tmp_path):
    """``loket pay`` of a payment the host refuses: the line says to give the money back, not
    "kembali" (the change) under a heading that says money is owed."""
    import subprocess
    import sys

    from tests.conftest import AGENT, KEY

    config = tmp_path / "refused.toml"
    config.write_text(
        f'[shop]\nname="T"\n[host]\nurl="{sim.url}"\nagent_id="{AGENT}"\n'
        f'key="{KEY}"\n[database]\npath="{runtime.config.database.path}"\n'
        '[printer]\nbackend="none"\n'
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "loket",
            "--config",
            str(config),
            "pay",
            "0001000000086",
            "--cash",
            "200000",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("Uang harus dikembalikan"), first
    assert "KEMBALIKAN Rp 72.500 ke pelanggan" in first and "kembalikan semua Rp 200.000" in first
    assert "kembali Rp" not in first


def test_no_secret_reaches_the_database_the_paper_or_the_audit_log(runtime, sim):
    from pathlib import Path

    from tests.conftest import KEY

    payment = runtime.counter.pay(runtime.counter.inquire("0001000000011").bill, 110_000, "latihan")
    runtime.counter.print_slip(payment.ref_id)
    from loket.store import cashiers

    cashiers.authenticate(runtime.engine, "latihan", "123456", runtime.clock.now())
    runtime.engine.dispose()
    # every file beside the database but the training PIN's own (shown on the login screen)
    stored = b"".join(
        p.read_bytes()
        for p in Path(runtime.config.database.path).parent.glob("*")
        if p.is_file() and p.name != "pin-latihan"
    )
    printed = b"".join(runtime.counter.delivery.sent)
    for secret in (KEY.encode(), b"123456"):
        assert secret not in stored and secret not in printed
    assert KEY not in repr(runtime.host)
