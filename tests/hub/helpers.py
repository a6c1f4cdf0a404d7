"""Counters that pay against the simulator and push to a hub, for the hub's tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from loket.config import HubConfig
from loket.hub.connect import hub_engine
from loket.service.hub.desk import HubDesk
from tests.conftest import make_runtime, refs
from tests.hub.pgcluster import SUPERPASS

NUMBERS = ("0001000000011", "0001000000029", "0001000000037")


def counter(tmp: Path, sim, terminal: str, hub_url: str, password_env: str = "LOKET_HUB_PASSWORD"):
    """A counter (its own SQLite) with ``[hub]`` pointing at ``hub_url`` as ``terminal``."""
    rt = make_runtime(tmp / terminal, sim)
    rt.counter.new_ref = refs(terminal)  # each counter its own references
    rt.config.hub = HubConfig(url=hub_url, password_env=password_env, terminal_id=terminal)
    rt.hub = HubDesk(rt.engine, rt.config)  # rt.close() closes the first one; tests close this
    return rt, rt.hub


def pay(rt, number: str, months_ahead: int = 0):
    bill = rt.counter.inquire(number, months_ahead).bill
    return rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")


def as_role(url: str, role: str, password: str):
    """The hub as one role sees it (the URL's user swapped)."""
    return hub_engine(url.replace("postgresql://postgres@", f"postgresql://{role}@"), password)


def admin(url: str):
    return hub_engine(url, SUPERPASS)


def hub_rows(engine, table: str, terminal: str) -> list[tuple]:
    key = {"payment": "ref_id", "payment_event": "event_id", "record": "kind, key"}[table]
    with engine.connect() as conn:
        return conn.execute(
            text(f"SELECT {key}, seq FROM {table} WHERE terminal = :t ORDER BY {key}"),
            {"t": terminal},
        ).all()
