"""What ``printed`` says in the POS API's answers (``service/pos.py``): whether the request
answered printed a slip that the counter's printer took. Told truthfully in every case."""

from __future__ import annotations

import pytest

from loket.printing.backends import PrinterSettings
from loket.service.pos import PosDesk
from tests.conftest import make_runtime
from tests.factories import set_account

PAID = "0001000000011"
FAILS = "0001000000086"  # pending at the host, then failed: cash owed back


def _desk(rt) -> PosDesk:
    set_account(rt.engine, "pos")
    return PosDesk(rt.counter, rt.accounts, "pos", settle_wait_s=5)


@pytest.fixture
def desk(tmp_path, sim):
    rt = make_runtime(tmp_path, sim)
    yield _desk(rt)
    rt.close()


def test_a_payment_printed_says_so_and_its_repeat_prints_nothing_and_says_so(desk):
    paid = desk.pay("order-printed-1", PAID, 110_000)
    assert paid["state"] == "SUCCESS" and paid["printed"] is True
    sent = len(desk.counter.delivery.sent)
    again = desk.pay("order-printed-1", PAID, 110_000)
    assert again["replayed"] is True and again["printed"] is False, again
    assert again["print_message"].startswith("Tidak dicetak lagi")
    assert len(desk.counter.delivery.sent) == sent  # a repeat never prints


def test_a_payment_owed_back_has_no_slip_and_printed_says_false(desk):
    failed = desk.pay("order-printed-2", FAILS, 200_000)
    assert failed["state"] == "REFUND_DUE", failed
    assert failed["printed"] is False and failed["print_message"].startswith("Tidak ada struk")
    reprinted = desk.reprint(failed["ref_id"])
    assert reprinted["printed"] is False and reprinted["print_message"].startswith("Tidak ada")


def test_a_status_prints_nothing_and_says_null(desk):
    paid = desk.pay("order-printed-3", PAID, 110_000)
    assert desk.status(paid["ref_id"])["printed"] is None
    assert all(p["printed"] is None for p in desk.queue()["payments"])


def test_a_printer_that_fails_says_false_and_why(tmp_path, sim):
    dead = PrinterSettings(backend="network", host="127.0.0.1", port=1)
    rt = make_runtime(tmp_path, sim, printer=dead)
    try:
        paid = _desk(rt).pay("order-printed-4", PAID, 110_000)
        assert paid["state"] == "SUCCESS" and paid["printed"] is False
        assert "tetap tersimpan" in paid["print_message"]
    finally:
        rt.close()


def test_the_openapi_document_says_what_printed_means():
    from loket.serve.openapi import document
    from loket.service.pos import PRINTED_MEANS

    schemas = document()["components"]["schemas"]
    for name in ("Payment", "Reprint"):
        assert schemas[name]["properties"]["printed"]["description"] == PRINTED_MEANS
