"""Wires a configuration into working parts: database, host, printer, counter, simulator."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from ulid import ULID

from loket.clock import Clock, SystemClock, iso
from loket.config import Config
from loket.domain.offline import OfflineLimits
from loket.domain.states import PaymentState
from loket.host.base import HostAdapter
from loket.host.native import NativeHost
from loket.printing.backends import Delivery
from loket.printing.escpos_render import PrintOptions
from loket.printing.layouts import Shop
from loket.service.counter import CounterService, CounterSettings
from loket.store import cashiers, payments, settings
from loket.store.db import open_database

TRAINING_CASHIER = "latihan"
TRAINING_OWNER = "pemilik"
S = PaymentState


def ulid_ref(prefix: str) -> str:
    return f"{prefix}-{ULID()}"


@dataclass(frozen=True)
class Health:
    online: bool
    balance: int | None
    printer_ok: bool
    printer_label: str
    queued: int = 0
    queued_amount: int = 0
    oldest_queued: str = ""
    unsettled: int = 0  # pending + unknown + sending
    refunds_due: int = 0


@dataclass
class Runtime:
    config: Config
    engine: Engine
    host: HostAdapter
    counter: CounterService
    clock: Clock
    sim: object | None = None
    training_pin: str = ""
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def training(self) -> bool:
        return self.config.training

    def health(self) -> Health:
        """A look at everything the status line shows (network and disk: call from a worker)."""
        online = self.host.health()
        balance = self.host.balance().balance if online else None
        printer_ok, label = self.counter.delivery.check()
        counts = payments.counts_by_state(self.engine)

        def n(*states: PaymentState) -> int:
            return sum(counts[s].count for s in states if s in counts)

        queued = [counts[s] for s in (S.QUEUED, S.RECORDED, S.REJECTED) if s in counts]
        return Health(
            online=online,
            balance=balance,
            printer_ok=printer_ok,
            printer_label=label,
            queued=sum(c.count for c in queued),
            queued_amount=sum(c.amount for c in queued),
            oldest_queued=min((c.oldest for c in queued), default=""),
            unsettled=n(S.PENDING, S.UNKNOWN, S.SENDING),
            refunds_due=n(S.REFUND_DUE),
        )

    def apply_settings(self) -> None:
        """The owner's settings from the app (audited, in the database) over the config file."""
        overrides = settings.overrides(self.engine)
        counter = self.counter.settings
        counter.admin_fee = overrides.get("fees.admin", self.config.fees.admin)
        limits = {**self.config.offline.model_dump(),
                  **{k.split(".", 1)[1]: v for k, v in overrides.items()
                     if k.startswith("offline.")}}
        counter.offline = OfflineLimits(**limits)

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        self.closers.clear()


def _start_training_sim(config: Config):
    from loket.sim.app import SimSettings
    from loket.sim.server import SimThread

    key = secrets.token_hex(16)  # lives only in this process
    db = Path(config.database.path).with_name("sim.db")
    sim = SimThread(SimSettings(agent_id=config.host.agent_id, key=key, db_path=str(db))).start()
    return sim, key


def build_runtime(
    config: Config,
    *,
    clock: Clock | None = None,
    new_ref: Callable[[str], str] = ulid_ref,
    training_pin: str | None = None,
    sim: object | None = None,
    sim_key: str | None = None,
    delivery: Delivery | None = None,
) -> Runtime:
    clock = clock or SystemClock()
    closers: list[Callable[[], None]] = []
    url, key = config.host.url, None
    if config.training and sim is None:
        sim, key = _start_training_sim(config)
        closers.append(sim.stop)
    if sim is not None:
        url, key = sim.url, sim_key or key
    engine = open_database(config.database.path)
    closers.append(engine.dispose)
    host = NativeHost(
        url,
        config.host.agent_id,
        key or config.host.secret(),
        config.host.connect_timeout_s,
        config.host.read_timeout_s,
    )
    closers.append(host.close)
    p = config.printer

    settings = CounterSettings(
        shop=Shop(
            config.shop.name, config.shop.address, config.shop.agent_id, config.shop.terminal_id
        ),
        admin_fee=config.fees.admin,
        admin_per_month=config.fees.admin_per_month,
        max_months_ahead=config.counter.max_months_ahead,
        print_options=PrintOptions(columns=p.columns, qr=p.qr, cut=p.cut),
        offline=OfflineLimits(**config.offline.model_dump()),
    )
    counter = CounterService(
        engine, host, clock, settings, delivery or Delivery(p), new_ref
    )
    pin = ""
    if config.training:
        pin = training_pin or f"{secrets.randbelow(10**6):06d}"
        now = iso(clock.now())
        cashiers.save_cashier(engine, TRAINING_CASHIER, "Kasir Latihan", pin, now)
        cashiers.save_cashier(engine, TRAINING_OWNER, "Pemilik Latihan", pin, now, role="owner")
    rt = Runtime(config, engine, host, counter, clock, sim, pin, closers)
    rt.apply_settings()
    return rt
