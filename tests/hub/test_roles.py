"""A counter's role sees and writes only its own terminal's rows; the owner's reads all."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from loket.hub import schema
from loket.service.hub import desk as hub_desk
from tests.hub.helpers import admin, as_role, counter, pay


@pytest.fixture
def two_counters(tmp_path, sim, hub_url, monkeypatch):
    hub_desk.init_hub(None, hub_url)
    root = admin(hub_url)
    roles = {t: schema.add_counter(root, t) for t in ("T01", "T02")}
    pushed = {}
    for terminal, role in roles.items():
        monkeypatch.setenv(f"PW_{terminal}", role.password)
        rt, desk = counter(
            tmp_path, sim, terminal, hub_url.replace("postgres@", f"{role.name}@"), f"PW_{terminal}"
        )
        pay(rt, "0001000000011" if terminal == "T01" else "0001000000029")
        assert desk.push() > 0  # each with its own role
        pushed[terminal] = (rt, desk)
    yield root, roles
    for rt, desk in pushed.values():
        desk.close()
        rt.close()
    root.dispose()


def _count(engine, sql: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_a_counter_cannot_read_another_terminals_rows(two_counters, hub_url):
    _root, roles = two_counters
    t01 = as_role(hub_url, roles["T01"].name, roles["T01"].password)
    try:
        for table in ("payment", "payment_event", "record", "counter"):
            assert _count(t01, f"SELECT count(*) FROM {table} WHERE terminal = 'T02'") == 0
            assert _count(t01, f"SELECT count(*) FROM {table} WHERE terminal = 'T01'") > 0
    finally:
        t01.dispose()


def test_a_counter_cannot_change_or_forge_another_terminals_rows(two_counters, hub_url):
    root, roles = two_counters
    t01 = as_role(hub_url, roles["T01"].name, roles["T01"].password)
    try:
        with t01.begin() as conn:
            changed = conn.execute(text("UPDATE payment SET total = 0 WHERE terminal = 'T02'"))
            assert changed.rowcount == 0
        with pytest.raises(DBAPIError, match="row-level security"), t01.begin() as conn:
            conn.execute(text("UPDATE payment SET terminal = 'T02' WHERE terminal = 'T01'"))
        with pytest.raises(DBAPIError, match="row-level security"), t01.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO record (terminal, kind, key, seq, data) "
                    "VALUES ('T02', 'audit', '1', 1, '{}')"
                )
            )
        with pytest.raises(DBAPIError, match="permission denied"), t01.begin() as conn:
            conn.execute(text("DELETE FROM payment"))
        with pytest.raises(DBAPIError, match="permission denied"), t01.begin() as conn:
            conn.execute(text("UPDATE counter SET role_name = 'x'"))
    finally:
        t01.dispose()
    assert _count(root, "SELECT min(total) FROM payment WHERE terminal = 'T02'") > 0


def test_the_owners_role_reads_every_outlet_and_writes_nothing(two_counters, hub_url):
    root, _roles = two_counters
    boss = schema.add_owner(root, "pemilik_hub")
    owner = as_role(hub_url, boss.name, boss.password)
    try:
        assert _count(owner, "SELECT count(DISTINCT terminal) FROM payment") == 2
        with pytest.raises(DBAPIError, match="permission denied"), owner.begin() as conn:
            conn.execute(text("UPDATE payment SET total = 0"))
    finally:
        owner.dispose()


def test_a_role_logs_in_only_with_its_own_password(two_counters, hub_url):
    _root, roles = two_counters
    url = hub_url.replace("postgres@", f"{roles['T01'].name}@")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(url, password=roles["T02"].password).close()
    assert roles["T01"].password not in schema.scram_verifier(roles["T01"].password)


def test_adding_a_role_never_takes_over_one_loket_did_not_make(hub):
    """``add-owner postgres`` once changed the administrator's password and made it an owner;
    ``add-owner loket_T01`` let a counter's login read every outlet."""
    from loket.hub.connect import HubError

    with hub.begin() as conn:
        conn.exec_driver_sql("CREATE ROLE kasir_lain LOGIN")
    schema.add_counter(hub, "T01")
    for name, add in (
        ("postgres", schema.add_owner),
        ("kasir_lain", schema.add_owner),
        ("loket_T01", schema.add_owner),
    ):
        with pytest.raises(HubError, match="sudah ada dan bukan peran pemilik"):
            add(hub, name)
    owner = schema.add_owner(hub, "pemilik_baru")
    assert not owner.existed
    schema.add_owner(hub, "loket_X")  # an owner whose name looks like a counter's
    with pytest.raises(HubError, match="sudah ada dan bukan peran kasir"):
        schema.add_counter(hub, "X")
    again = schema.add_owner(hub, "pemilik_baru")  # an owner's own role: a new password only
    assert again.existed and again.password != owner.password
    assert schema.add_counter(hub, "T01").existed
    hub.dispose()  # new connections: the administrator's password is still the one it had
    with hub.connect() as conn:
        owners = {
            name
            for (name,) in conn.exec_driver_sql(
                "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                "WHERE m.roleid = 'loket_owner'::regrole"
            )
        }
    # roles belong to the cluster, which other tests share: look at these ones only
    assert {"pemilik_baru", "loket_X"} <= owners and not {
        "postgres",
        "kasir_lain",
        "loket_T01",
    } & owners


