"""Each host's codes come to the same meanings (domain/outcomes.py ``Meaning``), and every host is
one package found through the registry (issue 20)."""

from __future__ import annotations

import importlib

import pytest

from loket.config import HostConfig
from loket.domain.outcomes import Meaning
from loket.host import registry
from loket.host.digiflazz import codes as digiflazz
from loket.host.iak import codes as iak
from loket.host.native import codes as native

M = Meaning


@pytest.mark.parametrize(
    ("rc", "endpoint", "meaning"),
    [
        ("00", "inquiry", M.OK),
        ("00", "payment", M.PAID),
        ("00", "status", M.PAID),
        ("03", "payment", M.PENDING),
        ("34", "inquiry", M.ALREADY_PAID),
        ("41", "payment", M.AUTH_REFUSED),
        ("44", "payment", M.DEPOSIT_LOW),
        ("50", "status", M.NOT_POSTED),
        ("60", "payment", M.NOT_PAYABLE),
        ("84", "payment", M.BILL_CHANGED),
        ("99", "payment", M.HOST_FAULT),
    ],
)
def test_native_codes(rc, endpoint, meaning):
    assert native.meaning("failed", rc, endpoint) is meaning


def test_a_native_code_no_table_lists_is_read_by_its_status_word():
    assert native.meaning("failed", "06", "payment") is M.FAILED
    assert native.meaning("", "", "payment") is M.UNKNOWN


@pytest.mark.parametrize(
    ("context", "rc", "said", "meaning"),
    [
        ("inquiry", "00", "", M.OK),
        ("pay", "00", "", M.PAID),
        ("inquiry", "60", "Tagihan belum tersedia (tagihan sudah lunas)", M.ALREADY_PAID),
        ("inquiry", "60", "Tagihan belum tersedia", M.ALREADY_PAID),
        (
            "inquiry",
            "60",
            "Tagihan belum tersedia (peserta PBI, iuran dibayar pemerintah)",
            M.NOT_PAYABLE,
        ),
        (
            "inquiry",
            "60",
            "Tagihan belum tersedia (peserta PPU, iuran dibayar pemberi kerja)",
            M.NOT_PAYABLE,
        ),
        ("inquiry", "47", "", M.ALREADY_PAID),
        ("pay", "41", "", M.AUTH_REFUSED),
        ("pay", "42", "", M.AUTH_REFUSED),
        ("pay", "45", "", M.IP_REFUSED),
        ("inquiry", "43", "", M.PRODUCT_UNKNOWN),
        ("status", "50", "", M.NOT_POSTED),
        ("pay", "50", "", M.STALE_QUOTE),
        ("status", "85", "", M.RATE_LIMITED),
        ("pay", "84", "", M.BILL_CHANGED),
        ("pay", "58", "", M.CUT_OFF),
        ("pay", "99", "", M.PENDING),
        ("pay", "01", "", M.HOST_FAULT),
    ],
)
def test_digiflazz_codes(context, rc, said, meaning):
    assert digiflazz.meaning(context, rc, said) is meaning


@pytest.mark.parametrize(
    ("context", "rc", "meaning"),
    [
        ("inquiry", "00", M.OK),
        ("pay", "00", M.PAID),
        ("inquiry", "01", M.ALREADY_PAID),
        ("inquiry", "34", M.ALREADY_PAID),
        ("inquiry", "40", M.PARTLY_PAID),
        ("pay", "100", M.AUTH_REFUSED),
        ("pay", "102", M.IP_REFUSED),
        ("pay", "41", M.NOT_PAYABLE),
        ("status", "33", M.RATE_LIMITED),
        ("pay", "04", M.STALE_QUOTE),
        ("pay", "11", M.REFERENCE_REUSED),
        ("pay", "93", M.BILL_CHANGED),
        ("pay", "17", M.DEPOSIT_LOW),
        # to a status query a final code or an unknown inquiry is no news of the payment
        ("status", "34", M.UNKNOWN),
        ("status", "06", M.UNKNOWN),
    ],
)
def test_iak_codes(context, rc, meaning):
    assert iak.meaning(context, rc) is meaning


@pytest.mark.parametrize(
    ("codes", "meaning_of"),
    [
        (native.RC_TABLE, lambda rc: native.meaning("failed", rc, "payment")),
        (digiflazz.CASHIER_TEXT, lambda rc: digiflazz.meaning("pay", rc)),
        (iak.TEXTS, lambda rc: iak.meaning("pay", rc)),
    ],
)
def test_every_documented_code_has_a_meaning(codes, meaning_of):
    assert [rc for rc in codes if meaning_of(rc) is M.UNKNOWN] == []


def test_every_host_is_a_package_the_registry_finds():
    for kind in registry.KINDS:
        for part in ("client", "replies", "codes"):
            importlib.import_module(f"{kind.package}.{part}")
        assert callable(importlib.import_module(f"{kind.package}.client").build)
    assert registry.NAMES == ("loket", "digiflazz", "iak")
    assert set(HostConfig.model_fields["adapter"].annotation.__args__) == set(registry.NAMES)
