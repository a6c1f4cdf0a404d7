"""Owner commands: cashiers, reports, the audit log. Each asks for an owner's id and PIN (from
the terminal, or one line each on standard input for scripts), so a cashier cannot run them.

No input at all (cron, ``</dev/null``) is not a wrong PIN: it is refused before anything is
checked, and no attempt is counted.
"""

from __future__ import annotations

import getpass
import sys
from datetime import date

from loket.domain.accounts import Role
from loket.errors import LoketError


class NoInput(LoketError):
    """Nothing was typed where an answer was needed."""


def _line(prompt: str, secret: bool = False) -> str:
    """One answer: from the terminal when there is one, else one line of standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return (getpass.getpass(prompt) if secret else input(prompt)).strip()
        except EOFError:
            return ""
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.strip()


def _owner(rt, args) -> str:
    owner_id = args.owner or _line("ID pemilik: ")
    if not owner_id:
        raise NoInput("ID pemilik belum diisi (--owner ID, atau satu baris di input)")
    pin = _line("PIN pemilik: ", secret=True)
    if not pin:
        raise NoInput("PIN pemilik belum diisi: tidak ada yang dijalankan")
    return rt.accounts.approve(owner_id, pin)


def _new_pin(cashier_id: str) -> str:
    pin = _line(f"PIN baru untuk {cashier_id}: ", secret=True)
    if not pin:
        raise NoInput("PIN baru belum diisi: tidak ada yang diubah")
    if _line("Ulangi PIN baru: ", secret=True) != pin:  # scripts give it on a second line
        raise NoInput("PIN tidak sama: tidak ada yang diubah")
    return pin


def cashier(rt, args) -> int:
    owner = _owner(rt, args)
    desk = rt.accounts
    if args.action == "list":
        for a in desk.list(owner):
            state = "aktif" if a.active else "nonaktif"
            print(f"{a.id:<16} {a.name:<24} {a.role_label:<8} {state}")
        return 0
    if args.action in ("deactivate", "reactivate"):
        account = getattr(desk, args.action)(owner, args.id)
        print(f"{account.id} {'diaktifkan kembali' if account.active else 'dinonaktifkan'}")
        return 0
    if args.action == "reset-pin":
        account = desk.reset_pin(owner, args.id, _new_pin(args.id))
        print(f"PIN {account.id} diganti")
        return 0
    if args.pos:
        account = desk.add_pos(owner, args.id)
    else:
        role = Role.OWNER if args.role in ("owner", "pemilik") else Role.CASHIER
        account = desk.add(owner, args.id, args.name or args.id, _new_pin(args.id), role)
    print(f"{account.id} ({account.role_label}) ditambahkan")
    return 0


def report(rt, args) -> int:
    owner = _owner(rt, args)
    try:  # only the typed period: an error while writing is not the owner's typing
        if args.kind == "daily":
            period = date.fromisoformat(args.date)
        else:
            year, month = (int(x) for x in args.month.split("-"))
            period = date(year, month, 1)
    except (ValueError, TypeError):
        raise NoInput("--date harus YYYY-MM-DD, --month YYYY-MM") from None
    if args.kind == "daily":
        written = rt.reports.daily(owner, period, args.out, args.csv, args.xlsx)
    else:
        written = rt.reports.monthly(
            owner, period.year, period.month, args.out, args.csv, args.xlsx
        )
    print(f"Laporan PDF: {written.pdf}")
    for kind, path in (("CSV", written.csv), ("XLSX", written.xlsx)):
        if path is not None:
            print(f"{kind}: {path} ({written.rows} transaksi)")
    return 0


SHOWN_FINDINGS = 20


def audit_verify(rt, _args) -> int:
    verdict, lines = rt.audit_check()
    if not lines:
        print(
            f"Log audit utuh: {verdict.rows} baris, kepala #{verdict.head_id} "
            f"{verdict.head_hash[:16]}; {verdict.payments} pembayaran cocok dengan jejaknya"
        )
        return 0
    for line in lines[:SHOWN_FINDINGS]:
        print(f"Log audit RUSAK: {line}", file=sys.stderr)
    if len(lines) > SHOWN_FINDINGS:
        print(f"Log audit RUSAK: … dan {len(lines) - SHOWN_FINDINGS} temuan lain", file=sys.stderr)
    return 1
