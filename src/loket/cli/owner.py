"""Owner commands: cashiers, reports, the audit log. Each asks for an owner's id and PIN (from
the terminal, or one line each on standard input for scripts), so a cashier cannot run them."""

from __future__ import annotations

import getpass
import sys
from datetime import date

from loket.clock import iso
from loket.config import ConfigError
from loket.reports.service import Reports
from loket.service.access import AccessDenied, require_owner
from loket.store import anchor, audit, cashiers

EXIT_DENIED = 4


def _secret(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()


def _owner(rt, args) -> str:
    owner_id = args.owner or input("ID pemilik: ").strip()
    try:
        cashiers.authenticate(rt.engine, owner_id, _secret("PIN pemilik: "), rt.clock.now())
        require_owner(rt.engine, owner_id)
    except (cashiers.CashierError, AccessDenied) as exc:
        raise AccessDenied(str(exc)) from None
    return owner_id


def cashier(rt, args) -> int:
    owner = _owner(rt, args)
    now = iso(rt.clock.now())
    if args.action == "list":
        for c in cashiers.list_cashiers(rt.engine):
            state = "aktif" if c.active else "nonaktif"
            print(f"{c.id:<16} {c.name:<24} {c.role:<8} {state}")
        return 0
    if args.action == "deactivate":
        cashiers.deactivate(rt.engine, args.id, owner, now)
        print(f"{args.id} dinonaktifkan")
        return 0
    pin = _secret(f"PIN baru untuk {args.id}: ")
    existing = cashiers.get(rt.engine, args.id)
    if args.action == "add" and existing and existing.active:
        raise cashiers.CashierError(f"Kasir {args.id} sudah ada")
    if args.action == "reset-pin" and existing is None:
        raise cashiers.CashierError(f"Kasir {args.id} tidak ada")
    name = args.name or (existing.name if existing else args.id)
    role = args.role or (existing.role if existing else "cashier")
    cashiers.save_cashier(rt.engine, args.id, name, pin, now, role=role, by=owner)
    print(f"{args.id} ({role}) disimpan")
    return 0


def report(rt, args) -> int:
    _owner(rt, args)
    reports = Reports(rt.engine, rt.counter.settings.shop, rt.clock)
    try:
        if args.kind == "daily":
            written = reports.daily(date.fromisoformat(args.date), args.out, args.csv)
        else:
            year, month = (int(x) for x in args.month.split("-"))
            written = reports.monthly(year, month, args.out, args.csv)
    except ValueError:
        raise ConfigError("--date must be YYYY-MM-DD, --month YYYY-MM") from None
    print(f"Laporan: {written.pdf}" + (f"; CSV {written.csv} ({written.rows} baris)"
                                       if written.csv else ""))
    return 0


SHOWN_FINDINGS = 20


def audit_verify(rt, _args) -> int:
    """One line per finding: the chain, the keyed scheme, the anchor, each payment's trail."""
    _held, problems = anchor.findings(rt.engine)
    verdict = audit.verify(rt.engine)
    lines = [f"jangkar: {p}" for p in problems] + [f.text for f in verdict.findings]
    if not lines:
        print(f"Log audit utuh: {verdict.rows} baris, kepala #{verdict.head_id} "
              f"{verdict.head_hash[:16]}; {verdict.payments} pembayaran cocok dengan jejaknya")
        return 0
    for line in lines[:SHOWN_FINDINGS]:
        print(f"Log audit RUSAK: {line}", file=sys.stderr)
    if len(lines) > SHOWN_FINDINGS:
        print(f"Log audit RUSAK: … dan {len(lines) - SHOWN_FINDINGS} temuan lain", file=sys.stderr)
    return 1
