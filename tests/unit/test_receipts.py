"""Receipts rendered with python-escpos, decoded back to text and compared with golden paper."""

from dataclasses import replace
from pathlib import Path

import pytest

from loket.printing import layouts
from loket.printing.backends import Delivery, PrinterError, PrinterSettings
from loket.printing.decode import decode
from loket.printing.escpos_render import PrintOptions, render
from loket.printing.slip import Text, ascii_text
from tests import factories

GOLDEN = Path(__file__).parent.parent / "golden"
SHOP = layouts.Shop("WARUNG BU SRI", "Jl. Melati No. 5, Cempaka Putih, Jakarta", "AGT001", "T01")


def paid_payment(state="SUCCESS"):
    return factories.record(state)


def paper(elements, columns, **opts):
    return (
        "\n".join(decode(render(elements, PrintOptions(columns=columns, **opts)), columns)) + "\n"
    )


@pytest.mark.parametrize("columns", [32, 48])
def test_receipt_matches_golden_paper(columns):
    got = paper(layouts.receipt(paid_payment(), SHOP, columns), columns)
    assert got == (GOLDEN / f"receipt_{columns}.txt").read_text()


@pytest.mark.parametrize("columns", [32, 48])
def test_every_line_fits_the_paper(columns):
    for maker in (layouts.receipt, layouts.provisional):
        for line in paper(maker(paid_payment(), SHOP, columns), columns).splitlines():
            assert len(line) <= columns or line.startswith("[QR"), line


def test_receipt_has_the_required_content_in_order():
    text = " ".join(paper(layouts.receipt(paid_payment(), SHOP, 48), 48).split())  # unwrap
    order = [
        "WARUNG BU SRI",
        "STRUK PEMBAYARAN IURAN BPJS KESEHATAN",
        "19866A7A63902A3D",
        "PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA",
        "21/11/2026 10:00",
        "8888801000000029",
        "AGUS SALIM",
        "2 ORANG",
        "3 BULAN",
        "SEP 2026 - NOV 2026",
        "Rp 750.000",
        "Rp 2.500",
        "Rp 752.500",
        "BPJS KESEHATAN MENYATAKAN STRUK INI SEBAGAI BUKTI PEMBAYARAN YANG SAH",
        "[QR PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA|19866A7A63902A3D]",
        "www.bpjs-kesehatan.go.id",
    ]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)


def test_every_slip_starts_with_a_printer_reset_and_ends_with_a_cut():
    data = render(layouts.receipt(paid_payment(), SHOP, 32), PrintOptions())
    assert data.startswith(b"\x1b@")
    assert data.endswith(b"\x1dVA\x00") or b"\x1dV" in data[-6:]


def test_feed_instead_of_cut_and_image_qr_for_printers_without_them():
    data = render(layouts.receipt(paid_payment(), SHOP, 32), PrintOptions(qr="image", cut=False))
    text = decode(data, 32)
    assert "[CUT]" not in text
    assert any(line.startswith("[IMAGE") for line in text)
    assert not any(line.startswith("[QR") for line in text)


def test_reprint_says_so_with_its_count():
    text = paper(layouts.receipt(paid_payment(), SHOP, 32, reprint=2), 32)
    assert text.count("*** CETAK ULANG KE-2 ***") == 2


def test_provisional_receipt_is_not_proof_of_payment():
    text = paper(layouts.provisional(paid_payment("QUEUED"), SHOP, 32), 32)
    assert "B U K T I" in text and "BUKAN BUKTI PEMBAYARAN BPJS" in text
    assert "MENYATAKAN STRUK INI" not in text
    assert "[QR PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA" in text


def test_names_are_transliterated_to_ascii():
    assert ascii_text("Désirée Ñúñez – Łukasz") == "Desiree Nunez - Lukasz"
    data = render([Text("SITI ÄMINAH")], PrintOptions())
    assert all(b < 0x80 for b in data.split(b"\x1bt\x00", 1)[1].split(b"\n")[0])


def test_a_file_printer_appends_and_a_dead_printer_fails_cleanly(tmp_path):
    target = tmp_path / "out" / "printer.bin"
    delivery = Delivery(PrinterSettings(backend="file", path=str(target)))
    delivery.send(b"one")
    delivery.send(b"two")
    assert target.read_bytes() == b"onetwo"
    dead = Delivery(PrinterSettings(backend="network", host="127.0.0.1", port=1))
    with pytest.raises(PrinterError, match="Printer tidak dapat dipakai"):
        dead.send(b"x")
    assert dead.check()[0] is False


def test_a_network_printer_receives_the_whole_slip():
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    got = bytearray()

    def accept():
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                got.extend(chunk)

    reader = threading.Thread(target=accept)
    reader.start()
    data = render(layouts.receipt(paid_payment(), SHOP, 32), PrintOptions())
    Delivery(
        PrinterSettings(backend="network", host="127.0.0.1", port=server.getsockname()[1])
    ).send(data)
    reader.join(timeout=5)
    server.close()
    assert bytes(got) == data and "19866A7A63902A3D" in "\n".join(decode(bytes(got)))


def test_a_serial_printer_receives_the_slip_through_a_real_tty():
    import os

    master, slave = os.openpty()
    data = render(layouts.receipt(paid_payment(), SHOP, 32), PrintOptions())
    Delivery(PrinterSettings(backend="serial", device=os.ttyname(slave), baudrate=9600)).send(data)
    got = bytearray()
    while len(got) < len(data):
        got.extend(os.read(master, 65536))
    os.close(master)
    os.close(slave)
    assert bytes(got) == data


# -- a POS's reference (loket serve): 36 characters, longer than a 58 mm line ---------------------
POS_REF = "PAY-SU7SNT7RAQBRMVURPMQM4EE6XYIJHU3L"  # service.pos.ref_for_key("pos", "order-…0042")


def pos_payment(state="SUCCESS"):
    return replace(paid_payment(state), ref_id=POS_REF)


@pytest.mark.parametrize("columns", [32, 48])
def test_a_pos_receipt_matches_golden_paper(columns):
    got = paper(layouts.receipt(pos_payment(), SHOP, columns), columns)
    assert got == (GOLDEN / f"receipt_pos_{columns}.txt").read_text()


@pytest.mark.parametrize("slip", ["receipt", "provisional", "refund"])
def test_a_reference_longer_than_the_line_prints_in_groups_of_four_in_columns(slip):
    make = {
        "receipt": layouts.receipt,
        "provisional": layouts.provisional,
        "refund": lambda p, shop, cols: layouts.refund(p, shop, cols, "2026-11-21T11:30:00+07:00"),
    }
    lines = paper(make[slip](pos_payment(), SHOP, 32), 32).splitlines()
    at = lines.index("         PAY-SU7S NT7R AQBR MVUR")
    assert lines[at + 1] == "             PMQM 4EE6 XYIJ HU3L"  # each group under a group
    assert lines[at - 1].startswith("Ref Loket") and lines[at - 1].endswith(":")


def test_a_reference_that_fits_the_line_stays_whole():
    assert "  PAY-01JCZ8Q4T6W2M0X9K3V7B5N1RA" in paper(
        layouts.receipt(paid_payment(), SHOP, 32), 32
    )
    assert f"            {POS_REF}\n" in paper(layouts.receipt(pos_payment(), SHOP, 48), 48)
