"""``loket hub …``: create the owner's hub, add a role per counter, push, and read it back."""

from __future__ import annotations

import json
import signal
import threading
from datetime import date

from loket.clock import SystemClock

# Only argparse at import time: `loket --version` builds this parser too. The rest comes in run().


def add_parser(sub, common) -> None:
    hub = sub.add_parser("hub", help="the owner's PostgreSQL hub: every counter in one place")
    actions = hub.add_subparsers(dest="hub_action", required=True)
    url = {"default": None, "help": "postgresql://USER@HOST/DB (default: [hub] url); the "
           "password from [hub] password_env or $LOKET_HUB_PASSWORD"}
    init = actions.add_parser("init", parents=[common], help="create or upgrade the hub's schema")
    init.add_argument("--url", **url)
    for name, text in (("add-counter", "a login role for one counter's terminal"),
                       ("add-owner", "a login role that reads every outlet")):
        cmd = actions.add_parser(name, parents=[common], help=text)
        cmd.add_argument("name", metavar="TERMINAL" if name == "add-counter" else "ROLE")
        cmd.add_argument("--url", **url)
    push = actions.add_parser("push", parents=[common], help="send this counter's outbox")
    push.add_argument("--once", action="store_true", help="everything waiting, then exit")
    actions.add_parser("status", parents=[common], help="what this counter has not sent yet")
    actions.add_parser("resend", parents=[common],
                       help="queue everything again, for a hub restored from a backup")
    check = actions.add_parser("check", parents=[common],
                               help="this counter's payments of a day against the hub")
    check.add_argument("--date", required=True, help="YYYY-MM-DD (WIB)")
    dash = actions.add_parser("dashboard", parents=[common],
                              help="the owner's screen over every outlet (read from the hub)")
    dash.add_argument("--url", **url)
    rec = actions.add_parser("reconcile", parents=[common],
                             help="every outlet's payments of a day in the hub against the "
                             "host ([host]): differences per outlet and per cashier")
    rec.add_argument("--date", required=True, help="YYYY-MM-DD (WIB)")
    rec.add_argument("--url", **url)
    rec.add_argument("--json", action="store_true")
    report = actions.add_parser("report", parents=[common],
                                help="a day or a month across every outlet, per outlet and "
                                "per cashier")
    period = report.add_mutually_exclusive_group(required=True)
    period.add_argument("--day", help="YYYY-MM-DD (WIB)")
    period.add_argument("--month", help="YYYY-MM")
    report.add_argument("--url", **url)
    report.add_argument("--json", action="store_true")
    report.add_argument("--pdf", default=None, help="the report as PDF (as `loket owner "
                        "report`, with a table per outlet and the deposit per host account)")
    report.add_argument("--xlsx", default=None, help="the report as an Excel workbook: the "
                        "summary, and every payment with its outlet")
    report.add_argument("--csv", default=None, help="every payment of the period with its "
                        "outlet (Indonesian spreadsheet: ; separated, UTF-8 with BOM)")
    report.add_argument("--outlets-csv", default=None, help="per outlet and per cashier as CSV")


def _config(args):
    from loket.config import find_config, load_config

    path = find_config(getattr(args, "config", None))
    return load_config(path) if path is not None else None


def _day(text: str) -> date:
    from loket.config import ConfigError

    try:
        return date.fromisoformat(text)
    except ValueError:
        if len(text) == 10 and text[4] == text[7] == "-":
            raise ConfigError(f"{text!r}: tanggal itu tidak ada") from None
        raise ConfigError(f"{text!r}: tanggal harus YYYY-MM-DD") from None


def _month(text: str) -> date:
    from loket.config import ConfigError

    try:
        if len(text) != 7:
            raise ValueError
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise ConfigError(f"{text!r}: bulan harus YYYY-MM") from None


