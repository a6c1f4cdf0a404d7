"""``[hub]`` is optional, parsed strictly, and never holds a password."""

from __future__ import annotations

import pytest

from loket.config import ConfigError, load_config
from loket.service.hub.desk import HubDesk, HubNotConfigured, connect
from tests.unit.test_config import GOOD, write


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("LOKET_TEST_KEY", "a-host-key-for-tests")


def _with_hub(tmp_path, hub: str):
    return write(tmp_path, GOOD.format(db=tmp_path / "x.db") + "[hub]\n" + hub)


def test_without_a_hub_section_nothing_connects(tmp_path):
    config = load_config(write(tmp_path, GOOD.format(db=tmp_path / "x.db")))
    assert config.hub is None and config.hub_terminal() == "T01"
    with pytest.raises(HubNotConfigured, match=r"\[hub\]"):
        connect(config.hub)
    assert not HubDesk(None, config).configured


def test_a_hub_section_loads_and_its_terminal_defaults_to_the_shops(tmp_path, monkeypatch):
    monkeypatch.setenv("HUB_PW", "rahasia")
    config = load_config(
        _with_hub(
            tmp_path, 'url = "postgresql://loket_T01@hub.example/loket"\npassword_env = "HUB_PW"\n'
        )
    )
    assert config.hub_terminal() == "T01" and config.hub.password() == "rahasia"
    assert "rahasia" not in repr(config)


@pytest.mark.parametrize(
    "hub, message",
    [
        ('url = "postgresql://u:secret@h/db"\n', "[hub] url: kata sandi jangan di URL"),
        ('url = "https://h/db"\n', "[hub] url: bukan alamat postgresql://"),
        ('url = "postgresql://u@h"\n', "[hub] url: bukan alamat postgresql://"),
        ('url = "postgresql://u@h:99999/db"\n', "[hub] url: port tidak sah"),
        ('url = "postgresql://u@h/db"\npassword_env = "not a name"\n', "[hub] password_env: harus"),
        ('url = "postgresql://u@h/db"\nterminal_id = "T 01"\n', "[hub] terminal_id: huruf"),
        ('url = "postgresql://u@h/db"\npassword = "x"\n', "[hub] password: kunci tidak dikenal"),
    ],
)
def test_hub_mistakes_are_one_line_naming_the_key(tmp_path, hub, message):
    with pytest.raises(ConfigError) as caught:
        load_config(_with_hub(tmp_path, hub))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_an_unset_password_variable_is_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("HUB_PW", raising=False)
    config = load_config(
        _with_hub(tmp_path, 'url = "postgresql://u@h/db"\npassword_env = "HUB_PW"\n')
    )
    with pytest.raises(ConfigError, match="HUB_PW belum diisi"):
        config.hub.password()


def test_a_counter_without_a_hub_lets_its_outbox_go_and_can_send_it_all_later(tmp_path):
    import time

    from loket.store.opening import open_database
    from tests.factories import set_account

    config = load_config(write(tmp_path, GOOD.format(db=tmp_path / "x.db")))
    engine = open_database(config.database.path)
    try:
        set_account(engine, "kasir1")
        desk = HubDesk(engine, config)
        assert desk.backlog().count >= 2  # the account and its audit row, at least
        assert desk.start_pushing() is None
        for _ in range(100):
            if desk.backlog().count == 0:
                break
            time.sleep(0.05)
        assert desk.backlog().count == 0
        assert desk.resend() >= 2  # a hub added later gets the whole history
    finally:
        engine.dispose()
