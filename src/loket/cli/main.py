"""``loket`` and its subcommands. User mistakes end in one line and exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
import threading

from loket import __version__, clock, logs
from loket.errors import LoketError

log = logging.getLogger("loket.cli")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="configuration file (default: $LOKET_CONFIG, then the user config)",
    )
    common.add_argument(
        "--training",
        action="store_true",
        default=argparse.SUPPRESS,
        help="force training mode (MODE LATIHAN) with the bundled simulator",
    )
    common.add_argument(
        "--profile",
        choices=["loket", "digiflazz", "iak"],
        default=argparse.SUPPRESS,
        help="training mode: which host the bundled simulator plays (default loket; "
        "digiflazz runs in its development mode with its test numbers)",
    )

    parser = argparse.ArgumentParser(
        prog="loket", parents=[common], description="BPJS Kesehatan payment counter for PPOB agents"
    )
    parser.add_argument("--version", action="version", version=f"loket {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sim = sub.add_parser("sim", help="run the host simulator as a standalone server")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8765)
    sim.add_argument("--seed", type=int, default=1)
    sim.add_argument("--db", default=None, help="simulator ledger file (default: user data dir)")
    sim.add_argument("--agent", default="AGT-SIM")
    sim.add_argument(
        "--key", default=None, help="agent key (default: $LOKET_SIM_KEY, else a generated key file)"
    )
    sim.add_argument("--families", type=int, default=60_000)
    sim.add_argument("--pending-delay", type=float, default=5.0)
    sim.add_argument(
        "--profile",
        choices=["loket", "digiflazz", "iak"],
        default="loket",
        help="which host API to serve: loket (native), digiflazz (/v1/transaction) or iak "
        "(/api/v1/bill/check); --agent is then the username, --key the API key",
    )
    sim.add_argument(
        "--min-status-interval",
        type=float,
        default=60.0,
        help="digiflazz/iak: seconds between status calls for one transaction",
    )
    sim.add_argument(
        "--inquiry-ttl",
        type=float,
        default=900.0,
        help="iak: seconds an inquiry's tr_id can be paid",
    )

    for name, text in (("inquiry", "look up a family's bill"), ("pay", "pay a family's bill")):
        cmd = sub.add_parser(name, parents=[common], help=text)
        cmd.add_argument("number", help="13-digit card or 16-digit VA number")
        cmd.add_argument("--months-ahead", type=int, default=0)
        cmd.add_argument("--json", action="store_true")
        if name == "pay":
            cmd.add_argument("--cash", required=True, help="cash received, e.g. 110000")
            cmd.add_argument(
                "--key",
                default=None,
                help="idempotency key (8-200 printable ASCII characters, e.g. the "
                "POS's order id): the same key again answers with the payment "
                "already made, never a second one (default: a new key each run)",
            )

    serve = sub.add_parser(
        "serve", parents=[common], help="a local HTTP API for the shop's own POS (bearer token)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8780)
    serve.add_argument(
        "--new-token",
        action="store_true",
        help="print a strong bearer token for [serve] token_env, and where it goes",
    )

    sync = sub.add_parser("sync", parents=[common], help="forward queued payments to the host")
    sync.add_argument("--once", action="store_true", help="one pass, then exit")

    rec = sub.add_parser(
        "reconcile", parents=[common], help="check every payment of a day against the host"
    )
    rec.add_argument("--date", required=True, help="YYYY-MM-DD (WIB)")
    rec.add_argument("--json", action="store_true")

    hist = sub.add_parser("history", parents=[common], help="a day's payments (today by default)")
    hist.add_argument("--date", default=None, help="YYYY-MM-DD (WIB)")
    hist.add_argument("--search", default="", help="number, name or ref")
    hist.add_argument("--json", action="store_true")

    owner = argparse.ArgumentParser(add_help=False)
    owner.add_argument("--owner", default=None, help="owner id (the PIN is asked for)")

    cashier = sub.add_parser("cashier", parents=[common], help="manage cashiers (owner only)")
    actions = cashier.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", parents=[owner], help="a new account (asks its PIN twice)")
    add.add_argument("id")
    add.add_argument("--name", default=None)
    add.add_argument("--role", choices=["kasir", "pemilik", "cashier", "owner"], default="kasir")
    add.add_argument(
        "--pos",
        action="store_true",
        help="a headless POS account for `loket pay` (no PIN, cannot log in)",
    )
    reset = actions.add_parser("reset-pin", parents=[owner], help="a new PIN (asked twice)")
    reset.add_argument("id")
    for name in ("deactivate", "reactivate"):
        actions.add_parser(name, parents=[owner]).add_argument("id")
    actions.add_parser("list", parents=[owner])

    report = sub.add_parser(
        "report", parents=[common], help="daily or monthly report: PDF, CSV, XLSX (owner only)"
    )
    kinds = report.add_subparsers(dest="kind", required=True)
    daily = kinds.add_parser("daily", parents=[owner])
    daily.add_argument("--date", required=True, help="YYYY-MM-DD (WIB)")
    monthly = kinds.add_parser("monthly", parents=[owner])
    monthly.add_argument("--month", required=True, help="YYYY-MM")
    for kind in (daily, monthly):
        kind.add_argument(
            "--out",
            default=None,
            help="the PDF to write (default: PDF, CSV and XLSX into laporan/ beside the database)",
        )
        kind.add_argument(
            "--csv",
            default=None,
            help="also the payments as CSV (Indonesian spreadsheet: ; separated, UTF-8 with BOM)",
        )
        kind.add_argument("--xlsx", default=None, help="also the report as an Excel workbook")

    audit = sub.add_parser("audit", parents=[common], help="the audit log")
    audit.add_subparsers(dest="audit_action", required=True).add_parser(
        "verify", help="check the hash chain; exit 1 at the first broken link"
    )

    checking = argparse.ArgumentParser(add_help=False, parents=[common])
    checking.add_argument(
        "--accept-restore",
        action="store_true",
        help="after restoring a backup on purpose: anchor what it holds (owner)",
    )
    checking.add_argument("--owner", default=None, help="owner id for --accept-restore")
    sub.add_parser(
        "doctor",
        parents=[checking],
        help="check the database, its anchor and the audit log; make a backup",
    )
    sub.add_parser("db", help="the database").add_subparsers(
        dest="db_action", required=True
    ).add_parser("check", parents=[checking], help="the same as `loket doctor`")

    sub.add_parser("host", help="the host").add_subparsers(
        dest="host_action", required=True
    ).add_parser(
        "check",
        parents=[common],
        help="check the configured host: address, credentials, IP "
        "whitelist, clock, product code; the deposit balance; exit 0 when payments can be taken",
    )

    from loket.cli import hub  # the owner's PostgreSQL hub (issue 12)

    hub.add_parser(sub, common)
    from loket.cli import init_flags

    init_flags.add_parser(sub, common)
    sub.add_parser("print-test", parents=[common], help="print a test page")
    return parser


def _hub(args) -> int:
    from loket.cli import hub

    return hub.run(args)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from loket.cli import (  # late: `loket --version` stays fast
        commands,
        doctor,
        host_check,
        listing,
    )

    handler = {
        None: commands.run_tui,
        "sim": commands.run_sim,
        "inquiry": commands.inquiry,
        "pay": commands.pay,
        "sync": commands.sync,
        "serve": commands.serve,
        "init": commands.init,
        "print-test": commands.print_test,
        "reconcile": commands.reconcile,
        "history": listing.history,
        "cashier": commands.owner_command,
        "report": commands.owner_command,
        "audit": commands.owner_command,
        "doctor": doctor.run,
        "db": doctor.run,
        "host": host_check.run,
        "hub": _hub,
    }[args.command]
    log_file = logs.setup()
    try:
        clock.check_clock_env()  # a test's clock, or one clear line: not a crash mid-payment
        return handler(args)
    except LoketError as exc:  # the person's to act on: one line, no traceback
        print(f"loket: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): what was done is done, say nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush
        return 141  # as a shell reports a command ended by SIGPIPE
    except OSError as exc:  # the machine's: a folder we may not write, a device that is gone
        log.warning("%s: %s", args.command, exc, exc_info=True)
        where = f": {exc.filename}" if exc.filename else ""
        print(f"loket: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except Exception:  # a bug: the traceback goes to the log, never to the screen
        log.exception("unexpected error in `loket %s`", args.command or "")
        where = f"; rinciannya di {log_file}" if log_file else ""
        print(f"loket: terjadi kesalahan tak terduga{where}", file=sys.stderr)
        return 70


def run() -> None:
    """The ``loket`` command: ``main``, then a quick exit.

    By the time ``main`` returns, everything it opened is closed (the database, the host client,
    the simulator) and only the interpreter's teardown is left: freeing every object of every
    module, about a quarter of a second on a kiosk PC — more than a headless command's own work.
    So, when no other thread is running, the log is flushed, exit handlers run, and the process
    ends without that teardown."""
    code = main()
    if threading.active_count() > 1:  # a thread still working: let Python end it properly
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()  # logging's shutdown (flush and close the log file), lock releases
    os._exit(int(code or 0))


if __name__ == "__main__":
    run()
