"""``loket hub …``: create the owner's hub, add a role per counter, push, and read it back.

Each action is one function (``setup``, ``counter``, ``owner``), named on its subparser by
``set_defaults(hub_run=…)``; ``run`` calls it."""

from __future__ import annotations

from loket.cli.hub import counter, owner, setup

# Only argparse at import time: `loket --version` builds this parser too. Each action imports
# what it needs when it runs.


def add_parser(sub, common) -> None:
    hub = sub.add_parser("hub", help="the owner's PostgreSQL hub: every counter in one place")
    actions = hub.add_subparsers(dest="hub_action", required=True)
    url = {
        "default": None,
        "help": "postgresql://USER@HOST/DB (default: [hub] url); the "
        "password from [hub] password_env or $LOKET_HUB_PASSWORD",
    }
    init = actions.add_parser("init", parents=[common], help="create or upgrade the hub's schema")
    init.add_argument("--url", **url)
    init.set_defaults(hub_run=setup.init)
    for name, text in (
        ("add-counter", "a login role for one counter's terminal"),
        ("add-owner", "a login role that reads every outlet"),
    ):
        cmd = actions.add_parser(name, parents=[common], help=text)
        cmd.add_argument("name", metavar="TERMINAL" if name == "add-counter" else "ROLE")
        cmd.add_argument("--url", **url)
        cmd.set_defaults(hub_run=setup.add_role)
    push = actions.add_parser("push", parents=[common], help="send this counter's outbox")
    push.add_argument("--once", action="store_true", help="everything waiting, then exit")
    push.set_defaults(hub_run=counter.push)
    actions.add_parser(
        "status", parents=[common], help="what this counter has not sent yet"
    ).set_defaults(hub_run=counter.status)
    actions.add_parser(
        "resend", parents=[common], help="queue everything again, for a hub restored from a backup"
    ).set_defaults(hub_run=counter.resend)
    check = actions.add_parser(
        "check", parents=[common], help="this counter's payments of a day against the hub"
    )
    check.add_argument("--date", required=True, help="YYYY-MM-DD (WIB)")
    check.set_defaults(hub_run=counter.check)
    dash = actions.add_parser(
        "dashboard",
        parents=[common],
        help="the owner's screen over every outlet (read from the hub)",
    )
    dash.add_argument("--url", **url)
    dash.set_defaults(hub_run=owner.dashboard)
    rec = actions.add_parser(
        "reconcile",
        parents=[common],
        help="every outlet's payments of a day in the hub against the "
        "host ([host]): differences per outlet and per cashier",
    )
    rec.add_argument("--date", required=True, help="YYYY-MM-DD (WIB)")
    rec.add_argument("--url", **url)
    rec.add_argument("--json", action="store_true")
    rec.set_defaults(hub_run=owner.reconcile)
    report = actions.add_parser(
        "report",
        parents=[common],
        help="a day or a month across every outlet, per outlet and per cashier",
    )
    period = report.add_mutually_exclusive_group(required=True)
    period.add_argument("--day", help="YYYY-MM-DD (WIB)")
    period.add_argument("--month", help="YYYY-MM")
    report.add_argument("--url", **url)
    report.add_argument("--json", action="store_true")
    report.add_argument(
        "--pdf",
        default=None,
        help="the report as PDF (as `loket owner "
        "report`, with a table per outlet and the deposit per host account)",
    )
    report.add_argument(
        "--xlsx",
        default=None,
        help="the report as an Excel workbook: the summary, and every payment with its outlet",
    )
    report.add_argument(
        "--csv",
        default=None,
        help="every payment of the period with its "
        "outlet (Indonesian spreadsheet: ; separated, UTF-8 with BOM)",
    )
    report.add_argument("--outlets-csv", default=None, help="per outlet and per cashier as CSV")
    report.set_defaults(hub_run=owner.report)


def run(args) -> int:
    """The action's exit code (``loket hub ACTION``)."""
    return args.hub_run(args)
