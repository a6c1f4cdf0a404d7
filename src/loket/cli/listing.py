"""Bills and payments as the headless commands print them (``inquiry``, ``pay``, ``history``).

Counts are always there (``member_count``, ``month_count``); the member and month lists are
whatever the host gave — empty from a count-only host (Digiflazz, IAK), never made up.
"""

from __future__ import annotations

import json
from datetime import date

from loket.config import ConfigError
from loket.domain import times
from loket.domain.billing import FamilyBill
from loket.domain.money import format_rupiah
from loket.domain.months import describe_periods
from loket.domain.payment import Payment
from loket.domain.states import LABEL_WIDTH, label
from loket.printing.layouts import number_label
from loket.service.pos import payment_json


def offline_line(bill: FamilyBill, error: str) -> str:
    """Where an offline price comes from: the members and tariffs, or a count-only family's
    last price for one month."""
    when = times.day(bill.inquired_at)
    if bill.count_only and bill.month_count:
        price = format_rupiah(bill.premium // bill.month_count)
        return f"OFFLINE: {error}; harga dari cek terakhir {when} ({price} per bulan)"
    return f"OFFLINE: {error}; dihitung dari data keluarga {when}"


def bill_text(bill: FamilyBill) -> list[str]:
    """The bill as lines: who, each member and the months when the host named them, otherwise
    only how many."""
    lines = [f"{bill.head_name} — {number_label(bill.family_no)} {bill.family_no} — {bill.branch}"]
    lines += [f"  {m.card_no}  {m.name:<28} kelas {m.klass}" for m in bill.members]
    months = f"{bill.month_count} bulan"
    if bill.periods:
        months = f"{describe_periods(list(bill.periods))} ({months})"
    lines.append(f"{bill.member_count} orang · periode {months}")
    return lines


def history(args) -> int:
    """A day's payments at this counter (today by default), newest first."""
    from loket.cli.commands import runtime

    try:
        day = date.fromisoformat(args.date).isoformat() if args.date else None
    except ValueError:
        raise ConfigError(f"--date: {args.date!r} bukan tanggal YYYY-MM-DD") from None
    with runtime(args) as rt:
        day = day or rt.clock.now().date().isoformat()
        found = rt.counter.on_day(day, args.search or "")
    if args.json:
        print(json.dumps({"date": day, "payments": [payment_json(p) for p in found]}, indent=2))
        return 0
    print(f"{day}: {len(found)} pembayaran")
    for p in found:
        print(history_line(p))
    return 0


def history_line(p: Payment) -> str:
    """One payment of ``loket history``: each column at the same place on every line, whatever
    the state's words; the family's number whole (a VA's 16 digits, or the 13 of a card typed)."""
    counts = f"{p.member_count} org {p.month_count} bln"
    return (
        f"  {times.clock_hm(p.created_at)}  {p.family_no:<16}  {label(p.state):<{LABEL_WIDTH}}  "
        f"{p.head_name[:20]:<20}  {counts:<13}  {format_rupiah(p.total):>13}  {p.ref_id}"
    )
