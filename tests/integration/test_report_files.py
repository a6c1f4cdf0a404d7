"""The owner's books on a hand-made day, and the files they are written to: the deposit's
movement or the post-paid settlement, the CSV for an Indonesian spreadsheet, the XLSX, the PDF."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from loket.clock import FixedClock, parse_iso
from loket.domain.states import PaymentState
from loket.printing.layouts import Shop
from loket.reports.books import books, deposit_lines, summary_lines
from loket.reports.deposit import movement, over
from loket.reports.export import COLUMNS, write_csv
from loket.reports.figures import day_range, month_range
from loket.reports.service import Reports
from loket.store import deposit, payments
from loket.store.opening import open_database
from tests.factories import payment as make_payment
from tests.factories import set_account

S = PaymentState
DAY = date(2026, 11, 21)
PRICE = 751_000  # what the host takes for the factory's bill (premium 750.000)
HEADERS = [
    "Ref loket",
    "Waktu",
    "Kasir",
    "Shift",
    "No. pelanggan",
    "No. VA",
    "Nama",
    "Periode",
    "Peserta",
    "Bulan",
    "Status",
    "Iuran",
    "Biaya admin",
    "Total",
    "Tunai",
    "Kembalian",
    "Biaya host",
    "No. ref host",
    "Kode host",
    "Pesan host",
    "Waktu lunas",
    "Offline",
]


def at(hhmm: str, day: int = 21) -> str:
    return f"2026-11-{day:02d}T{hhmm}:00+07:00"


@pytest.fixture
def engine(tmp_path):
    engine = open_database(tmp_path / "r.db")
    set_account(engine, "ani")
    yield engine
    engine.dispose()


def add(engine, ref: str, when: str, final: PaymentState, **changes):
    row = make_payment("RECORDED", ref_id=ref, cashier_id="ani", created_at=when)
    for key, value in changes.items():
        setattr(row, key, value)
    payments.record(engine, row, actor="ani", state=S.RECORDED)
    steps = {
        S.SUCCESS: [S.SENDING, S.SUCCESS],
        S.PENDING: [S.SENDING, S.PENDING],
        S.REFUNDED: [S.SENDING, S.PENDING, S.FAILED, S.REFUND_DUE, S.REFUNDED],
    }[final]
    for step in steps:
        payments.transition(engine, ref, step, actor="ani", now=when)


@pytest.fixture
def day(engine):
    """The day before ends at Rp 10.000.000; on the 21st two payments are confirmed, one is
    taken and given back, one is still pending, and the owner tops up Rp 5.000.000."""
    deposit.saw_balance(engine, at("20:00", day=20), 10_000_000)
    add(engine, "P1", at("08:15"), S.SUCCESS)
    deposit.payment_taken(engine, at("08:15"), "P1", PRICE, 9_249_000)
    add(
        engine,
        "P2",
        at("09:30"),
        S.SUCCESS,
        head_name='=HYPERLINK("http://x.id","klik")',
        host_message="+62 dibayar",
        customer_no="0001000000029",
    )
    deposit.payment_taken(engine, at("09:30"), "P2", PRICE, 8_498_000)
    add(engine, "P3", at("10:00"), S.REFUNDED)
    deposit.payment_taken(engine, at("10:00"), "P3", PRICE, None)  # pending: taken …
    deposit.payment_given_back(engine, at("10:05"), "P3")  # … then failed: given back
    add(engine, "P4", at("13:00"), S.PENDING)
    deposit.payment_taken(engine, at("13:00"), "P4", PRICE, None)
    deposit.saw_balance(engine, at("13:01"), 7_747_000)
    deposit.saw_balance(engine, at("15:00"), 12_747_000)  # topped up at the bank
    return engine


class TestDeposit:
    def test_the_day_moves_from_the_evening_before(self, day):
        d = movement(day, *day_range(DAY))
        assert (d.opening.balance, d.opening.at) == (10_000_000, at("20:00", day=20))
        assert (d.closing.balance, d.closing.at) == (12_747_000, at("15:00"))
        assert (d.used, d.used_count, d.held, d.held_count) == (2 * PRICE, 2, PRICE, 1)
        assert (d.failed, d.other) == (0, 5_000_000)
        assert d.closing.balance == d.opening.balance - d.used - d.held - d.failed + d.other

    def test_without_a_balance_before_the_day_it_opens_before_its_first_payment(self, engine):
        add(engine, "P1", at("08:15"), S.SUCCESS)
        deposit.payment_taken(engine, at("08:15"), "P1", PRICE, 9_249_000)
        d = movement(engine, *day_range(DAY))
        assert (d.opening.balance, d.closing.balance, d.used, d.other) == (
            10_000_000,
            9_249_000,
            PRICE,
            0,
        )

    def test_a_day_with_nothing_learned_keeps_the_last_balance(self, day):
        d = movement(day, *day_range(date(2026, 11, 23)))
        assert d.opening == d.closing and d.closing.balance == 12_747_000
        assert (d.used, d.held, d.other) == (0, 0, 0)

    def test_the_month_moves_like_its_days(self, day):
        d = movement(day, *month_range(2026, 11))
        assert (d.opening.balance, d.closing.balance, d.used, d.other) == (
            10_000_000,
            12_747_000,
            2 * PRICE,
            5_000_000,
        )
        days = [movement(day, *day_range(date(2026, 11, n))) for n in range(1, 31)]
        assert over(*month_range(2026, 11), [x for x in days if x.opening != x.closing]) == d

    def test_a_balance_read_every_15_s_is_written_only_when_it_changes(self, engine):
        def count():
            with engine.connect() as conn:
                return conn.exec_driver_sql("SELECT count(*) FROM deposit").scalar()

        deposit.saw_balance(engine, at("08:00"), 1_000)
        deposit.saw_balance(engine, at("08:00"), 1_000)
        assert count() == 1
        deposit.saw_balance(engine, at("08:01"), 900)
        deposit.saw_balance(engine, at("07:00", day=22), 900)  # a new day: its own reading
        assert count() == 3

    def test_a_payment_is_taken_once_however_often_it_is_confirmed(self, day):
        deposit.payment_taken(day, at("16:00"), "P1", PRICE, 12_747_000)
        deposit.payment_given_back(day, at("16:00"), "P3")
        assert movement(day, *day_range(DAY)).used == 2 * PRICE


class TestHowTheHostIsPaid:
    def test_a_deposit_agent_is_shown_the_deposit_and_nothing_to_settle(self, day):
        b = books(day, *day_range(DAY), "deposit")
        labels = [line.label for line in summary_lines(b)]
        assert "Biaya host (dipotong dari deposit)" in labels
        assert not any("Setor" in label for label in labels) and b.settle_by is None
        lines = {line.label: line.value for line in deposit_lines(b.deposit)}
        assert lines == {
            "Saldo awal": 10_000_000,
            "Dipakai transaksi lunas": -2 * PRICE,
            "Diproses host, belum final": -PRICE,
            "Top-up / lain-lain": 5_000_000,
            "Saldo akhir": 12_747_000,
        }

    def test_a_postpaid_agent_is_shown_what_to_settle_by_tomorrow(self, day):
        b = books(day, *day_range(DAY), "postpaid")
        assert b.deposit is None and b.settle_by == date(2026, 11, 22)
        settle = [line for line in summary_lines(b) if line.label == "Setoran ke host (T+1)"]
        assert [(x.value, x.note) for x in settle] == [(2 * PRICE, "paling lambat 22/11/2026")]
        month = books(day, *month_range(2026, 11), "postpaid")
        assert [x.note for x in summary_lines(month) if x.label.startswith("Setoran")] == [
            "tiap hari, paling lambat hari berikutnya"
        ]


class TestCsv:
    def rows(self, day, tmp_path):
        out = tmp_path / "harian.csv"
        assert write_csv(day, *day_range(DAY), out) == 4
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: a spreadsheet reads UTF-8
        return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))

    def test_headers_are_indonesian_and_separated_by_semicolons(self, day, tmp_path):
        assert self.rows(day, tmp_path)[0] == HEADERS == [c.header for c in COLUMNS]

    def test_values_read_as_an_indonesian_spreadsheet_reads_them(self, day, tmp_path):
        header, *rows = self.rows(day, tmp_path)
        first = dict(zip(header, rows[0], strict=True))
        assert first["Periode"] == "2026-09 2026-10 2026-11"  # plain text, not JSON
        assert (first["Peserta"], first["Bulan"]) == ("2", "3")  # plain counts, as numbers
        assert first["Waktu"] == "2026-11-21 08:15:00"  # a date a spreadsheet understands
        assert first["No. VA"] == '="8888801000000029"'  # 16 digits, kept as typed
        assert first["Status"] == "LUNAS" and first["Offline"] == "tidak"
        for name in ("Iuran", "Biaya admin", "Total", "Tunai", "Kembalian", "Biaya host"):
            assert re.fullmatch(r"\d+", first[name]), (name, first[name])  # no 750.000
        assert (first["Total"], first["Biaya host"]) == ("752500", str(PRICE))

    def test_only_what_the_host_confirmed_is_a_host_cost(self, day, tmp_path):
        header, *rows = self.rows(day, tmp_path)
        costs = {r[0]: r[header.index("Biaya host")] for r in rows}
        assert costs == {"P1": str(PRICE), "P2": str(PRICE), "P3": "", "P4": ""}

    def test_text_from_outside_never_becomes_a_formula(self, day, tmp_path):
        header, *rows = self.rows(day, tmp_path)
        second = dict(zip(header, rows[1], strict=True))
        assert second["Nama"] == '\'=HYPERLINK("http://x.id","klik")'
        assert second["Pesan host"] == "'+62 dibayar"


class TestXlsx:
    def test_numbers_are_numbers_shown_as_rupiah_and_add_up(self, day, tmp_path):
        reports = Reports(day, Shop("WARUNG BU SRI"), FixedClock(parse_iso(at("18:00"))))
        written = reports.daily(DAY, tmp_path / "h.pdf", xlsx=tmp_path / "h.xlsx")
        assert written.rows == 4
        f = books(day, *day_range(DAY), "deposit").figures
        book = load_workbook(written.xlsx)
        sheet = book["Transaksi"]
        assert [c.value for c in sheet[1]] == HEADERS
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:V5"
        assert sheet.column_dimensions["G"].width == 26  # Nama
        col = {name: i for i, name in enumerate(HEADERS)}
        rows = list(sheet.iter_rows(min_row=2))
        first = rows[0]
        assert isinstance(first[col["Total"]].value, int)
        assert '"Rp" #,##0' in first[col["Total"]].number_format
        assert first[col["Waktu"]].value == datetime(2026, 11, 21, 8, 15)
        assert first[col["No. VA"]].value == "8888801000000029"  # text: no digit lost
        assert first[col["Shift"]].value is None or isinstance(first[col["Shift"]].value, int)
        name = rows[1][col["Nama"]]
        assert name.data_type == "s" and name.value.startswith("=HYPERLINK")  # text, not run
        assert sum(r[col["Total"]].value for r in rows) == f.taken
        assert sum(r[col["Biaya host"]].value or 0 for r in rows) == f.host_cost
        summary = {r[0]: r[1] for r in book["Ringkasan"].iter_rows(values_only=True) if r}
        assert summary["Margin loket"] == f.margin and summary["Saldo akhir"] == 12_747_000
        assert summary["Transaksi"] == 4


class TestPdf:
    @pytest.mark.parametrize("kind", ["daily", "monthly"])
    def test_a_shop_name_with_markup_characters_prints_as_it_is(self, day, tmp_path, kind):
        shop = Shop("Toko <A&B>", "Jl. <Mawar> & Melati", "AGT&1", "T<1>")
        reports = Reports(day, shop, FixedClock(parse_iso(at("18:00"))))
        if kind == "daily":
            written = reports.daily(DAY, tmp_path / "x.pdf")
        else:
            written = reports.monthly(2026, 11, tmp_path / "x.pdf")
        text = "\n".join(page.extract_text() for page in PdfReader(written.pdf).pages)
        for piece in (
            "Toko <A&B>",
            "Jl. <Mawar> & Melati",
            "AGT&1",
            "T<1>",
            "Saldo awal",
            "Rp 12.747.000",
            "+Rp 5.000.000",
        ):
            assert piece in text, piece

    def test_the_postpaid_pdf_says_when_to_settle(self, day, tmp_path):
        reports = Reports(day, Shop("WARUNG"), FixedClock(parse_iso(at("18:00"))), "postpaid")
        text = " ".join(
            " ".join(
                p.extract_text()
                for p in PdfReader(reports.daily(DAY, tmp_path / "x.pdf").pdf).pages
            ).split()
        )
        assert "Setoran ke host (T+1) Rp 1.502.000 paling lambat 22/11/2026" in text
        assert "Deposit di host" not in text

    @pytest.mark.parametrize("kind", ["daily", "monthly"])
    def test_every_font_is_embedded_and_its_words_read_whole(self, day, tmp_path, kind):
        reports = Reports(
            day, Shop("WARUNG BU SRI — Jl. Melati"), FixedClock(parse_iso(at("18:00")))
        )
        out = tmp_path / "x.pdf"
        reports.daily(DAY, out) if kind == "daily" else reports.monthly(2026, 11, out)
        reader = PdfReader(out)
        fonts = embedded_fonts(reader)
        assert fonts and all(fonts.values()), fonts  # none left to a viewer's substitute
        text = "\n".join(page.extract_text() for page in reader.pages)
        for word in ("Rp 12.747.000", "Jumlah", "WARUNG BU SRI — Jl. Melati", "Ringkasan"):
            assert word in text, word
        if shutil.which("pdftotext"):  # poppler, as an owner's viewer reads it
            seen = subprocess.run(
                ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert "Rp 12.747.000" in seen and "Jumlah" in seen and "R p" not in seen


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font the pages use, and whether the file carries it."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for leaf in [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]:
                descriptor = leaf.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                found[str(leaf["/BaseFont"])] = any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
    return found


def test_the_cli_writes_pdf_csv_and_xlsx_into_the_report_folder(day, tmp_path):
    set_account(day, "pemilik", "246802", role="owner")
    db = day.url.database
    config = tmp_path / "loket.toml"
    config.write_text(
        f'[shop]\nname="T"\n[host]\nurl="http://127.0.0.1:9"\nagent_id="A"\n'
        f'key="kkkkkkkk"\nsettlement="postpaid"\n[database]\npath="{db}"\n'
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "loket",
            "--config",
            str(config),
            "report",
            "daily",
            "--date",
            "2026-11-21",
            "--owner",
            "pemilik",
        ],
        input="246802\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "laporan"
    assert sorted(p.name for p in folder.iterdir()) == [
        "laporan-harian-2026-11-21.csv",
        "laporan-harian-2026-11-21.pdf",
        "laporan-harian-2026-11-21.xlsx",
    ]
    assert "4 transaksi" in run.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"prabayar"', "[host] settlement: harus salah satu dari 'deposit' atau 'postpaid'"),
        ("1", "[host] settlement: harus salah satu dari 'deposit' atau 'postpaid'"),
    ],
)
def test_the_settlement_setting_is_checked_in_indonesian(tmp_path, value, message):
    from loket.config import ConfigError, load_config

    config = tmp_path / "loket.toml"
    base = (
        f'[shop]\nname="T"\n[host]\nurl="http://127.0.0.1:9"\nagent_id="A"\n'
        f'key="kkkkkkkk"\n[database]\npath="{tmp_path / "x.db"}"\n'
    )
    config.write_text(base)
    assert load_config(config).host.settlement == "deposit"  # the common case, by default
    config.write_text(base.replace('key="kkkkkkkk"\n', f'key="kkkkkkkk"\nsettlement={value}\n'))
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert message in str(err.value)


def _bar_widths(drawing) -> list[float]:
    """The chart's bars as drawn: the width of every filled rectangle in the bars' colour."""
    from reportlab.graphics.shapes import Group, Rect

    chart = drawing.contents[0]
    widths: list[float] = []

    def walk(node):
        for child in getattr(node, "contents", []):
            if isinstance(child, Group):
                walk(child)
            elif isinstance(child, Rect) and child.fillColor == chart.bars[0].fillColor:
                widths.append(child.width)

    walk(chart.draw())
    return widths


def test_the_monthly_volume_chart_has_a_day_wide_bar_whatever_the_days_with_payments():
    from loket.reports.figures import Figures
    from loket.reports.monthly import MonthFigures
    from loket.reports.pdf import volume_chart

    november = Figures(*month_range(2026, 11))
    one_day = MonthFigures("2026-11", november, daily=[("2026-11-21", 4, 2, 1_502_000)])
    every_day = MonthFigures(
        "2026-11", november, daily=[(f"2026-11-{d:02d}", d, d, 0) for d in range(1, 31)]
    )
    [single] = [w for w in _bar_widths(volume_chart(one_day)) if w > 0]
    widths = [w for w in _bar_widths(volume_chart(every_day)) if w > 0]
    assert len(widths) == 30 and single == pytest.approx(widths[0])  # a day is a day wide
    chart = volume_chart(one_day).contents[0]
    assert (
        chart.categoryAxis.categoryNames[0] == "01" and len(chart.categoryAxis.categoryNames) == 30
    )
    assert sum(chart.data[0]) == 4 and chart.data[0][20] == 4  # on the 21st, zero the others
