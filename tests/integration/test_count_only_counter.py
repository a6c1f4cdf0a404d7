"""A counter on a count-only host (the native simulator seen as Digiflazz and IAK answer): the
bill, the payment, the receipt, the family cache and offline pricing — never an invented member
or month, never a price that was not seen."""

import dataclasses
import json

import pytest

from loket.clock import FixedClock
from loket.domain.months import Month
from loket.domain.offline import NO_HONEST_PRICE, OfflineLimits
from loket.domain.states import PaymentState
from loket.printing.decode import decode
from loket.service.counter import PaymentRefused
from loket.store import families, payments
from tests.conftest import NOW, make_runtime
from tests.count_only import CountOnlySim

S = PaymentState
MONTH_NAMES = (
    "JAN 20",
    "FEB 20",
    "MAR 20",
    "APR 20",
    "MEI 20",
    "JUN 20",
    "JUL 20",
    "AGU 20",
    "SEP 20",
    "OKT 20",
    "NOV 20",
    "DES 20",
)


@pytest.fixture
def rt(tmp_path, sim):
    runtime = make_runtime(tmp_path, CountOnlySim(sim))
    yield runtime
    runtime.close()


def snapshot(rt, number):
    row = families.find(rt.engine, number)
    return json.loads(row.snapshot), row.paid_through


def go_offline(sim):
    sim.faults("drop_before")


def test_a_count_only_family_is_billed_paid_and_printed_with_counts_only(rt):
    bill = rt.counter.inquire("0001000000011").bill
    assert bill.count_only and (bill.va_no, bill.customer_no) == ("", "0001000000011")
    assert (bill.member_count, bill.month_count, bill.premium) == (3, 1, 105_000)
    payment = rt.counter.pay(bill, 110_000, "latihan")
    assert payment.state == S.SUCCESS and payment.host_sn
    assert (payment.members, payment.periods) == ((), ())
    assert (payment.member_count, payment.month_count) == (3, 1)
    rt.counter.print_slip(payment.ref_id)
    paper = "\n".join(decode(rt.counter.delivery.sent[-1]))
    assert "3 ORANG" in paper and "1 BULAN" in paper and "No. Kartu" in paper
    assert not any(name in paper for name in MONTH_NAMES)


def test_the_cache_keeps_counts_and_the_price_of_one_month_never_members(rt):
    rt.counter.inquire("0001000000029")  # two people, three months (two in arrears): 750.000
    data, paid_through = snapshot(rt, "0001000000029")
    assert data["members"] == [] and data["count_only"] and data["member_count"] == 2
    assert data["month_price"] == 250_000 and data["priced_at"].startswith("2026-11-21")
    assert paid_through == "2026-08"  # three months ending in November


def test_offline_a_count_only_family_is_priced_from_its_last_inquiry(rt, sim):
    rt.counter.inquire("0001000000011")
    go_offline(sim)
    result = rt.counter.inquire("0001000000011", months_ahead=1)
    bill = result.bill
    assert result.offline and not result.refusal
    assert bill.count_only and (bill.members, bill.periods) == ((), ())
    assert (bill.member_count, bill.month_count, bill.premium) == (3, 2, 210_000)
    assert bill.inquired_at.startswith("2026-11-21")  # what the screen says the price is from
    payment = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
    assert payment.state == S.QUEUED and payment.month_count == 2 and payment.periods == ()


def test_a_confirmed_payment_moves_the_family_on_and_keeps_its_price(rt, sim):
    bill = rt.counter.inquire("0001000000011").bill
    rt.counter.pay(bill, 110_000, "latihan")
    data, paid_through = snapshot(rt, "0001000000011")
    assert paid_through == "2026-11" and data["month_price"] == 105_000
    go_offline(sim)
    assert "sudah lunas" in rt.counter.inquire("0001000000011").refusal
    ahead = rt.counter.inquire("0001000000011", months_ahead=1)
    assert not ahead.refusal and (ahead.bill.month_count, ahead.bill.premium) == (1, 105_000)


def test_a_count_only_family_in_arrears_is_online_only(rt, sim):
    rt.counter.inquire("0001000000029")
    go_offline(sim)
    assert "tunggakan" in rt.counter.inquire("0001000000029").refusal


def test_no_honest_price_no_offline_payment(rt, sim):
    bill = rt.counter.inquire("0001000000011").bill
    # the next inquiry's bill does not divide by its months: the old price is dropped, not kept
    uneven = dataclasses.replace(bill, premium=100_001, month_count=2, months_ahead=1)
    families.remember(rt.engine, uneven, "2026-11-21T10:05:00+07:00")
    assert snapshot(rt, "0001000000011")[0]["month_price"] is None
    go_offline(sim)
    result = rt.counter.inquire("0001000000011")
    assert result.bill is None and result.refusal == NO_HONEST_PRICE


