"""``loket init``'s flags: one for every question it asks. Only argparse at import time: every
``loket`` command builds this parser (the answers are checked in ``cli/setup.py``, by the same
checks as a typed answer, so a wrong flag gets the same one-line Indonesian answer)."""

from __future__ import annotations

import argparse


def add_parser(sub, common) -> None:
    init = sub.add_parser(
        "init",
        parents=[common],
        help="write a configuration and the owner's account",
        description="Set up a counter. Every answer can be given as a flag (then it is not "
        "asked); the owner's PIN comes from the terminal, or from two lines of standard input.",
    )
    flag = init.add_argument
    flag("--database", metavar="PATH", help="the counter's database file")
    flag("--shop-name", help="printed on every slip")
    flag("--address", help="printed on every slip")
    flag("--terminal", metavar="ID", help="this counter's terminal id (T01)")
    flag("--adapter", help="the host: loket (native), digiflazz, iak")
    flag("--agent-id", help="native host: the agent id")
    flag("--username", help="digiflazz / iak: the account's username")
    flag("--url", help="the host's address")
    flag("--key-env", metavar="NAME", help="the environment variable holding the host key")
    flag("--sku", help="digiflazz: your buyer_sku_code for BPJS Kesehatan")
    flag(
        "--testing",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="digiflazz: development mode (with the development key)",
    )
    flag("--printer", help="the printer backend")
    flag("--columns", help="paper columns: 32 (58 mm) or 48 (80 mm)")
    flag(
        "--printer-target",
        metavar="WHERE",
        help="file: path; serial: device; network: host; cups / win32raw: printer name",
    )
    flag("--vendor-id", metavar="HEX", help="usb printer: vendor id (hex)")
    flag("--product-id", metavar="HEX", help="usb printer: product id (hex)")
    flag("--admin-fee", metavar="RP", help="the counter's admin fee per transaction")
    flag("--hub-url", metavar="URL", help="the owner's PostgreSQL hub (postgresql://…)")
    flag("--no-hub", action="store_true", help="no hub (not asked)")
    flag("--hub-password-env", metavar="NAME", help="the variable holding the hub's password")
    flag("--owner-id", help="the owner's account id (default pemilik)")
    flag("--owner-name", help="the owner's name")
    flag("--pos-account", metavar="ID", help="the account `loket pay` and `loket serve` act as")
