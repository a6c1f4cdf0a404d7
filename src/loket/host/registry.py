"""Every host loket can pay through, by the name ``[host] adapter`` gives it: what builds its
adapter and what else the rest of loket needs to know of it, so that nothing outside ``host/``
branches on a host's name.

A host is a package of its own (``loket.host.<name>``: ``client.py`` with a ``build(reach)``
function, ``replies.py``, ``codes.py``) and one entry in ``KINDS`` below. Only the adapter a
configuration names is imported (a command pays for the host it speaks to): this module imports
no adapter.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from loket.clock import Clock
    from loket.host.base import HostAdapter


@dataclass(frozen=True)
class Reach:
    """How a configured adapter is reached and paced, as ``[host]`` says (with the kind's
    defaults filled in)."""

    url: str
    account: str  # the native agent id, or the aggregator username
    key: str
    connect_timeout_s: float
    read_timeout_s: float
    total_timeout_s: float | None
    status_interval_s: float
    late_request_s: float
    sku: str = ""
    testing: bool = False
    clock: Clock | None = None


@dataclass(frozen=True)
class HostKind:
    """One host: its name in ``[host] adapter`` and the facts callers need of it."""

    name: str  # "loket" | "digiflazz" | "iak"
    package: str  # the package whose ``client.build(reach)`` makes the adapter
    account: Literal["agent_id", "username"]  # the [host] field naming the agent at the host
    status_interval_s: float  # a status query per transaction no more often, by default
    # how long after its deadline a payment request left without an answer may still arrive at
    # the host and post (issue 18): the native host books one ref_id once, however late; the
    # aggregators pay a new reference per attempt, so a new one waits this long
    late_request_s: float
    read_timeout_s: float
    options: frozenset[str] = frozenset()  # the [host] fields only this host takes
    why_no_options: str = ""  # said when options it does not take are given
    # training mode: [host] fields of its simulated account (Digiflazz's test numbers answer
    # only in its development mode), and where its data lives beside the others'
    training: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    training_folder: str = ""
    sim_db: str = ""
    hub_name: str = ""  # how the owner's hub names its accounts ("<hub_name>:<account>")
    # `loket init`: the address offered, and the question for the account (Indonesian)
    default_url: str = ""
    account_question: str = ""
    account_example: str = ""

    def build(self, reach: Reach) -> HostAdapter:
        """The adapter, its package imported only now."""
        client = importlib.import_module(f"{self.package}.client")
        adapter: HostAdapter = client.build(reach)
        return adapter


KINDS: tuple[HostKind, ...] = (
    HostKind(
        "loket",
        "loket.host.native",
        "agent_id",
        status_interval_s=0.0,
        late_request_s=0.0,
        read_timeout_s=15.0,
        training_folder="latihan",
        sim_db="sim.db",
        hub_name="native",
        default_url="http://127.0.0.1:8765",
        account_question="ID agen dari host",
        account_example="AGT001",
    ),
    HostKind(
        "digiflazz",
        "loket.host.digiflazz",
        "username",
        status_interval_s=60.0,
        late_request_s=300.0,
        read_timeout_s=15.0,
        options=frozenset({"sku", "testing"}),
        training=MappingProxyType({"testing": True}),
        training_folder="latihan-digiflazz",
        sim_db="sim-digiflazz.db",
        hub_name="digiflazz",
        default_url="https://api.digiflazz.com",
        account_question="Username akun Digiflazz",
    ),
    HostKind(
        "iak",
        "loket.host.iak",
        "username",
        status_interval_s=0.0,
        late_request_s=300.0,
        read_timeout_s=30.0,  # IAK suggests 30 s
        why_no_options="IAK memakai kode BPJS dan URL sandbox",
        training_folder="latihan-iak",
        sim_db="sim-iak.db",
        hub_name="iak",
        default_url="https://testpostpaid.mobilepulsa.net",
        account_question="Username akun IAK (nomor HP terdaftar)",
    ),
)
HOSTS: Mapping[str, HostKind] = MappingProxyType({kind.name: kind for kind in KINDS})
NAMES: tuple[str, ...] = tuple(HOSTS)
OPTIONS: tuple[str, ...] = ("sku", "testing")  # every host-only [host] field, in that order


def kind(name: str) -> HostKind:
    """The host named ``name``; ``KeyError`` for a name no package answers to."""
    return HOSTS[name]