def run(args) -> int:
    from loket.cli import boot
    from loket.clock import WIB, parse_iso
    from loket.config import ConfigError
    from loket.service.hub import desk as hub_desk

    action = args.hub_action
    if action == "reconcile":
        return _reconcile(args)
    if action in ("init", "add-counter", "add-owner", "report", "dashboard"):
        config = _config(args)
        hub = config.hub if config else None
        if action == "init":
            moved = hub_desk.init_hub(hub, args.url)
            print("Hub siap. Tambahkan peran per kasir-terminal: loket hub add-counter TERMINAL")
            if moved:
                print(f"{moved} baris lama tidak terbaca: disisihkan ke tabel set_aside (tidak "
                      "dihapus); laporan hub menyebut outletnya")
            return 0
        if action == "report":
            return _report(config, args)
        if action == "dashboard":
            return _dashboard(config, args)
        role = hub_desk.add_role(hub, args.url, args.name, owner_role=action == "add-owner")
        done = "diberi kata sandi baru" if role.existed else "dibuat"
        print(f"Peran {role.name} {done}. Kata sandinya (hanya ditampilkan sekali):")
        print(role.password)
        print("Simpan di variabel lingkungan yang disebut [hub] password_env di komputer itu.")
        return 0
    config = _config(args)
    if config is None or config.hub is None:
        raise ConfigError("Hub belum diatur: tambahkan bagian [hub] ke konfigurasi")
    rt = boot.start(config)
    try:
        desk = rt.hub
        if desk is None:
            raise ConfigError("Hub belum diatur: tambahkan bagian [hub] ke konfigurasi")
        if action == "status":
            waiting = desk.backlog()
            since = (f"{parse_iso(waiting.pushed_at).astimezone(WIB):%d/%m/%Y %H:%M} WIB"
                     if waiting.pushed_at else "belum pernah")
            print(f"Antrean hub {waiting.count} baris; terakhir terkirim: {since}")
            return 0
        if action == "resend":
            queued = desk.resend()
            print(f"{queued} baris diantrekan lagi untuk hub; kirim dengan loket hub push")
            return 0
        if action == "check":
            found = desk.check(_day(args.date).isoformat())
            for d in found:
                print(d.text)
            print(f"{args.date}: {len(found)} selisih dengan hub")
            return 1 if found else 0
        if args.once:
            sent = desk.push()
            print(f"{sent} baris terkirim ke hub; antrean {desk.backlog().count}")
            return 0
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            desk.pusher().run(stop)
        except KeyboardInterrupt:
            stop.set()
        return 0
    finally:
        rt.close()


def _dashboard(config, args) -> int:
    from pathlib import Path

    from loket.service.hub import desk as hub_desk
    from loket.service.hub import reports as hub_reports
    from loket.service.hub.dashboard import HubView
    from loket.tui.hub import HubApp

    folder = (Path(config.database.path).parent if config else Path.cwd()) / "laporan-hub"
    view = HubView(hub_desk.connect(config.hub if config else None, args.url),
                   shop=hub_reports.shop(config), folder=folder)
    try:
        HubApp(view).run()
    finally:
        view.close()
    return 0


