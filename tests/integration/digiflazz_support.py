"""A Digiflazz simulator, the adapter pointed at it, and a runtime that pays through it."""

from __future__ import annotations

import time
from pathlib import Path

from loket.config import training_config
from loket.host.base import PaymentRequest, Ticket
from loket.host.digiflazz.client import DigiflazzHost
from loket.printing.backends import Delivery, PrinterSettings
from loket.service.runtime import Runtime, build_runtime
from loket.store import payments, shifts
from tests.conftest import AGENT, KEY, SimControl, refs
from tests.sim_profiles.conftest import DigiflazzClient, start_profile_sim

EXAMPLE_PREMIUM = 22_500  # §1.3: selling_price 25.000 − admin 2.500
EXAMPLE_PRICE = 24_700  # what a payment deducts from the deposit
EXAMPLE_SN = "BP1234554321JS"
FAMILY = "0001000000011"  # a native fixed family, served count-only: owes the current month


def start_digiflazz(**settings) -> SimControl:
    return start_profile_sim("digiflazz", **settings)


def adapter(sim: SimControl, key: str = KEY, **kw) -> DigiflazzHost:
    options = {"testing": True, "min_status_interval_s": 0.0, "clock": sim.clock} | kw
    return DigiflazzHost(sim.url, AGENT, key, **options)


def request(customer_no: str, amount: int = EXAMPLE_PREMIUM) -> PaymentRequest:
    return PaymentRequest(
        "PAY-1", customer_no, 0, amount, "T01", "latihan", "2026-11-21T10:00:00+07:00"
    )


def ticket(ref: str, customer_no: str) -> Ticket:
    return Ticket(ref, "", "PAY-1", customer_no)


def raw_client(sim: SimControl) -> DigiflazzClient:
    return DigiflazzClient(sim)


def runtime(tmp_path: Path, sim: SimControl, host: DigiflazzHost | None = None) -> Runtime:
    config = training_config(tmp_path)
    config.host.agent_id = AGENT
    rt = build_runtime(
        config,
        host or adapter(sim),
        clock=sim.clock,
        new_ref=refs(),
        training_pin="123456",
        delivery=Delivery(PrinterSettings(backend="dummy")),
    )
    if shifts.current(rt.engine, "latihan") is None:
        shifts.open_shift(rt.engine, "latihan", 100_000, "2026-11-21T08:00:00+07:00")
    rt.counter.sleep = lambda _s: time.sleep(0.05)
    rt.counter.settings.pending_wait_s = 3.0
    return rt


def pay_at_counter(rt: Runtime, number: str):
    found = rt.counter.inquire(number)
    assert found.bill is not None, found.error
    return rt.counter.pay(found.bill, rt.counter.total_for(found.bill), "latihan")


def host_refs(rt: Runtime, ref_id: str) -> list[tuple[str, str]]:
    from loket.store import attempts

    payment = payments.get(rt.engine, ref_id)
    assert payment is not None
    return [(a.host_ref, str(a.state)) for a in attempts.of(rt.engine, payment.id)]
