"""Store-and-forward: every state transition, every fault mode, offline limits, cut-off, locks."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import datetime, timedelta

import pytest

from loket.clock import WIB
from loket.domain.money import format_rupiah
from loket.domain.states import PaymentState
from loket.printing.decode import decode
from loket.service.forwarding import EXIT_LOCKED, run_sync
from loket.store import payments
from loket.store.db import write
from loket.sync.lock import ForwarderLock
from loket.sync.reconcile import reconcile
from tests.conftest import AGENT, KEY

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run

S = PaymentState


def trail(rt, ref):
    return [e.to_state for e in payments.events(rt.engine, ref)]


def pay(rt, number, months_ahead=0):
    bill = rt.counter.inquire(number, months_ahead).bill
    return rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")


def go_offline(sim):
    sim.faults("drop_before")


def drain_until_settled(rt, rounds=20):
    for _ in range(rounds):
        rt.counter.forwarder.drain(force=True)
        if not payments.in_states(
            rt.engine, {S.PENDING, S.UNKNOWN, S.QUEUED, S.REJECTED, S.RECORDED, S.SENDING}
        ):
            return
        time.sleep(0.1)


class TestTransitions:
    def test_unknown_then_not_found_is_sent_again_with_the_same_ref(self, runtime, sim):
        bill = runtime.counter.inquire("0001000000011").bill
        sim.faults("drop_before")
        runtime.counter.settings.resolve_tries = 0
        payment = runtime.counter.pay(bill, 107_500, "latihan")
        assert payment.state == S.UNKNOWN
        sim.faults("none")
        done = runtime.counter.forwarder.forward(payment.ref_id)
        assert done.state == S.SUCCESS
        assert trail(runtime, payment.ref_id) == [
            S.RECORDED,
            S.SENDING,
            S.UNKNOWN,
            S.SENDING,
            S.SUCCESS,
        ]
        assert [e["ref_id"] for e in sim.ledger()] == [payment.ref_id]

    def test_rejected_for_deposit_is_retried_later_and_succeeds(self, runtime, sim):
        bill = runtime.counter.inquire("0001000000011").bill
        sim.deposit(100)
        payment = runtime.counter.pay(bill, 107_500, "latihan")
        assert (payment.state, payment.host_rc) == (S.REJECTED, "44")
        assert payment.next_attempt_at > payment.created_at  # backed off
        sim.deposit(5_000_000)
        runtime.counter.forwarder.drain(force=True)
        assert payments.get(runtime.engine, payment.ref_id).state == S.SUCCESS
        assert trail(runtime, payment.ref_id) == [
            S.RECORDED,
            S.SENDING,
            S.REJECTED,
            S.SENDING,
            S.SUCCESS,
        ]

    def test_refund_due_is_paid_back_with_a_slip(self, runtime, sim):
        payment = pay(runtime, "0001000000086")
        assert payment.state == S.REFUND_DUE
        refunded, printed = runtime.counter.refund(payment.ref_id, "latihan", approved_by="pemilik")
        assert refunded.state == S.REFUNDED and printed.ok
        paper = "\n".join(decode(runtime.counter.delivery.sent[-1]))
        assert "BUKTI PENGEMBALIAN UANG" in paper and "Rp 72.500" in paper
        assert trail(runtime, payment.ref_id)[-2:] == [S.REFUND_DUE, S.REFUNDED]

    def test_a_queued_payment_goes_out_when_the_host_returns(self, runtime, sim):
        runtime.counter.inquire("0001000000011")  # the family is known
        go_offline(sim)
        result = runtime.counter.inquire("0001000000011")
        assert result.offline and result.bill.premium == 105_000 and not result.refusal
        payment = runtime.counter.pay(result.bill, 110_000, "latihan")
        assert payment.state == S.QUEUED and payment.offline
        assert runtime.counter.delivery.sent == []  # recording prints nothing by itself
        printed = runtime.counter.print_slip(payment.ref_id)
        assert "BUKAN BUKTI PEMBAYARAN BPJS" in "\n".join(decode(runtime.counter.delivery.sent[-1]))
        assert printed.message == "Bukti terima sementara dicetak"
        sim.faults("none")
        runtime.counter.forwarder.drain(force=True)
        sent = payments.get(runtime.engine, payment.ref_id)
        assert sent.state == S.SUCCESS and sent.host_sn
        assert trail(runtime, payment.ref_id) == [S.QUEUED, S.SENDING, S.SUCCESS]
        runtime.counter.print_slip(sent.ref_id)  # now the receipt (a training one: this runtime
        paper = "\n".join(decode(runtime.counter.delivery.sent[-1]))  # is in training mode)
        assert "STRUK LATIHAN" in paper and "SEMENTARA" not in paper and sent.host_sn in paper


@pytest.mark.parametrize("mode", ["drop_before", "drop_after", "error_500", "slow", "garbage"])
def test_every_fault_mode_ends_with_each_payment_posted_exactly_once(tmp_path, sim, mode):
    from tests.conftest import make_runtime

    rt = make_runtime(tmp_path, sim)
    rt.host._http.timeout = __import__("httpx").Timeout(0.5)
    rt.counter.settings.resolve_tries = 1
    numbers = [
        c["card_no"]
        for c in sim.call("GET", "/_sim/customers?situation=current&limit=12").json()["data"][
            "customers"
        ]
    ]
    bills = [rt.counter.inquire(n).bill for n in numbers]
    sim.faults(mode, rate=0.5, latency_ms=800)
    made = [rt.counter.pay(b, rt.counter.total_for(b), "latihan") for b in bills]
    sim.faults("none")
    drain_until_settled(rt)
    states = Counter(payments.get(rt.engine, p.ref_id).state for p in made)
    assert states == {S.SUCCESS: len(made)}
    ledger = Counter(e["ref_id"] for e in sim.ledger())
    assert ledger == Counter(p.ref_id for p in made)  # each exactly once
    rt.close()


class TestOfflineLimits:
    def quote(self, rt, sim, number="0001000000011", months_ahead=0):
        rt.counter.inquire(number)
        go_offline(sim)
        return rt.counter.inquire(number, months_ahead)

    def test_an_unknown_family_cannot_be_paid_offline(self, runtime, sim):
        go_offline(sim)
        result = runtime.counter.inquire("0001000000011")
        assert result.bill is None and "belum pernah dicek" in result.refusal

    def test_a_family_with_arrears_cannot_be_paid_offline(self, runtime, sim):
        result = self.quote(runtime, sim, "0001000000029")
        assert "tunggakan" in result.refusal

    @pytest.mark.parametrize("mode", ["garbage"])
    def test_a_host_that_answers_nonsense_is_not_down(self, runtime, sim, mode):
        """Offline pricing is for a host that cannot be reached; one that answers what cannot
        be believed gets no bill at all (issue 8's hostile host)."""
        runtime.counter.inquire("0001000000011")  # the family is known
        sim.faults(mode)
        result = runtime.counter.inquire("0001000000011")
        assert result.bill is None and not result.host_down and result.error

    def test_a_stale_family_cannot_be_paid_offline(self, runtime, sim):
        runtime.counter.inquire("0001000000011")
        runtime.clock.advance(days=36)
        go_offline(sim)
        assert "35 hari" in runtime.counter.inquire("0001000000011").refusal

    def test_per_payment_limit(self, runtime, sim):
        from loket.domain.offline import OfflineLimits

        runtime.counter.settings.offline = OfflineLimits(max_payment=100_000)
        result = self.quote(runtime, sim)
        assert "per pembayaran Rp 100.000" in result.refusal

    def test_total_count_and_age_limits_stop_offline_payments(self, runtime, sim):
        from loket.domain.offline import OfflineLimits

        numbers = [
            c["card_no"]
            for c in sim.call("GET", "/_sim/customers?situation=current&limit=3").json()["data"][
                "customers"
            ]
        ]
        for number in numbers:
            runtime.counter.inquire(number)  # known to this counter
        go_offline(sim)
        bills = [runtime.counter.inquire(n).bill for n in numbers]
        totals = [runtime.counter.total_for(b) for b in bills]
        limit = totals[0] + totals[1] + bills[2].premium - 1  # the third would pass it
        runtime.counter.settings.offline = OfflineLimits(
            max_total=limit, max_count=3, max_age_hours=24
        )
        for bill, total in zip(bills[:2], totals, strict=False):
            runtime.counter.pay(bill, total, "latihan")
        third = runtime.counter.inquire(numbers[2]).refusal
        assert f"total antre akan melewati {format_rupiah(limit)}" in third
        runtime.counter.settings.offline = OfflineLimits(max_count=2)
        assert "sudah 2 pembayaran antre" in runtime.counter.inquire(numbers[2]).refusal
        runtime.counter.settings.offline = OfflineLimits()
        runtime.clock.advance(hours=25)
        assert "lebih dari 24 jam" in runtime.counter.inquire(numbers[2]).refusal

    def test_the_limit_is_checked_again_when_paying(self, runtime, sim):
        from loket.domain.offline import OfflineLimits
        from loket.service.counter import PaymentRefused

        result = self.quote(runtime, sim)
        runtime.counter.settings.offline = OfflineLimits(max_count=0)
        with pytest.raises(PaymentRefused, match="Batas offline"):
            runtime.counter.pay(result.bill, 107_500, "latihan")
        assert payments.counts_by_state(runtime.engine) == {}

    def test_offline_can_be_switched_off(self, runtime, sim):
        from loket.domain.offline import OfflineLimits

        runtime.counter.settings.offline = OfflineLimits(enabled=False)
        assert "tidak diizinkan" in self.quote(runtime, sim).refusal


class TestChangedBills:
    def test_queued_payment_for_a_family_paid_elsewhere_meanwhile_is_refund_due(self, runtime, sim):
        from tests.integration.test_simulator import pay_request

        runtime.counter.inquire("0001000000011")
        go_offline(sim)
        payment = runtime.counter.pay(
            runtime.counter.inquire("0001000000011").bill, 107_500, "latihan"
        )
        sim.faults("none")
        assert sim.host().payment(pay_request("PAY-OTHER-COUNTER")).sn
        runtime.counter.forwarder.drain(force=True)
        late = payments.get(runtime.engine, payment.ref_id)
        assert (late.state, late.host_rc) == (S.REFUND_DUE, "34")
        assert [e["ref_id"] for e in sim.ledger()] == ["PAY-OTHER-COUNTER"]

    def test_queued_payment_whose_bill_changed_becomes_refund_due(self, runtime, sim):
        runtime.counter.inquire("0001000000011")
        go_offline(sim)
        result = runtime.counter.inquire("0001000000011")
        payment = runtime.counter.pay(result.bill, 107_500, "latihan")
        sim.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=WIB))  # forwarded next month
        sim.faults("none")
        runtime.counter.forwarder.drain(force=True)
        late = payments.get(runtime.engine, payment.ref_id)
        assert (late.state, late.host_rc) == (S.REFUND_DUE, "84")
        assert sim.ledger() == []

    def test_cut_off_at_midnight_is_retried_after_it(self, runtime, sim):
        bill = runtime.counter.inquire("0001000000011").bill
        sim.clock.set(datetime(2026, 11, 21, 23, 57, tzinfo=WIB))
        payment = runtime.counter.pay(bill, 107_500, "latihan")
        assert (payment.state, payment.host_rc) == (S.REJECTED, "58")
        sim.clock.set(datetime(2026, 11, 22, 0, 6, tzinfo=WIB))
        runtime.counter.forwarder.drain(force=True)
        assert payments.get(runtime.engine, payment.ref_id).state == S.SUCCESS

    def test_cut_off_at_month_end_turns_into_a_new_bill_and_a_refund(self, runtime, sim):
        bill = runtime.counter.inquire("0001000000011").bill
        sim.clock.set(datetime(2026, 11, 30, 23, 58, tzinfo=WIB))
        payment = runtime.counter.pay(bill, 107_500, "latihan")
        assert payment.state == S.REJECTED
        sim.clock.set(datetime(2026, 12, 1, 0, 6, tzinfo=WIB))
        runtime.counter.forwarder.drain(force=True)
        assert payments.get(runtime.engine, payment.ref_id).state == S.REFUND_DUE


