"""``loket doctor`` (also ``loket db check``): is the database whole, is there a safe copy, does
its queue get through? The checks are ``service/doctor.py``'s; this asks for the owner when a
restore is accepted."""

from __future__ import annotations

import sys

from loket.cli.owner import NoInput, _line
from loket.service import doctor


def run(args) -> int:
    from loket.cli.commands import resolve_config  # config discovery is the CLI's

    config = resolve_config(args)
    path = doctor.database_path(config.database.path)
    if getattr(args, "accept_restore", False):
        owner_id = args.owner or _line("ID pemilik: ")
        pin = _line("PIN pemilik: ", secret=True)
        if not owner_id or not pin:
            raise NoInput("ID dan PIN pemilik belum diisi: jangkar tidak diubah")
        print(doctor.accept_restore(path, owner_id, pin), file=sys.stderr)
    return doctor.run(path)