def _report(config, args) -> int:
    from loket.domain.money import format_rupiah
    from loket.reports.figures import day_range, month_range
    from loket.service.hub import desk as hub_desk
    from loket.service.hub import outlets as hub_outlets
    from loket.service.hub import reports as hub_reports

    first = _day(args.day) if args.day else _month(args.month)
    engine = hub_desk.connect(config.hub if config else None, args.url)
    try:
        day = (hub_outlets.outlets_day(engine, first) if args.day
               else hub_outlets.outlets_month(engine, first.year, first.month))
        written = None
        if args.pdf or args.xlsx or args.csv:
            written = hub_reports.write(
                engine, hub_reports.shop(config), hub_reports.now_iso(),
                day=first if args.day else None,
                month=None if args.day else (first.year, first.month),
                pdf=args.pdf, xlsx=args.xlsx, csv=args.csv)
    finally:
        engine.dispose()
    now = SystemClock().now()
    end = (day_range(first) if args.day else month_range(first.year, first.month))[1]
    warning = hub_reports.incomplete(day.counters, end, now, day.set_aside)  # as in the files
    if args.outlets_csv:
        hub_outlets.write_csv(day, args.outlets_csv)
    if args.json:
        print(json.dumps(_as_json(day, now) | {"warning": warning}, indent=2))
        return 0
    rp = format_rupiah
    print(f"Semua outlet {day.day}: {day.all.count} transaksi, {day.all.success_count} sukses, "
          f"belum final {day.all.unsettled_count}")
    print(f"  kas {rp(day.all.cash_collected)}, margin {rp(day.all.margin)}")
    if warning:
        print(warning)
    for terminal, f in day.outlets.items():  # two lines each: an 80-column terminal
        print(f"  {terminal:<12} {f.count} trx, {f.success_count} sukses, "
              f"kas {rp(f.cash_collected)}, belum final {f.unsettled_count}")
        print(f"  {'':<12} iuran {rp(f.premium)}, admin {rp(f.admin_income)}, "
              f"margin {rp(f.margin)}")
        for c in f.by_cashier:
            print(f"      {c.cashier_id:<12} {c.count:>6} trx  sukses {c.success:>6}  "
                  f"{rp(c.taken):>16}")
    if args.outlets_csv:
        print(f"CSV per outlet: {args.outlets_csv}")
    if written is not None:
        for kind, path in (("PDF", written.pdf), ("XLSX", written.xlsx), ("CSV", written.csv)):
            if path is not None:
                print(f"{kind}: {path}" + (f" ({written.rows} transaksi)" if kind != "PDF"
                                            else ""))
    print("Pengiriman dari tiap outlet:")
    for status in day.counters:
        queue = f"; antrean saat itu {status.backlog}" if status.pushed_at is not None else ""
        print(f"  {status.terminal:<12} {hub_outlets.silent_for(status, now)}{queue}")
    return 0


def _as_json(day, now) -> dict:
    from loket.service.hub import outlets as hub_outlets

    def figures(f) -> dict:
        return {"count": f.count, "success": f.success_count, "taken": f.taken,
                "refunded": f.refunded, "premium": f.premium, "admin_income": f.admin_income,
                "host_cost": f.host_cost, "margin": f.margin, "unsettled": f.unsettled_count,
                "by_state": {s: list(v) for s, v in f.by_state.items()},
                "by_cashier": [vars(c) for c in f.by_cashier], "hourly": f.hourly}

    return {"day": day.day, "all": figures(day.all),
            "outlets": {t: figures(f) for t, f in day.outlets.items()},
            "set_aside": day.set_aside,  # per outlet: its rows of the period the hub set aside
            "counters": [{"terminal": c.terminal, "pushed_at": c.pushed_at and
                          c.pushed_at.isoformat(), "backlog": c.backlog,
                          "silent": hub_outlets.silent_for(c, now)} for c in day.counters]}


def _reconcile(args) -> int:
    """``loket hub reconcile``: the owner's machine needs the hub ([hub] or --url) and the
    agent's host account ([host])."""
    from loket.cli import boot
    from loket.config import ConfigError
    from loket.service.hub import desk as hub_desk
    from loket.service.hub import reconcile as hub_reconcile

    day = _day(args.date)
    config = _config(args)
    if config is None:
        raise ConfigError("Host belum diatur: rekonsiliasi hub butuh konfigurasi dengan bagian "
                          "[host] (akun agen di host)")
    engine = hub_desk.connect(config.hub, args.url)
    try:
        with boot.host_only(config) as (host, _address):
            found = hub_reconcile.reconcile(engine, host, day)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(found.as_json(), indent=2))
        return 1 if found.differences else 0
    result = found.result
    print(f"{result.date}: {len(result.payments)} pembayaran dari {len(found.outlets)} outlet, "
          f"{len(result.differences)} selisih")
    for d in result.differences:
        subject = f"{d.ref_id}  " if d.ref_id else ""
        print(f"  {d.terminal or '-':<12} {subject}{d.kind}: {d.detail}")
    for terminal, o in found.outlets.items():
        cashiers = ", ".join(f"{c} {n}" for c, n in sorted(o.by_cashier.items()))
        print(f"{terminal}: {o.payments} pembayaran, {o.differences} selisih"
              + (f" (kasir: {cashiers})" if cashiers else "")
              + ("; belum mengirim semua ke hub" if o.behind else ""))
    return 1 if result.differences else 0
