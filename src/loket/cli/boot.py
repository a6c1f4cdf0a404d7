"""The composition root: a configuration becomes a running ``Runtime``.

The only place that knows the bundled simulator: in training mode it is started here, in a
thread of this process, with a key that lives only in this process, speaking the API of the
host the training configuration names (``--profile``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loket import logs
from loket.config import Config
from loket.host.base import HostAdapter
from loket.service.hosts import make_host
from loket.service.runtime import Runtime, TrainingHost, build_runtime


def _training_sim(config: Config):
    from loket.sim.app import SimSettings
    from loket.sim.server import SimThread

    key = secrets.token_hex(16)
    db = Path(config.database.path).with_name("sim.db")
    h = config.host
    settings = SimSettings(
        agent_id=h.account,
        key=key,
        db_path=str(db),
        profile=h.adapter,
        min_status_interval_s=h.status_interval_s,
    )
    sim = SimThread(settings).start()
    return sim, key


def training_host(config: Config) -> TrainingHost | None:
    """In training mode, the simulated host as the cashier is told of it: its name and its own
    test numbers, from the simulator's data."""
    if not config.training:
        return None
    from loket.sim import training

    profile = config.host.adapter
    return TrainingHost(training.name(profile), training.numbers(profile))


def _address(config: Config):
    """Where the host is and its key: the configured one, or in training mode a simulator
    started now (the caller stops it). The key is kept out of every log from here on."""
    sim = None
    if config.training:
        sim, key = _training_sim(config)
        url = sim.url
    else:
        url, key = config.host.url, config.host.secret()
    logs.redact(key)
    return sim, url, key


def start(config: Config) -> Runtime:
    """The runtime for a configuration; close it when done (it stops the simulator too)."""
    sim, url, key = _address(config)
    try:
        host = make_host(config.host, url, key)
    except BaseException:
        if sim is not None:
            sim.stop()
        raise
    try:
        rt = build_runtime(config, host, training_host=training_host(config))
    except BaseException:
        host.close()
        if sim is not None:
            sim.stop()
        raise
    if sim is not None:
        rt.closers.insert(0, sim.stop)
    return rt


@contextmanager
def host_only(config: Config) -> Iterator[tuple[HostAdapter, str]]:
    """The configured host adapter alone (no database), and the address it talks to; in
    training mode, against a simulator started for the occasion."""
    sim, url, key = _address(config)
    try:
        host = make_host(config.host, url, key)
        try:
            yield host, url
        finally:
            host.close()
    finally:
        if sim is not None:
            sim.stop()
