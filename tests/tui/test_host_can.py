"""The counter offers only what the host can do (issue 17, item 8): on a host that sells no
months ahead (Digiflazz), ``+`` is neither offered nor acts, and the bill stays."""

from loket.host.digiflazz.client import DigiflazzHost
from loket.host.iak.client import IakHost
from loket.host.native.client import NativeHost
from loket.tui import texts
from tests.tui.conftest import burst, inquire, login


def test_each_adapter_says_whether_it_sells_months_ahead():
    assert NativeHost.pays_ahead and IakHost.pays_ahead
    assert not DigiflazzHost.pays_ahead


async def test_a_host_without_months_ahead_offers_no_plus_and_keeps_the_bill(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot)
        app.runtime.counter.host.pays_ahead = False  # what DigiflazzHost says
        await inquire(pilot, "0001000000029")
        screen = app.screen
        bill = screen.bill
        assert bill is not None
        assert "plus" not in screen.active_bindings
        assert screen.query_one("#bill").border_subtitle == texts.BILL_KEYS_DUE
        await burst(pilot, "plus")
        assert screen.bill is bill and screen.bill_number == "0001000000029"
