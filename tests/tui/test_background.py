"""The counter's own forwarder, when ``loket sync`` (cron) already holds the lock."""

import asyncio

from loket.domain.states import PaymentState
from loket.sync.lock import ForwarderLock
from tests.tui.conftest import login, settle

S = PaymentState


async def wait_for(pilot, check, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.1)):
        if check():
            return True
        await pilot.pause(0.1)
    return check()


async def test_the_forwarder_takes_over_when_loket_sync_lets_go(make_app):
    app = make_app(background=True, forward_every_s=0.2)
    counter = app.runtime.counter
    held = ForwarderLock(app.runtime.database_path)
    assert held.acquire()  # `loket sync` is running
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await login(pilot)
            bill = counter.inquire("0001000000011").bill
            app.sim.faults("drop_before")  # the answer never comes: the payment stays open
            payment = await asyncio.to_thread(counter.pay, bill, 110_000, "latihan")
            app.sim.faults("none")
            assert payment.state not in (S.SUCCESS, S.REFUNDED)
            await pilot.pause(1.0)  # five rounds of the timer, all standing aside
            assert counter.find(payment.ref_id).state == payment.state
            assert not app.forwarding.lock.held
            held.release()  # the cron job ends
            app.runtime.clock.advance(minutes=10)  # its back-off is over
            assert await wait_for(pilot, lambda: counter.find(payment.ref_id).state == S.SUCCESS)
            assert app.forwarding.lock.held
            await settle(pilot)
    finally:
        held.release()


async def test_f5_says_who_is_sending_when_the_lock_is_elsewhere(make_app):
    app = make_app()
    held = ForwarderLock(app.runtime.database_path)
    assert held.acquire()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await login(pilot)
            notes = []
            app.notify = lambda message, **_kw: notes.append(message)
            await pilot.press("f5")
            await settle(pilot)
            assert any("loket sync" in n for n in notes)
    finally:
        held.release()
