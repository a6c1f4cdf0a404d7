"""The composition root: a configuration becomes a running ``Runtime``.

The only place that knows the bundled simulator: in training mode it is started here, in a
thread of this process, with a key that lives only in this process.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from loket import logs
from loket.config import Config
from loket.host.native import NativeHost
from loket.service.runtime import Runtime, build_runtime


def _training_sim(config: Config):
    from loket.sim.app import SimSettings
    from loket.sim.server import SimThread

    key = secrets.token_hex(16)
    db = Path(config.database.path).with_name("sim.db")
    sim = SimThread(SimSettings(agent_id=config.host.agent_id, key=key, db_path=str(db))).start()
    return sim, key


def start(config: Config) -> Runtime:
    """The runtime for a configuration; close it when done (it stops the simulator too)."""
    h = config.host
    sim = None
    if config.training:
        sim, key = _training_sim(config)
        url = sim.url
    else:
        url, key = h.url, h.secret()
    logs.redact(key)
    host = NativeHost(url, h.agent_id, key, h.connect_timeout_s, h.read_timeout_s)
    try:
        rt = build_runtime(config, host)
    except BaseException:
        host.close()
        if sim is not None:
            sim.stop()
        raise
    if sim is not None:
        rt.closers.insert(0, sim.stop)
    return rt