def test_a_counters_role_is_refused_the_view_of_every_outlet(two_counters, hub_url, tmp_path):
    """Row-level security shows a counter's role its own outlet only: a report, dashboard or
    reconciliation "of every outlet" run with it would leave the others out without a word."""
    from datetime import date

    from loket.hub.connect import HubError
    from loket.service.hub import outlets as hub_outlets
    from loket.service.hub.dashboard import HubView

    root, roles = two_counters
    t01 = as_role(hub_url, roles["T01"].name, roles["T01"].password)
    try:
        for look in (
            lambda: hub_outlets.outlets_day(t01, date(2026, 11, 21)),
            lambda: HubView(t01).day(date(2026, 11, 21)),
        ):
            with pytest.raises(HubError, match="peran kasir dan hanya melihat outletnya"):
                look()
    finally:
        t01.dispose()
    assert set(hub_outlets.outlets_day(root, date(2026, 11, 21)).outlets) == {"T01", "T02"}
    owner = schema.add_owner(root, "pemilik_lihat")
    seen = as_role(hub_url, owner.name, owner.password)
    try:
        assert set(hub_outlets.outlets_day(seen, date(2026, 11, 21)).outlets) == {"T01", "T02"}
    finally:
        seen.dispose()


def test_a_counter_with_the_wrong_role_or_password_is_told_what_to_fix(
    two_counters, hub_url, tmp_path, sim, monkeypatch
):
    from loket.hub.connect import HubError

    _root, roles = two_counters
    monkeypatch.setenv("PW_T01", roles["T01"].password)
    # T03's counter configured with T01's role: row-level security refuses its rows
    rt, desk = counter(
        tmp_path / "t03",
        sim,
        "T03",
        hub_url.replace("postgres@", f"{roles['T01'].name}@"),
        "PW_T01",
    )
    try:
        pay(rt, "0001000000037")
        with pytest.raises(HubError, match="terminal_id harus sama dengan TERMINAL"):
            desk.push()
        monkeypatch.setenv("PW_T01", "salah")
        desk.close()
        with pytest.raises(HubError, match="Hub menolak masuk: peran atau kata sandinya salah"):
            desk.push()
    finally:
        desk.close()
        rt.close()


def test_a_terminal_that_differs_only_in_case_is_refused(hub):
    """`add-counter t01` beside T01 made a second outlet that never pushes: a warning forever."""
    from loket.hub.connect import HubError

    schema.add_counter(hub, "T01")
    with pytest.raises(HubError, match="Terminal T01 sudah terdaftar"):
        schema.add_counter(hub, "t01")
    with hub.connect() as conn:
        assert [t for (t,) in conn.exec_driver_sql("SELECT terminal FROM counter")] == ["T01"]
        assert (
            conn.exec_driver_sql(  # the role made before the check went with the rollback
                "SELECT count(*) FROM pg_roles WHERE rolname = 'loket_t01'"
            ).scalar()
            == 0
        )
