"""A queue that cannot get through is shown as stuck, with the age of its oldest payment and why,
on the counter's status line, in ``loket host check`` and in ``loket doctor`` — and told apart
from a payment the host refused, whose cash is owed back (issue 18: Stripe Terminal's offline
payments sat unsent behind an expired credential and nothing said so; Square's FAILED_TO_UPLOAD
against FAILED_TO_PROCESS)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loket.domain.money import format_rupiah
from loket.domain.states import PaymentState
from loket.host.native.client import NativeHost
from loket.service import queue_health
from loket.service.deposit_watch import DepositWatch
from loket.tui.widgets.status_line import describe
from tests.conftest import AGENT, KEY, NOW, clock_env, make_runtime
from tests.durability import config_for, loket
from tests.integration import digiflazz_support as dg

pytestmark = pytest.mark.dates  # run again under other dates by .ci/run

S = PaymentState
FAMILIES = ("0001000000011", "0020000000008", "0020000000040")
LATER = timedelta(minutes=20)  # past queue_health.STUCK_AFTER


def with_key(rt, sim, key: str) -> None:
    """The host's key changed (rotated at the host, or a wrong one configured): from now on
    this counter talks to its host with ``key``."""
    host = DepositWatch(NativeHost(sim.url, AGENT, key), rt.engine, rt.clock)
    rt.closers.append(host.close)
    rt.host = rt.counter.host = host


def queued_offline(rt, sim, families=FAMILIES) -> list:
    for number in families:
        assert rt.counter.inquire(number).usable  # known to this counter
    sim.faults("drop_before")
    taken = []
    for number in families:
        bill = rt.counter.inquire(number).bill
        taken.append(rt.counter.pay(bill, rt.counter.total_for(bill), "latihan"))
    sim.faults("none")
    assert {p.state for p in taken} == {S.QUEUED}
    return taken


def status_line(rt, health) -> str:
    return describe(health, training=True, cashier="latihan", now=rt.clock.now()).plain


def cli(tmp_path, sim, rt, command: str, key: str, at):
    """``loket host check`` or ``loket doctor`` in its own process, on this counter's database,
    its clock at ``at``."""
    config = config_for(tmp_path, rt.config.database.path, sim.url, AGENT, key)
    return loket(config, *command.split(), env=clock_env(at))


@pytest.fixture
def rt(tmp_path, sim):
    made = make_runtime(tmp_path, sim)
    yield made
    made.close()


def test_a_wrong_key_shows_as_stuck_on_the_status_line_in_host_check_and_in_doctor(
    tmp_path, sim, rt
):
    taken = queued_offline(rt, sim)
    total = sum(p.total for p in taken)
    with_key(rt, sim, "a-key-the-host-does-not-know")
    rt.counter.forwarder.drain(force=True)  # refused: rc 41, nothing posted
    assert {rt.counter.find(p.ref_id).state for p in taken} == {S.REJECTED}
    assert sim.ledger() == []

    rt.clock.advance(minutes=10)  # young: a queue, not yet stuck
    line = status_line(rt, rt.health())
    assert "Antre 3" in line and "MACET" not in line
    rt.clock.advance(minutes=10)
    rt.counter.forwarder.drain(force=True)  # tried again: refused again
    health = rt.health()
    assert health.queue.stuck and health.queue.waiting == 3 and health.queue.amount == total
    assert health.queue.reason.text == "kunci/jam ditolak host (kode 41)"
    line = status_line(rt, health)
    assert "│ MACET 3 20m kunci/jam ditolak │" in line and "Antre" not in line, line
    rt.close()

    check = cli(tmp_path, sim, rt, "host check", "a-key-the-host-does-not-know", NOW + LATER)
    assert check.returncode == 1, check.stdout + check.stderr
    failed = [x for x in check.stdout.splitlines() if x.startswith("GAGAL")]
    assert failed[-1] == (
        f"GAGAL Antrean macet: 3 pembayaran ({format_rupiah(total)}) belum terkirim, tertua 20 menit — "
        "kunci/jam ditolak host (kode 41): periksa kunci host di konfigurasi dan jam komputer "
        "(`loket host check`)"
    )
    assert len(failed) == 2 and "kunci host ditolak" in failed[0]  # the key itself, first

    # the right key is back, but nothing has been sent since: still stuck, still exit 1
    check = cli(tmp_path, sim, rt, "host check", KEY, NOW + LATER)
    assert check.returncode == 1
    assert [x for x in check.stdout.splitlines() if x.startswith("GAGAL")] == [failed[-1]]

    doctor = cli(tmp_path, sim, rt, "doctor", KEY, NOW + LATER)
    assert doctor.returncode == 1, doctor.stdout + doctor.stderr
    lines = doctor.stdout.splitlines()
    assert lines[-1] == "[GAGAL] " + failed[-1][len("GAGAL ") :]
    assert [x for x in lines if x.startswith("[GAGAL]")] == [lines[-1]]
    assert any(x.startswith("[OK]    Cadangan: ") for x in lines)  # backed up all the same


def test_a_payment_the_host_refuses_is_owed_back_not_stuck(tmp_path, sim, rt):
    bill = rt.counter.inquire("0001000000086").bill  # the biller fails it
    refused = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
    assert refused.state == S.REFUND_DUE
    rt.clock.advance(minutes=20)
    health = rt.health()
    assert not health.queue.stuck and health.queue.refunds_due == 1
    line = status_line(rt, health)
    assert "Refund 1" in line and "MACET" not in line
    rt.close()

    check = cli(tmp_path, sim, rt, "host check", KEY, NOW + LATER)
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines()[-2:] == [
        "OK    Antrean: tidak ada pembayaran yang menunggu dikirim",
        "INFO  1 pembayaran ditolak host: uang harus dikembalikan ke pelanggan (F6), bukan "
        "antrean macet",
    ]
    doctor = cli(tmp_path, sim, rt, "doctor", KEY, NOW + LATER)
    assert doctor.returncode == 0, doctor.stdout
    assert doctor.stdout.splitlines()[-1] == (
        "[OK]    Antrean: tidak ada pembayaran yang menunggu dikirim; 1 pembayaran ditolak host: "
        "uang harus dikembalikan ke pelanggan (F6), bukan antrean macet"
    )


def test_a_host_that_cannot_be_reached_for_long_is_stuck_for_that(sim, rt):
    """The native host refusing connections: a queued payment tried then is 'Belum pasti'
    (UNKNOWN), not queued (a known defect of the forwarder); stuck counts it all the same."""
    taken = queued_offline(rt, sim, FAMILIES[:2])
    sim.faults("drop_before")
    rt.clock.advance(minutes=20)
    rt.counter.forwarder.drain(force=True)
    health = rt.health()
    assert health.queue.stuck and health.queue.waiting == len(taken)
    assert health.queue.reason.text == "host tidak dapat dihubungi"
    line = status_line(rt, health)
    assert "│ MACET 2 20m host tak menjawab │" in line
    assert "Diproses" not in line  # each payment said once: not again as "at the host"


def test_a_wrong_digiflazz_key_is_stuck_by_what_its_attempts_say(tmp_path):
    """A Digiflazz payment is inquired before it is paid: refused there, it stays queued with no
    rc of its own; the reason is its attempt's."""
    sim = dg.start_digiflazz()
    rt = dg.runtime(tmp_path, sim)
    try:
        assert rt.counter.inquire(dg.FAMILY).usable  # known to this counter
        sim.faults("drop_before")
        bill = rt.counter.inquire(dg.FAMILY).bill
        queued = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
        assert queued.state == S.QUEUED
        sim.faults("none")
        rt.host = rt.counter.host = DepositWatch(dg.adapter(sim, key="wrong"), rt.engine, rt.clock)
        sim.clock.advance(minutes=20)  # the runtime's clock too
        rt.counter.forwarder.drain(force=True)
        payment = rt.counter.find(queued.ref_id)
        assert (payment.state, payment.host_rc) == (S.QUEUED, "")
        found = queue_health.look(rt.engine, rt.clock.now())
        assert found.stuck and found.reason.text == "kunci/jam ditolak host (kode 41)"
        assert found.line(rt.clock.now()).startswith(
            "Antrean macet: 1 pembayaran (Rp 107.500) belum terkirim, tertua 20 menit — "
            "kunci/jam ditolak host (kode 41)"
        )
    finally:
        rt.host.close()
        rt.close()
        sim.thread.stop()
