"""A day is settled only when the ledgers agree and nothing is owed: a refund still due or a
payment not final is listed (issue #7 item 4), and so is anything the host booked that this
counter does not have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from loket.domain.outcomes import Outcome
from loket.domain.states import PaymentState
from loket.host.base import HostReply
from loket.store import payments
from loket.store.db import write
from loket.sync.reconcile import reconcile
from tests.conftest import AGENT, KEY, make_runtime, refs
from tests.durability import config_for, loket

S = PaymentState
DAY = "2026-11-21"


@dataclass(frozen=True)
class Booked:
    ref_id: str
    premium: int
    sn: str
    paid_at: str
    va_no: str
    periods: tuple[str, ...]


class LedgerHost:
    """The native host plus ``booked(day)``, read from the simulator's own ledger (the native
    adapter gets it from the signed ``GET /_sim/ledger``; this test double stands in for it)."""

    def __init__(self, host, sim, can_say: bool = True) -> None:
        self.host, self.sim, self.can_say = host, sim, can_say

    def __getattr__(self, name):
        return getattr(self.host, name)

    def booked(self, day: date) -> list[Booked] | None:
        if not self.can_say:
            return None
        return [
            Booked(
                e["ref_id"], e["premium"], e["sn"], e["paid_at"], e["va_no"], tuple(e["periods"])
            )
            for e in self.sim.ledger()
            if e["paid_at"].startswith(day.isoformat())
        ]


def pay(rt, number):
    bill = rt.counter.inquire(number).bill
    return rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")


def kinds(result) -> dict[str, str]:
    return {d.ref_id: d.kind for d in result.differences}


class TestNotSettled:
    def test_a_refund_still_owed_is_listed_until_it_is_paid_back(self, runtime, sim):
        failed = pay(runtime, "0001000000086")  # the biller fails it: the cash is owed back
        assert failed.state == S.REFUND_DUE
        [owed] = reconcile(runtime.engine, runtime.host, DAY).differences
        assert (owed.ref_id, owed.kind) == (failed.ref_id, "refund_due")
        assert "Rp 72.500 belum dikembalikan" in owed.detail
        runtime.counter.refund(failed.ref_id, "latihan", approved_by="pemilik")
        assert reconcile(runtime.engine, runtime.host, DAY).differences == []

    def test_a_payment_not_final_is_listed(self, runtime, sim):
        runtime.counter.settings.pending_wait_s = 0
        pending = pay(runtime, "0001000000078")
        assert pending.state == S.PENDING
        assert kinds(reconcile(runtime.engine, runtime.host, DAY)) == {pending.ref_id: "unsettled"}

    def test_a_status_the_host_refuses_to_answer_is_unknown_not_failed(self, runtime, sim):
        paid = pay(runtime, "0001000000011")
        assert paid.state == S.SUCCESS

        class RateLimited(LedgerHost):
            def status(self, ticket):
                return HostReply(Outcome.REJECTED, rc="85", message="rate limit")

        [row] = reconcile(
            runtime.engine, RateLimited(runtime.host, sim, can_say=False), DAY
        ).payments
        assert row["host_state"] == "unknown"

    def test_the_cli_says_so_and_exits_1(self, runtime, sim, tmp_path):
        failed = pay(runtime, "0001000000086")
        config = config_for(tmp_path, runtime.config.database.path, sim.url, AGENT, KEY)
        run = loket(config, "reconcile", "--date", DAY)
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        assert run.stdout.splitlines()[0] == f"{DAY}: 1 pembayaran, 1 selisih"
        assert f"{failed.ref_id}  refund_due: uang Rp 72.500 belum dikembalikan" in run.stdout
        runtime.counter.refund(failed.ref_id, "latihan", approved_by="pemilik")
        assert loket(config, "reconcile", "--date", DAY).returncode == 0


class TestWhatTheHostBooked:
    def test_a_payment_booked_at_the_host_and_missing_here_is_listed(self, runtime, sim, tmp_path):
        ours = pay(runtime, "0001000000011")
        other = make_runtime(tmp_path / "elsewhere", sim)  # a database that is not this one
        other.counter.new_ref = refs("X")
        try:
            theirs = pay(other, "0001000000029")
        finally:
            other.close()
        result = reconcile(runtime.engine, LedgerHost(runtime.host, sim), DAY)
        assert result.host_ledger
        [missing] = result.differences
        assert (missing.ref_id, missing.kind) == (theirs.ref_id, "host_booked_not_local")
        assert missing.host_amount == theirs.premium and theirs.host_sn in missing.detail
        assert [p["ref_id"] for p in result.payments] == [ours.ref_id]

    def test_booked_here_on_another_day_is_found_by_its_ref(self, runtime, sim):
        late = pay(runtime, "0001000000011")
        with write(runtime.engine) as conn:  # taken before midnight, forwarded after it
            conn.exec_driver_sql(
                "UPDATE payment SET created_at = '2026-11-20T23:55:00+07:00' WHERE ref_id = ?",
                (late.ref_id,),
            )
        host = LedgerHost(runtime.host, sim)
        assert reconcile(runtime.engine, host, DAY).differences == []
        with write(runtime.engine) as conn:
            conn.exec_driver_sql(
                "UPDATE payment SET state = 'UNKNOWN' WHERE ref_id = ?", (late.ref_id,)
            )
        assert kinds(reconcile(runtime.engine, host, DAY)) == {
            late.ref_id: "host_success_not_local"
        }

    def test_a_host_that_cannot_say_is_not_a_difference(self, runtime, sim):
        pay(runtime, "0001000000011")
        result = reconcile(runtime.engine, LedgerHost(runtime.host, sim, can_say=False), DAY)
        assert result.differences == [] and not result.host_ledger
        assert payments.get(runtime.engine, result.payments[0]["ref_id"]).state == S.SUCCESS
