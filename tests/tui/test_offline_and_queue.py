"""Offline payments, the queue screen and refunds, as the cashier sees them."""

import time

from loket.domain.states import PaymentState
from loket.printing.decode import decode
from loket.store import payments
from loket.store.changes import PaymentChange
from loket.tui.screens.owner_approval import OwnerApproval
from loket.tui.screens.queue import QueueScreen, RefundConfirm
from loket.tui.screens.result import ResultScreen
from tests.tui.conftest import inquire, login, settle, take_cash

S = PaymentState


async def host_goes_away(pilot) -> None:
    """The shop's internet drops: nothing answers at the host's address any more."""
    pilot.app.sim.thread.stop()
    pilot.app.check_health()
    await settle(pilot)


async def offline_bill(pilot) -> None:
    await login(pilot)
    await inquire(pilot, "0001000000011")  # seen online once: the family is known
    await pilot.press("f2")
    await host_goes_away(pilot)
    await inquire(pilot, "0001000000011")


async def refund_due_and_offline_payment(pilot) -> None:
    await login(pilot)
    counter = pilot.app.runtime.counter
    counter.settings.pending_wait_s = 0  # poll by hand below: the attempt count stays the same
    await inquire(pilot, "0001000000086")  # pending, then fails at the biller
    await take_cash(pilot, "f5")
    await settle(pilot)
    time.sleep(0.4)  # the simulator's pending delay
    for _ in range(2):  # "failed" after "pending" is asked once more before cash is owed back
        counter.forwarder.forward(pilot.app.screen.payment.ref_id)
    await pilot.press("escape")
    await settle(pilot)
    await inquire(pilot, "0001000000011")
    await pilot.press("f2")
    await host_goes_away(pilot)
    await inquire(pilot, "0001000000011")
    await take_cash(pilot, "f6")
    await settle(pilot)


async def test_offline_payment_is_queued_with_a_provisional_receipt(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await offline_bill(pilot)
        assert "OFFLINE" in str(app.screen.query_one("#message").render())
        assert app.health is not None and not app.health.online
        await take_cash(pilot, "f6")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert app.screen.payment.state == S.QUEUED
        paper = "\n".join(decode(app.runtime.counter.delivery.sent[-1]))
        assert "BUKAN BUKTI PEMBAYARAN BPJS" in paper
        assert app.health.queued == 1 and app.health.queued_amount == 107_500


async def test_refund_flow_from_the_queue_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await refund_due_and_offline_payment(pilot)
        await pilot.press("escape", "f6")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        states = [p.state for p in app.screen.rows.values()]
        assert states == [S.REFUND_DUE, S.QUEUED]
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, RefundConfirm)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OwnerApproval)  # the cashier needs the owner
        await pilot.press(*"pemilik", "enter", *"123456", "enter")
        await settle(pilot)
        refunded = [p for p in payments.in_states(app.runtime.engine, {S.REFUNDED})]
        assert len(refunded) == 1 and refunded[0].host_rc == "06"
        assert "BUKTI PENGEMBALIAN UANG" in "\n".join(decode(app.runtime.counter.delivery.sent[-1]))
        assert [p.state for p in app.screen.rows.values()] == [S.QUEUED]


async def test_refund_key_on_a_row_that_is_not_owed_back_does_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await refund_due_and_offline_payment(pilot)
        await pilot.press("escape", "f6")
        await settle(pilot)
        await pilot.press("down", "k")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert payments.in_states(app.runtime.engine, {S.REFUNDED}) == []


class TestSnapshots:
    def test_offline_bill_and_status_line(self, make_app, snap_compare):
        assert snap_compare(make_app(), run_before=offline_bill)

    def test_provisional_receipt_preview(self, make_app, snap_compare):
        async def run(pilot):
            await offline_bill(pilot)
            await take_cash(pilot, "f6")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_queue_screen(self, make_app, snap_compare):
        async def run(pilot):
            await refund_due_and_offline_payment(pilot)
            await pilot.press("escape", "f6")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)

    def test_refund_confirmation(self, make_app, snap_compare):
        async def run(pilot):
            await refund_due_and_offline_payment(pilot)
            await pilot.press("escape", "f6")
            await settle(pilot)
            await pilot.press("k")
            await settle(pilot)

        assert snap_compare(make_app(), run_before=run)


async def test_refund_without_an_open_shift_is_refused_before_the_money_is_asked_for(make_app):
    """Issue 17, item 9: "Tekan Enter setelah uang diserahkan" came first, "Buka shift dulu"
    after the money was handed over."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await refund_due_and_offline_payment(pilot)
        shifts = app.runtime.counter.shifts
        shift = shifts.current(app.cashier_id)
        shifts.close(shift.id, 0, app.cashier_id)
        await pilot.press("escape", "f6")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert any("Buka shift" in str(n.message) for n in app._notifications)
        assert payments.in_states(app.runtime.engine, {S.REFUNDED}) == []


async def test_when_the_host_comes_back_the_queue_goes_at_once(make_app):
    """Its back-off grew while the host was away; the cashier should not wait for it to run out
    once the host answers again (the status line's health check sees it back)."""
    from loket.sim.server import SimThread

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await offline_bill(pilot)
        await take_cash(pilot, "f6")
        await settle(pilot)
        ref_id = app.screen.payment.ref_id
        payments.update(
            app.runtime.engine, ref_id, PaymentChange(next_attempt_at="2099-01-01T00:00:00+07:00")
        )
        gone = app.sim.thread
        app.sim.thread = SimThread(gone.settings, port=gone.port).start()  # back, as it was
        app.check_health()
        await settle(pilot)
        await settle(pilot)
        assert app.health is not None and app.health.online
        assert payments.get(app.runtime.engine, ref_id).state == S.SUCCESS
