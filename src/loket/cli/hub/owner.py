"""``loket hub dashboard``, ``report`` and ``reconcile``: the owner reads every outlet back."""

from __future__ import annotations

import json

from loket.cli.hub import inputs
from loket.clock import SystemClock


def dashboard(args) -> int:
    from pathlib import Path

    from loket.service.hub import desk as hub_desk
    from loket.service.hub import reports as hub_reports
    from loket.service.hub.dashboard import HubView
    from loket.tui.hub import HubApp

    config = inputs.config_of(args)
    folder = (Path(config.database.path).parent if config else Path.cwd()) / "laporan-hub"
    view = HubView(
        hub_desk.connect(config.hub if config else None, args.url),
        shop=hub_reports.shop(config),
        folder=folder,
    )
    try:
        HubApp(view).run()
    finally:
        view.close()
    return 0


def report(args) -> int:
    from loket.domain.money import format_rupiah
    from loket.reports.figures import day_range, month_range
    from loket.service.hub import desk as hub_desk
    from loket.service.hub import outlets as hub_outlets
    from loket.service.hub import reports as hub_reports

    config = inputs.config_of(args)
    first = inputs.day(args.day) if args.day else inputs.month(args.month)
    engine = hub_desk.connect(config.hub if config else None, args.url)
    try:
        day = (
            hub_outlets.outlets_day(engine, first)
            if args.day
            else hub_outlets.outlets_month(engine, first.year, first.month)
        )
        written = None
        if args.pdf or args.xlsx or args.csv:
            written = hub_reports.write(
                engine,
                hub_reports.shop(config),
                hub_reports.now_iso(),
                day=first if args.day else None,
                month=None if args.day else (first.year, first.month),
                pdf=args.pdf,
                xlsx=args.xlsx,
                csv=args.csv,
            )
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
    print(
        f"Semua outlet {day.day}: {day.all.count} transaksi, {day.all.success_count} sukses, "
        f"belum final {day.all.unsettled_count}"
    )
    print(f"  kas {rp(day.all.cash_collected)}, margin {rp(day.all.margin)}")
    if warning:
        print(warning)
    for terminal, f in day.outlets.items():  # two lines each: an 80-column terminal
        print(
            f"  {terminal:<12} {f.count} trx, {f.success_count} sukses, "
            f"kas {rp(f.cash_collected)}, belum final {f.unsettled_count}"
        )
        print(
            f"  {'':<12} iuran {rp(f.premium)}, admin {rp(f.admin_income)}, margin {rp(f.margin)}"
        )
        for c in f.by_cashier:
            print(
                f"      {c.cashier_id:<12} {c.count:>6} trx  sukses {c.success:>6}  "
                f"{rp(c.taken):>16}"
            )
    if args.outlets_csv:
        print(f"CSV per outlet: {args.outlets_csv}")
    if written is not None:
        for kind, path in (("PDF", written.pdf), ("XLSX", written.xlsx), ("CSV", written.csv)):
            if path is not None:
                print(f"{kind}: {path}" + (f" ({written.rows} transaksi)" if kind != "PDF" else ""))
    print("Pengiriman dari tiap outlet:")
    for status in day.counters:
        queue = f"; antrean saat itu {status.backlog}" if status.pushed_at is not None else ""
        print(f"  {status.terminal:<12} {hub_outlets.silent_for(status, now)}{queue}")
    return 0


def _as_json(day, now) -> dict:
    from loket.service.hub import outlets as hub_outlets

    def figures(f) -> dict:
        return {
            "count": f.count,
            "success": f.success_count,
            "taken": f.taken,
            "refunded": f.refunded,
            "premium": f.premium,
            "admin_income": f.admin_income,
            "host_cost": f.host_cost,
            "margin": f.margin,
            "unsettled": f.unsettled_count,
            "by_state": {s: list(v) for s, v in f.by_state.items()},
            "by_cashier": [vars(c) for c in f.by_cashier],
            "hourly": f.hourly,
        }

    return {
        "day": day.day,
        "all": figures(day.all),
        "outlets": {t: figures(f) for t, f in day.outlets.items()},
        "set_aside": day.set_aside,  # per outlet: its rows of the period the hub set aside
        "counters": [
            {
                "terminal": c.terminal,
                "pushed_at": c.pushed_at and c.pushed_at.isoformat(),
                "backlog": c.backlog,
                "silent": hub_outlets.silent_for(c, now),
            }
            for c in day.counters
        ],
    }


def reconcile(args) -> int:
    """``loket hub reconcile``: the owner's machine needs the hub ([hub] or --url) and the
    agent's host account ([host])."""
    from loket.cli import boot
    from loket.config import ConfigError
    from loket.service.hub import desk as hub_desk
    from loket.service.hub import reconcile as hub_reconcile

    day = inputs.day(args.date)
    config = inputs.config_of(args)
    if config is None:
        raise ConfigError(
            "Host belum diatur: rekonsiliasi hub butuh konfigurasi dengan bagian "
            "[host] (akun agen di host)"
        )
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
    print(
        f"{result.date}: {len(result.payments)} pembayaran dari {len(found.outlets)} outlet, "
        f"{len(result.differences)} selisih"
    )
    for d in result.differences:
        subject = f"{d.ref_id}  " if d.ref_id else ""
        print(f"  {d.terminal or '-':<12} {subject}{d.kind}: {d.detail}")
    for terminal, o in found.outlets.items():
        cashiers = ", ".join(f"{c} {n}" for c, n in sorted(o.by_cashier.items()))
        print(
            f"{terminal}: {o.payments} pembayaran, {o.differences} selisih"
            + (f" (kasir: {cashiers})" if cashiers else "")
            + ("; belum mengirim semua ke hub" if o.behind else "")
        )
    return 1 if result.differences else 0
