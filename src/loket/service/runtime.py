"""Wires a configuration into working parts: database, host, printer, the counter and the desks.

The host adapter is handed in by the composition root (``cli/boot.py``), which is also where the
training simulator is started: nothing below the entry point knows the simulator exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from ulid import ULID

from loket.clock import Clock, SystemClock
from loket.config import Config
from loket.domain.offline import OfflineLimits
from loket.domain.states import IN_FLIGHT, WAITING_TO_SEND, PaymentState
from loket.host.base import HostAdapter
from loket.printing.backends import Delivery
from loket.printing.escpos_render import PrintOptions
from loket.printing.layouts import Shop
from loket.service import queue_health
from loket.service.accounts import AccountDesk
from loket.service.counter import CounterService, CounterSettings
from loket.service.deposit_watch import DepositWatch
from loket.service.hub.desk import HubDesk
from loket.service.owner_reports import ReportDesk
from loket.service.owner_settings import SettingsDesk
from loket.service.pos import PosDesk
from loket.service.queue_health import QueueHealth
from loket.store import anchor, payments, verifying
from loket.store.files import write_atomic
from loket.store.opening import open_database

if TYPE_CHECKING:  # imported when a reconciliation is asked for
    from loket.sync.reconcile import Reconciliation


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
    unsettled: int = 0  # at the host, answer not final
    refunds_due: int = 0
    hub_waiting: int = 0  # outbox rows the owner's hub has not got yet (0 without a hub)
    queue: QueueHealth = QueueHealth()  # stuck or not (service/queue_health.py)


@dataclass(frozen=True)
class TrainingHost:
    """The host a training counter plays against (the bundled simulator), as the cashier is told
    of it: its name, and its test numbers with what each one shows. Handed in by the composition
    root, which alone knows the simulator."""

    name: str  # "Digiflazz (simulator)"
    numbers: tuple[tuple[str, str], ...] = ()  # (number, what it shows)


@dataclass
class Runtime:
    config: Config
    engine: Engine
    host: HostAdapter
    counter: CounterService
    clock: Clock
    accounts: AccountDesk
    settings: SettingsDesk
    reports: ReportDesk
    training_pin: str = ""
    closers: list[Callable[[], None]] = field(default_factory=list)
    hub: HubDesk | None = None  # the owner's PostgreSQL hub ([hub]; the outbox is always there)
    training_host: TrainingHost | None = None  # training mode: the simulated host

    @property
    def training(self) -> bool:
        return self.config.training

    @property
    def database_path(self) -> Path:
        return Path(self.config.database.path)

    def health(self) -> Health:
        """A look at everything the status line shows (network and disk: call from a worker)."""
        online = self.host.health()
        balance = self.host.balance().balance if online else None
        printer_ok, label = self.counter.delivery.check()
        counts = payments.counts_by_state(self.engine)

        def of(group: Iterable[PaymentState]) -> list[payments.StateCount]:
            return [counts[s] for s in group if s in counts]

        queued = of(WAITING_TO_SEND)
        return Health(
            online=online,
            balance=balance,
            printer_ok=printer_ok,
            printer_label=label,
            queued=sum(c.count for c in queued),
            queued_amount=sum(c.amount for c in queued),
            oldest_queued=min((c.oldest for c in queued), default=""),
            unsettled=sum(c.count for c in of(IN_FLIGHT)),
            refunds_due=sum(c.count for c in of({PaymentState.REFUND_DUE})),
            hub_waiting=self.hub.backlog().count if self.hub and self.hub.configured else 0,
            queue=queue_health.look(self.engine, self.clock.now()),
        )

    def pos_desk(self) -> PosDesk:
        """The desk a shop's own POS pays through, as ``[counter] pos_account``: ``loket serve``'s
        requests and ``loket pay`` alike."""
        return PosDesk(self.counter, self.accounts, self.config.counter.pos_account)

    def reconcile(self, day: str) -> Reconciliation:
        """``loket reconcile``: the day's payments against what the host says (network)."""
        from loket.sync.reconcile import reconcile

        return reconcile(self.engine, self.host, day, self.clock.now())

    def audit_check(self) -> tuple[verifying.Verdict, list[str]]:
        """``loket audit verify``: the keyed chain, the anchor and each payment's trail; the
        verdict and one line per finding (none when all holds)."""
        _held, problems = anchor.findings(self.engine)
        verdict = verifying.verify(self.engine)
        return verdict, [f"jangkar: {p}" for p in problems] + [f.text for f in verdict.findings]

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        self.closers.clear()


def build_runtime(
    config: Config,
    host: HostAdapter,
    *,
    clock: Clock | None = None,
    new_ref: Callable[[str], str] = ulid_ref,
    training_pin: str | None = None,
    delivery: Delivery | None = None,
    training_host: TrainingHost | None = None,
) -> Runtime:
    clock = clock or SystemClock()
    closers: list[Callable[[], None]] = [host.close]
    engine = open_database(config.database.path)
    closers.append(engine.dispose)
    host = DepositWatch(host, engine, clock)  # every balance the host tells, for the owner's books
    p = config.printer
    shop = Shop(
        config.shop.name,
        config.shop.address,
        config.shop.agent_id,
        config.shop.terminal_id,
        training=config.training,
    )
    settings = CounterSettings(
        shop=shop,
        admin_fee=config.fees.admin,
        admin_per_month=config.fees.admin_per_month,
        max_months_ahead=config.counter.max_months_ahead,
        print_options=PrintOptions(columns=p.columns, qr=p.qr, cut=p.cut),
        offline=OfflineLimits(**config.offline.model_dump()),
    )
    counter = CounterService(engine, host, clock, settings, delivery or Delivery(p), new_ref)
    accounts = AccountDesk(engine, clock)
    desk = SettingsDesk(
        engine, clock, settings, config.fees.admin, OfflineLimits(**config.offline.model_dump())
    )
    desk.apply()
    reports = ReportDesk(
        engine,
        shop,
        clock,
        Path(config.database.path).parent / "laporan",
        settlement=config.host.settlement,
    )
    pin = ""
    if config.training:
        pin_file = Path(config.database.path).with_name("pin-latihan")
        if training_pin:
            write_atomic(pin_file, training_pin.encode("ascii"))
        pin = accounts.training_pin(pin_file)
    hub = HubDesk(engine, config)
    closers.append(hub.close)
    return Runtime(
        config,
        engine,
        host,
        counter,
        clock,
        accounts,
        desk,
        reports,
        pin,
        closers,
        hub,
        training_host if config.training else None,
    )
