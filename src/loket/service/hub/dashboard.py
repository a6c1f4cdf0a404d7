"""The owner's live view of every outlet, read from the hub (``loket hub dashboard``): a day's
money across outlets or for one of them, per cashier, per hour, and which counter the hub has
not heard from since when.

Cashier ids are only unique on their own counter, so across outlets a cashier is named
``T01 / kasir1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from loket.clock import WIB, Clock, SystemClock, iso
from loket.hub.owner import CounterStatus
from loket.printing.layouts import Shop
from loket.reports.across import AccountBooks, cashier_at
from loket.reports.figures import CashierFigures, Figures, day_range
from loket.service.hub import outlets as hub_outlets
from loket.service.hub import reports as hub_reports
from loket.service.hub.reports import HubWritten
from loket.store.files import private_folder

ALL = ""  # the outlet filter that shows every outlet together


@dataclass(frozen=True)
class Outlet:
    terminal: str
    figures: Figures
    status: CounterStatus | None  # None: payments in the hub from a counter no longer registered
    heard: str  # when the hub last heard from it, in Indonesian
    behind: bool  # the hub may not hold everything this counter recorded
    set_aside: int = 0  # its rows of the day the hub could not read (set aside)


@dataclass
class HubDay:
    day: date
    shown: str  # ALL or one terminal
    figures: Figures  # the outlets shown, together
    outlets: list[Outlet] = field(default_factory=list)  # every outlet, whatever is shown
    accounts: list[AccountBooks] = field(default_factory=list)  # those the shown outlets use

    @property
    def behind(self) -> list[Outlet]:
        return [o for o in self.outlets if o.behind]

    @property
    def set_aside(self) -> list[Outlet]:
        return [o for o in self.outlets if o.set_aside]


def labelled(terminal: str, figures: Figures) -> list[CashierFigures]:
    """A counter's cashiers named with their outlet."""
    return [replace(c, cashier_id=cashier_at(terminal, c.cashier_id)) for c in figures.by_cashier]


def next_outlet(outlets: list[Outlet], shown: str) -> str:
    """The outlet filter after ``shown``: every outlet together, then each in turn."""
    order = [ALL, *(o.terminal for o in outlets)]
    at = order.index(shown) if shown in order else 0
    return order[(at + 1) % len(order)]


class HubView:
    """Reads the hub for the dashboard; every call goes to the database (run it in a worker)."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock | None = None,
        shop: Shop | None = None,
        folder: Path | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.shop = shop or Shop("Semua outlet")
        self.folder = folder or Path("laporan-hub")  # where ``p`` and ``b`` write their files

    def today(self) -> date:
        return self.clock.now().astimezone(WIB).date()

    def day(self, day: date, shown: str = ALL) -> HubDay:
        found = hub_outlets.outlets_day(self.engine, day)
        now = self.clock.now()
        statuses = {s.terminal: s for s in found.counters}
        start, end = day_range(day)
        outlets = []
        for terminal in sorted(set(statuses) | set(found.outlets) | set(found.set_aside)):
            status = statuses.get(terminal)
            fig = found.outlets.get(terminal) or Figures(start, end)
            heard = hub_outlets.silent_for(status, now) if status else "tidak terdaftar"
            late = status is None or status.behind(day, now)
            outlets.append(
                Outlet(terminal, fig, status, heard, late, found.set_aside.get(terminal, 0))
            )
        if shown != ALL:
            figures = found.outlets.get(shown) or Figures(start, end)
        else:
            figures = replace(
                found.all,
                by_cashier=sorted(
                    (c for t, f in found.outlets.items() for c in labelled(t, f)),
                    key=lambda c: (-c.taken, c.cashier_id),
                ),
            )
        accounts = [
            a
            for a in hub_outlets.host_accounts(self.engine, start, end, found.outlets)
            if shown == ALL or shown in a.terminals
        ]
        return HubDay(day, shown, figures, outlets, accounts)

    def report(self, kind: str, day: date) -> HubWritten:
        """The day's (``daily``) or its month's (``monthly``) PDF, XLSX and CSV across every
        outlet, into the report folder."""
        private_folder(self.folder)  # reports hold names and money: the owner's eyes only
        daily = kind == "daily"
        name = (
            f"laporan-hub-harian-{day.isoformat()}" if daily else f"laporan-hub-bulanan-{day:%Y-%m}"
        )
        return hub_reports.write(
            self.engine,
            self.shop,
            iso(self.clock.now()),
            day=day if daily else None,
            month=None if daily else (day.year, day.month),
            pdf=self.folder / f"{name}.pdf",
            xlsx=self.folder / f"{name}.xlsx",
            csv=self.folder / f"{name}.csv",
        )

    def close(self) -> None:
        self.engine.dispose()
