"""A real PostgreSQL server for the hub's tests, started once per session (no mocks)."""

from __future__ import annotations

import itertools

import pytest

from loket.service.hub import desk as hub_desk
from tests.hub.helpers import admin
from tests.hub.pgcluster import SUPERPASS, PgCluster

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg():
    cluster = PgCluster().init().start()
    yield cluster
    cluster.cleanup()


@pytest.fixture
def hub_url(pg, monkeypatch):
    """A fresh, empty hub database; the superuser's password in the env var the config names."""
    monkeypatch.setenv("LOKET_HUB_PASSWORD", SUPERPASS)
    return pg.create_database(f"hub{next(_names)}")


@pytest.fixture
def hub(hub_url):
    """A fresh hub at the schema's head, as its administrator."""
    hub_desk.init_hub(None, hub_url)
    engine = admin(hub_url)
    yield engine
    engine.dispose()