def test_the_owners_limits_are_said_before_a_missing_price(rt, sim):
    bill = rt.counter.inquire("0001000000011").bill
    uneven = dataclasses.replace(bill, premium=100_001, month_count=2, months_ahead=1)
    families.remember(rt.engine, uneven, "2026-11-21T10:05:00+07:00")
    rt.counter.settings.offline = OfflineLimits(enabled=False)
    go_offline(sim)
    assert "tidak diizinkan" in rt.counter.inquire("0001000000011").refusal


def test_a_stale_count_only_price_is_refused_like_any_stale_family(tmp_path, sim):
    clock = FixedClock(NOW)
    runtime = make_runtime(tmp_path, CountOnlySim(sim), clock=clock)
    try:
        runtime.counter.inquire("0001000000011")
        clock.advance(days=40)
        go_offline(sim)
        assert "35 hari" in runtime.counter.inquire("0001000000011").refusal
    finally:
        runtime.close()


def test_payments_keep_empty_lists_in_the_store(rt):
    bill = rt.counter.inquire("8888801000000011").bill
    assert bill.va_no == "8888801000000011"
    payment = rt.counter.pay(bill, 110_000, "latihan")
    stored = payments.get(rt.engine, payment.ref_id)
    assert stored.members == () and stored.periods == () and stored.member_count == 3


def test_a_day_of_count_only_payments_adds_up_in_the_report_rows(rt, tmp_path):
    from loket.reports.export import write_csv
    from loket.reports.figures import day_range

    for number in ("0001000000011", "0001000000029"):
        bill = rt.counter.inquire(number).bill
        rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
    out = tmp_path / "harian.csv"
    assert write_csv(rt.engine, *day_range(NOW.date()), out) == 2
    header, *rows = [line.split(";") for line in out.read_text("utf-8-sig").splitlines()]
    col = {name: i for i, name in enumerate(header)}
    assert sum(int(r[col["Peserta"]]) for r in rows) == 5  # three people and two
    assert sum(int(r[col["Bulan"]]) for r in rows) == 4  # one month and three
    assert all(r[col["Periode"]] == "" for r in rows)  # which months: never said, never made up


def test_an_offline_count_only_payment_once_confirmed_moves_the_family_on(rt, sim):
    rt.counter.inquire("0001000000011")
    go_offline(sim)
    bill = rt.counter.inquire("0001000000011", months_ahead=1).bill
    queued = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
    sim.faults("none")
    rt.counter.forwarder.drain(force=True)
    sent = payments.get(rt.engine, queued.ref_id)
    assert sent.state == S.SUCCESS and sent.premium == 210_000 and sent.periods == ()
    data, paid_through = snapshot(rt, "0001000000011")
    assert paid_through == "2026-12"  # November and December, counted from the month taken
    assert data["month_price"] == 105_000 and data["priced_at"] == sent.paid_at


def test_a_confirmed_bill_that_does_not_divide_drops_the_old_price(rt):
    rt.counter.inquire("0001000000011")
    families.mark_paid(
        rt.engine,
        "0001000000011",
        Month(2026, 11),
        confirmed=(100_001, 2, "2026-11-21T10:01:00+07:00"),
    )
    data, paid_through = snapshot(rt, "0001000000011")
    assert data["month_price"] is None and paid_through == "2026-11"


def test_a_native_family_keeps_its_members_and_gets_no_price(runtime):
    runtime.counter.inquire("0001000000011")  # a native family keeps its members, no price
    families.mark_paid(
        runtime.engine,
        "8888801000000011",
        Month(2026, 11),
        confirmed=(105_000, 1, "2026-11-21T10:01:00+07:00"),
    )
    native, _ = snapshot(runtime, "8888801000000011")
    assert "month_price" not in native and len(native["members"]) == 3


def test_a_family_paid_by_card_is_not_sold_again_by_its_va_offline_or_online(rt, sim):
    rt.counter.inquire("0001000000011")
    go_offline(sim)
    bill = rt.counter.inquire("0001000000011").bill
    queued = rt.counter.pay(bill, rt.counter.total_for(bill), "latihan")
    by_va = rt.counter.inquire("8888801000000011")  # the same family: its VA ends the same
    assert queued.ref_id in by_va.refusal and "jangan terima uang lagi" in by_va.refusal
    sim.faults("none")  # the host is back and the payment not yet sent: the host says it owes
    online = rt.counter.inquire("8888801000000011")
    assert online.bill is not None and queued.ref_id in online.refusal
    with pytest.raises(PaymentRefused, match=queued.ref_id):
        rt.counter.pay(online.bill, rt.counter.total_for(online.bill), "latihan")
    assert [p.ref_id for p in payments.months_sold(rt.engine, "8888801000000011")] == [
        queued.ref_id
    ]
