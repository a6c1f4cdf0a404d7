"""One counter's role cannot break the owner's reports for every outlet (issue 19, item 2).

Row-level security lets a counter's role write its own outlet's rows and only those; a stolen or
buggy counter can still write rows of its own that the owner's reports cannot read. Each attack
below is made through the outlet NAKAL's own role twice: written straight into the hub, as a
stolen role would, and pushed from NAKAL's outbox between two good rows, as a buggy counter
would. Written straight in, it is refused (or stored cleaned); pushed, it is set aside at the
hub (or stored cleaned), the pusher says so in its log and carries on, and a second push sends
nothing. Either way the owner's report of the day, its PDF, XLSX and CSV, and the dashboard still
work, name NAKAL in one line when its rows could not be used, and JUJUR's figures stand.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import shutil
from datetime import date

import psycopg
import pytest
from openpyxl import load_workbook
from sqlalchemy.exc import DBAPIError

from loket.cli import hub as hub_cli
from loket.cli.main import _parser
from loket.domain.money import format_rupiah as rp
from loket.domain.text import clean_text
from loket.hub import schema
from loket.reports.figures import Figures, day_range, figures
from loket.service.hub import desk as hub_desk
from loket.service.hub import reports as hub_reports
from loket.service.hub.dashboard import HubView
from loket.store import outbox
from loket.tui.hub import warning
from tests.conftest import start_sim
from tests.hub.attacks import (
    ATTACKS,
    UNPRINTABLE,
    Day,
    Template,
    held,
    hub_log,
    push_from_outbox,
    refused,
    set_aside_rows,
    stored_cleaned,
    write_straight_in,
)
from tests.hub.helpers import admin, as_role, counter, pay
from tests.hub.pgcluster import SUPERPASS
from tests.hub.test_hub_reports import pdf_text

DAY = date(2026, 11, 21)
TEMPLATE = "hostile_template"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def template(pg, tmp_path_factory):
    """A hub where JUJUR and NAKAL each paid and pushed honestly, made once: each test gets a
    copy of it (CREATE DATABASE … TEMPLATE)."""
    tmp = tmp_path_factory.mktemp("hostile")
    sim = start_sim()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LOKET_HUB_PASSWORD", SUPERPASS)
        url = pg.create_database(TEMPLATE)
        hub_desk.init_hub(None, url)
        root = admin(url)
        roles = {t: schema.add_counter(root, t) for t in ("JUJUR", "NAKAL")}
        made, found = {}, Template(Figures("", ""), roles["NAKAL"].password)
        try:
            for terminal, numbers in (
                ("JUJUR", ("0001000000011", "0001000000029", "0001000000086")),
                ("NAKAL", ("0001000000037",)),
            ):
                env.setenv(f"PW_{terminal}", roles[terminal].password)
                rt, desk = counter(
                    tmp,
                    sim,
                    terminal,
                    url.replace("postgres@", f"{roles[terminal].name}@"),
                    f"PW_{terminal}",
                )
                made[terminal] = (rt, desk)
                for number in numbers:
                    pay(rt, number)
                assert desk.push() > 0
            jujur, nakal = made["JUJUR"][0], made["NAKAL"][0]
            found.own = figures(jujur.engine, *day_range(DAY))
            outbox.requeue_all(nakal.engine)  # its rows as its outbox carries them
            for row in outbox.pending(nakal.engine, 10_000):
                found.sent.setdefault(row.kind, row)
        finally:
            for rt, desk in made.values():
                desk.close()
                rt.close()
            root.dispose()
            sim.thread.stop()
    assert {"payment", "event", "deposit", "attempt"} <= set(found.sent)
    yield found
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def day(template, pg, monkeypatch):
    monkeypatch.setenv("LOKET_HUB_PASSWORD", SUPERPASS)
    name = f"hostile{next(_names)}"
    with psycopg.connect(pg.url(), password=SUPERPASS, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    url = pg.url(name)
    found = Day(url, admin(url), as_role(url, "loket_NAKAL", template.password), template)
    yield found
    found.root.dispose()
    found.nakal.dispose()


# -- what the owner sees -------------------------------------------------------------------------
def owner_sees(d: Day, tmp_path, named: bool, month: bool = False) -> None:
    """``loket hub report`` of the day with its PDF, XLSX and CSV, and the dashboard: they work,
    JUJUR's figures are its own counter's, nothing unprintable shows, and NAKAL is named in one
    line when some of its rows could not be used."""
    own = d.template.own
    tmp_path.mkdir(parents=True, exist_ok=True)
    files = {k: tmp_path / f"hari.{k}" for k in ("pdf", "xlsx", "csv")}
    args = _parser().parse_args(
        [
            "hub",
            "report",
            "--day",
            DAY.isoformat(),
            "--url",
            d.url,
            *(x for k, p in files.items() for x in (f"--{k}", str(p))),
        ]
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert hub_cli.run(args) == 0
    said = out.getvalue()
    assert not UNPRINTABLE.search(said), said
    assert (
        f"{'JUJUR':<12} {own.count} trx, {own.success_count} sukses, "
        f"kas {rp(own.cash_collected)}, belum final {own.unsettled_count}"
    ) in said, said
    warned = [line for line in said.splitlines() if "NAKAL mengirim" in line]
    assert len(warned) == (1 if named else 0), said
    if named:
        assert warned[0].startswith("Perhatian") and "tidak terbaca" in warned[0]

    book = load_workbook(files["xlsx"], read_only=True)
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert not any(isinstance(c, str) and UNPRINTABLE.search(c) for c in cells)
    summary = [
        [c for c in row if c is not None] for row in book["Ringkasan"].iter_rows(values_only=True)
    ]
    jujur = next(r for r in summary if r and r[0] == "JUJUR")
    assert list(jujur[1:9]) == [
        own.count,
        own.success_count,
        own.cash_collected,
        own.premium,
        own.admin_income,
        own.host_cost,
        own.margin,
        own.unsettled_count,
    ]
    listed = files["csv"].read_text(encoding="utf-8-sig")
    assert not UNPRINTABLE.search(listed)
    assert sum(1 for line in listed.splitlines() if line.startswith("JUJUR;")) == own.count
    flat = " ".join(pdf_text(files["pdf"]).split())
    assert "JUJUR" in flat and ("NAKAL mengirim" in flat) == named

    seen = HubView(d.root).day(DAY)
    outlet = {o.terminal: o for o in seen.outlets}
    assert (outlet["JUJUR"].figures.count, outlet["JUJUR"].figures.cash_collected) == (
        own.count,
        own.cash_collected,
    )
    assert not any(UNPRINTABLE.search(c.cashier_id) for c in seen.figures.by_cashier)
    assert not any(UNPRINTABLE.search(a.account) for a in seen.accounts)
    if named:
        assert outlet["NAKAL"].set_aside > 0 and "NAKAL mengirim" in warning(seen).plain
    if month:
        written = hub_reports.write(
            d.root,
            hub_reports.shop(None),
            "2026-11-22T07:00:00+07:00",
            month=(2026, 11),
            pdf=tmp_path / "bulan.pdf",
            xlsx=tmp_path / "bulan.xlsx",
        )
        assert written.rows >= own.count


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_a_counters_role_cannot_break_the_owners_report(day, attack, tmp_path):
    try:
        write_straight_in(day, attack)
    except DBAPIError as exc:
        assert refused(exc), exc
    else:  # only control characters may be stored, and only cleaned
        assert attack.cleanable, f"stored as written: {attack.changes}"
        stored_cleaned(day, attack)
    owner_sees(day, tmp_path / "straight", named=False, month=attack.month)
    if attack.kind in ("counter", "set_aside"):
        return  # the pusher writes neither from what a counter recorded

    with hub_log() as logged:
        good, bad, again = push_from_outbox(day, attack, tmp_path)
    assert again == 0  # the bad row is not sent again, and again
    assert all(held(day, attack.kind, key) for key in good)
    set_aside = set_aside_rows(day)
    if attack.cleanable:  # stored, each text cleaned
        assert all(held(day, attack.kind, clean_text(key)) for key in bad)
        assert not set_aside and not logged
        stored_cleaned(day, attack)
    else:  # set aside at the hub, with why, and said in the counter's log
        assert not any(held(day, attack.kind, key) for key in bad)
        assert set(bad) <= set(set_aside) and all(set_aside[key] for key in bad)
        said = " ".join(r.getMessage() for r in logged)
        assert all(key in said for key in bad) and "disisihkan" in said
    owner_sees(day, tmp_path / "pushed", named=not attack.cleanable, month=attack.month)
