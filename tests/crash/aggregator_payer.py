"""payer.py for an aggregator: a counter that never stops paying through Digiflazz or IAK, built
on the adapter directly (as `[host] adapter` will build it), killed with SIGKILL at random moments.

Usage: python aggregator_payer.py PROFILE CONFIG NUMBERS_FILE SEED   (pays until killed)
       python aggregator_payer.py PROFILE CONFIG sync DAYS            (one `loket sync --once`,
                                                  its clock DAYS days ahead: a quote of today
                                                  can no longer be paid then)
The username and key come from $LOKET_CRASH_USER and $LOKET_CRASH_KEY.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

from loket.clock import OffsetClock
from loket.config import load_config
from loket.service.forwarding import run_sync
from loket.service.runtime import build_runtime
from tests.crash.payer import pay_forever


def adapter(profile: str, url: str, clock):
    user, key = os.environ["LOKET_CRASH_USER"], os.environ["LOKET_CRASH_KEY"]
    if profile == "iak":
        from loket.host.iak.client import IakHost

        return IakHost(url, user, key, connect_timeout_s=1.0, read_timeout_s=1.0, clock=clock)
    from loket.host.digiflazz.client import DigiflazzHost

    return DigiflazzHost(
        url,
        user,
        key,
        sku="bpjs",
        testing=True,
        min_status_interval_s=0.0,
        connect_timeout_s=1.0,
        read_timeout_s=1.0,
        clock=clock,
    )


def main(profile: str, config_path: str, what: str, seed: str = "0") -> int:
    config = load_config(config_path)
    clock = OffsetClock()
    if what == "sync":
        clock.offset = timedelta(days=int(seed))
    rt = build_runtime(config, adapter(profile, config.host.url, clock), clock=clock)
    print("ready", flush=True)  # the crash test kills at a random moment from here on
    try:
        if what == "sync":
            return run_sync(rt, once=True, out=print)
        pay_forever(rt, Path(what).read_text().split(), int(seed))
        return 0
    finally:
        rt.close()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
