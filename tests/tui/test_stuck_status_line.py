"""The status line says when the queue is stuck, how old it is and why (issue 18), as the cashier
sees it on the counter screen at 80x24."""

from loket.host.native.client import NativeHost
from loket.service.deposit_watch import DepositWatch
from loket.tui.widgets.status_line import StatusLine
from tests.conftest import AGENT
from tests.tui.conftest import login, settle


def queue_refused_for_twenty_minutes(app) -> None:
    """Two payments queued offline; then the host no longer takes this counter's key."""
    rt, sim = app.runtime, app.sim
    for number in ("0001000000011", "0020000000008"):
        assert rt.counter.inquire(number).usable
    sim.faults("drop_before")
    for number in ("0001000000011", "0020000000008"):
        bill = rt.counter.inquire(number).bill
        rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
    sim.faults("none")
    wrong = DepositWatch(
        NativeHost(sim.url, AGENT, "a-key-the-host-does-not-know"), rt.engine, rt.clock
    )
    rt.closers.append(wrong.close)
    rt.host = rt.counter.host = wrong
    rt.counter.forwarder.drain(force=True)
    rt.clock.advance(minutes=20)


async def test_a_queue_the_host_refuses_shows_as_stuck_on_the_status_line(make_app):
    app = make_app()
    queue_refused_for_twenty_minutes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        app.check_health()
        await settle(pilot)
        line = app.screen.query_one(StatusLine).render().plain
        assert " │ MACET 2 20m kunci/jam ditolak │ " in line and "Antre" not in line, line