class TestOneForwarder:
    def test_two_forwarders_started_at_once_only_one_works(self, runtime, sim, tmp_path):
        first = ForwarderLock(runtime.config.database.path)
        assert first.acquire()
        said = []
        assert run_sync(runtime, out=said.append) == EXIT_LOCKED  # a second resident one
        assert "Forwarder lain sedang berjalan" in said[0]
        said.clear()  # cron's --once beside it: nothing to send from here, and says why
        assert run_sync(runtime, once=True, out=said.append) == 0
        assert said == [
            "Forwarder lain sedang berjalan untuk database ini (loket terbuka?); "
            "tidak ada yang dikirim."
        ]
        first.release()
        assert run_sync(runtime, once=True, out=said.append) == 0

    def test_a_crashed_holder_does_not_keep_the_lock(self, runtime):
        script = textwrap.dedent(f"""
            import time
            from loket.sync.lock import ForwarderLock
            lock = ForwarderLock({runtime.config.database.path!r})  # held while referenced
            assert lock.acquire()
            print("held", flush=True)
            time.sleep(60)
        """)
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "held"
        assert not ForwarderLock(runtime.config.database.path).acquire()
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert ForwarderLock(runtime.config.database.path).acquire()


class TestReconcile:
    def test_a_clean_day_has_no_differences(self, runtime, sim):
        pay(runtime, "0001000000011")
        failed = pay(runtime, "0001000000086")  # fails at the biller: refund due, host failed
        owed = reconcile(runtime.engine, runtime.host, "2026-11-21").differences
        assert [(d.ref_id, d.kind) for d in owed] == [(failed.ref_id, "refund_due")]  # issue #7
        runtime.counter.refund(failed.ref_id, "latihan", approved_by="pemilik")
        result = reconcile(runtime.engine, runtime.host, "2026-11-21")
        assert len(result.payments) == 2 and result.differences == []
        assert {p["host_state"] for p in result.payments} == {"success", "failed"}

    def test_each_kind_of_difference_is_reported(self, runtime, sim):
        ok = pay(runtime, "0001000000011")
        lost = pay(runtime, "0001000000029")
        # the local ledger disagrees with the host: tamper with local states to make each case
        with write(runtime.engine) as conn:
            conn.exec_driver_sql(
                "UPDATE payment SET state='REFUND_DUE' WHERE ref_id=?", (ok.ref_id,)
            )
            conn.exec_driver_sql("UPDATE payment SET premium=1 WHERE ref_id=?", (lost.ref_id,))
        from tests.factories import payment as make

        ghost = make("SUCCESS", ref_id="PAY-GHOST", cashier_id="latihan")
        ghost.created_at = "2026-11-21T11:00:00+07:00"
        payments.record(runtime.engine, ghost, actor="t", state=S.SUCCESS)
        kinds = {
            d.ref_id: d.kind
            for d in reconcile(runtime.engine, runtime.host, "2026-11-21").differences
        }
        assert kinds == {
            ok.ref_id: "host_success_not_local",
            lost.ref_id: "amount_differs",
            "PAY-GHOST": "local_success_unknown_to_host",
        }

    def test_the_cli_prints_json_and_exits_by_the_result(self, runtime, sim, tmp_path):
        import json

        paid = pay(runtime, "0001000000011")
        config = tmp_path / "loket.toml"
        config.write_text(
            f'[shop]\nname="T"\n[host]\nurl="{sim.url}"\nagent_id="{AGENT}"\n'
            f'key="{KEY}"\n[database]\npath="{runtime.config.database.path}"\n'
        )

        def run():
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "loket",
                    "--config",
                    str(config),
                    "reconcile",
                    "--date",
                    "2026-11-21",
                    "--json",
                ],
                capture_output=True,
                text=True,
                timeout=60,
            )
            return done.returncode, json.loads(done.stdout)

        code, out = run()
        assert code == 0 and out["differences"] == []
        assert out["payments"] == [
            {
                "ref_id": paid.ref_id,
                "customer_no": "0001000000011",
                "amount": 105_000,
                "total": 107_500,
                "local_state": "SUCCESS",
                "host_state": "success",
                "host_sn": paid.host_sn,
            }
        ]
        with write(runtime.engine) as conn:  # the local ledger loses track of it
            conn.exec_driver_sql(
                "UPDATE payment SET state='UNKNOWN' WHERE ref_id=?", (paid.ref_id,)
            )
        code, out = run()
        assert code == 1 and [d["kind"] for d in out["differences"]] == ["host_success_not_local"]


def test_pending_payment_is_polled_until_it_resolves_and_its_age_is_kept(runtime, sim):
    runtime.counter.settings.pending_wait_s = 0
    payment = pay(runtime, "0001000000078")
    assert payment.state == S.PENDING
    runtime.clock.advance(minutes=3)
    time.sleep(0.35)
    runtime.counter.forwarder.drain()  # due by now: the back-off was seconds
    done = payments.get(runtime.engine, payment.ref_id)
    assert done.state == S.SUCCESS and done.attempts >= 2
    assert datetime.fromisoformat(done.updated_at) - datetime.fromisoformat(
        done.created_at
    ) == timedelta(minutes=3)
