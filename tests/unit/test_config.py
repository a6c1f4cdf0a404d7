import os
import subprocess
import sys

import pytest

from loket.config import ConfigError, load_config

GOOD = """
[shop]
name = "WARUNG BU SRI"
agent_id = "AGT001"
terminal_id = "T01"
[host]
url = "https://host.example"
agent_id = "AGT001"
key_env = "LOKET_TEST_KEY"
[database]
path = "{db}"
[printer]
backend = "serial"
device = "/dev/ttyUSB0"
columns = 48
[fees]
admin = 3000
"""


def write(tmp_path, text):
    path = tmp_path / "loket.toml"
    path.write_text(text)
    return path


def test_a_good_file_loads_and_keeps_the_key_out_of_reprs(tmp_path, monkeypatch):
    monkeypatch.setenv("LOKET_TEST_KEY", "s3cr3t-key")
    config = load_config(write(tmp_path, GOOD.format(db=tmp_path / "x.db")))
    assert config.printer.columns == 48 and config.fees.admin == 3000
    assert config.host.secret() == "s3cr3t-key"
    assert "s3cr3t-key" not in repr(config) and "s3cr3t-key" not in str(config.model_dump())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("columns = 48", "columns = 40"), "[printer] columns: harus salah satu dari 32 atau 48"),
        (("admin = 3000", 'admin = "3000"'), "[fees] admin: harus bilangan bulat"),
        (("admin = 3000", "admin = 3000\nbonus = 1"), "[fees] bonus: kunci tidak dikenal"),
        (('device = "/dev/ttyUSB0"', ""), "[printer]: printer 'serial' perlu device"),
        (('url = "https://host.example"', ""), "belum diisi (wajib): [host] url"),
        (("[fees]", "[fees\n"), "bukan TOML yang sah"),
        # issue 8: values that used to end in a traceback, or be blamed on the internet
        (("[fees]", "[fees]\n[counter]\nmax_months_ahead = 13"), "[counter] max_months_ahead"),
        (
            ('agent_id = "AGT001"\nkey_env', 'agent_id = "AGT001"\nread_timeout_s = inf\nkey_env'),
            "[host] read_timeout_s: harus angka biasa",
        ),
        (
            (
                'agent_id = "AGT001"\nkey_env',
                'agent_id = "AGT001"\nread_timeout_s = 1e300\nkey_env',
            ),
            "[host] read_timeout_s: paling besar 120",
        ),
        (('url = "https://host.example"', 'url = "htp:/nowhere"'), "[host] url: bukan alamat"),
        (('url = "https://host.example"', 'url = "not a url"'), "[host] url: bukan alamat"),
        (
            ('url = "https://host.example"', 'url = "ftp://host.example"'),
            "[host] url: bukan alamat",
        ),
        (('url = "https://host.example"', 'url = ""'), "[host] url: bukan alamat"),
        (('url = "https://host.example"', 'url = "http://h:99999"'), "[host] url: port tidak sah"),
        (('key_env = "LOKET_TEST_KEY"', 'key = ""'), "[host] key: paling sedikit 8"),
        (('key_env = "LOKET_TEST_KEY"', 'key_env = ""'), "[host] key_env: harus nama variabel"),
        (
            ('backend = "serial"', 'backend = "network"\nport = 99999\nhost = "p"'),
            "[printer] port: harus kurang dari 65536",
        ),
    ],
)
def test_mistakes_name_the_key_and_what_is_wrong(tmp_path, monkeypatch, change, message):
    monkeypatch.setenv("LOKET_TEST_KEY", "s3cr3t-key")
    path = write(tmp_path, GOOD.format(db=tmp_path / "x.db").replace(*change))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_every_missing_section_and_key_is_named_at_once(tmp_path):
    """An owner's hub-only machine once learned of [shop], then [database], one run each."""
    path = write(tmp_path, '[hub]\nurl = "postgresql://pemilik@hub/loket"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}: belum diisi (wajib): [shop], [host], [database]"


def test_a_key_too_short_in_the_environment_is_refused_as_in_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LOKET_TEST_KEY", "K")
    with pytest.raises(ConfigError, match=r"\[host\] key_env: kunci di LOKET_TEST_KEY harus 8"):
        load_config(write(tmp_path, GOOD.format(db=tmp_path / "x.db")))


def test_an_unset_key_env_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.delenv("LOKET_TEST_KEY", raising=False)
    with pytest.raises(ConfigError, match=r"\[host\] key_env: variabel lingkungan LOKET_TEST_KEY"):
        load_config(write(tmp_path, GOOD.format(db=tmp_path / "x.db")))


def test_the_cli_exits_2_with_one_line_and_no_traceback(tmp_path):
    bad = write(tmp_path, "[shop]\nname = 1\n")
    for args in (
        ["--config", str(bad), "inquiry", "0001000000011"],
        ["inquiry", "0001000000011", "--config", str(tmp_path / "missing.toml")],
    ):
        run = subprocess.run(
            [sys.executable, "-m", "loket", *args], capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 2
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
        assert run.stderr.startswith("loket: ")


def test_the_example_config_is_valid(monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("LOKET_HOST_KEY", "s3cr3t-key")
    example = Path(__file__).parents[2] / "config.example.toml"
    config = load_config(example)
    assert config.host.adapter == "loket"


@pytest.mark.parametrize("source", ["/dev/zero", "/nonexistent/loket.toml"])
def test_a_config_that_is_not_a_file_is_one_line(source):
    with pytest.raises(ConfigError, match=source):
        load_config(source)


DIGIFLAZZ = GOOD.replace(
    'agent_id = "AGT001"\nkey_env', 'adapter = "digiflazz"\nusername = "buyer1"\nkey_env'
)


def test_digiflazz_needs_a_username_and_takes_its_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("LOKET_TEST_KEY", "s3cr3t-key")
    host = load_config(write(tmp_path, DIGIFLAZZ.format(db=tmp_path / "x.db"))).host
    assert (host.adapter, host.username, host.account, host.sku, host.testing) == (
        "digiflazz",
        "buyer1",
        "buyer1",
        "bpjs",
        False,
    )
    assert (host.status_interval_s, host.read_timeout, host.total_timeout_s) == (60.0, 15.0, None)


def test_the_native_host_keeps_its_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("LOKET_TEST_KEY", "s3cr3t-key")
    host = load_config(write(tmp_path, GOOD.format(db=tmp_path / "x.db"))).host
    assert (host.adapter, host.account, host.status_interval_s, host.read_timeout) == (
        "loket",
        "AGT001",
        0.0,
        15.0,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("buyer1", ""), '[host]: username wajib diisi untuk adapter "digiflazz"'),
        (('username = "buyer1"', 'agent_id = "A"'), "[host]: username wajib diisi"),
        (
            ('username = "buyer1"', 'username = "b"\nagent_id = "A"'),
            '[host]: agent_id hanya untuk adapter "loket"',
        ),
        (
            ('"digiflazz"', '"mobilepulsa"'),
            "[host] adapter: harus salah satu dari 'loket', 'digiflazz' atau 'iak'",
        ),
        (('username = "buyer1"', 'username = "b"\nsku = "bpjs kes"'), "[host] sku: harus kode"),
        (('username = "buyer1"', 'username = "b"\nsku = ""'), "[host] sku: harus kode"),
        (
            ('username = "buyer1"', 'username = "b"\ntesting = "yes"'),
            "[host] testing: harus true atau false",
        ),
        (
            ('username = "buyer1"', 'username = "b"\nmin_status_interval_s = -1'),
            "[host] min_status_interval_s: paling kecil 0",
        ),
        (
            ('username = "buyer1"', 'username = "b"\ntotal_timeout_s = 0'),
            "[host] total_timeout_s: harus lebih dari 0",
        ),
        (('"digiflazz"', '"iak"\nsku = "x"'), "[host]: sku dan testing hanya untuk adapter"),
        (
            ('adapter = "digiflazz"\nusername = "buyer1"', 'agent_id = "A"\ntesting = true'),
            '[host]: testing tidak berlaku untuk adapter "loket"',
        ),
        (
            ('adapter = "digiflazz"\nusername = "buyer1"', 'username = "b"'),
            '[host]: agent_id wajib diisi untuk adapter "loket"',
        ),
    ],
)
def test_host_adapter_mistakes_are_one_line_each(tmp_path, monkeypatch, change, message):
    monkeypatch.setenv("LOKET_TEST_KEY", "s3cr3t-key")
    path = write(tmp_path, DIGIFLAZZ.format(db=tmp_path / "x.db").replace(*change))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_iak_reads_longer_by_default_and_a_given_interval_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("LOKET_TEST_KEY", "s3cr3t-key")
    text = DIGIFLAZZ.replace('"digiflazz"', '"iak"').replace(
        'username = "buyer1"', 'username = "0812"\nmin_status_interval_s = 30'
    )
    host = load_config(write(tmp_path, text.format(db=tmp_path / "x.db"))).host
    assert (host.adapter, host.read_timeout, host.status_interval_s) == ("iak", 30.0, 30.0)


@pytest.mark.parametrize("profile", ["loket", "digiflazz", "iak"])
def test_training_takes_a_profile_each_in_its_own_folder(tmp_path, profile):
    from loket.config import training_config

    config = training_config(tmp_path, profile)
    assert config.training and config.host.adapter == profile
    assert config.host.testing is (profile == "digiflazz")
    assert ("latihan-" + profile in config.database.path) is (profile != "loket")


def cli_line(tmp_path, text: str, *args: str) -> tuple[int, str]:
    """``loket --config FILE ARGS`` (an inquiry by default): its exit code and its one line."""
    path = write(tmp_path, text.format(db=tmp_path / "x.db"))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "loket",
            "--config",
            str(path),
            *(args or ("inquiry", "0001000000011")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LOKET_TEST_KEY": "k" * 8},
    )
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert "Traceback" not in run.stderr and len(lines) <= 1, run.stderr
    return run.returncode, (lines or [""])[0].replace(f"loket: {path}: ", "", 1)


# issue 19.8: values that were taken until something far away refused them, or ended as a bug
@pytest.mark.parametrize(
    ("change", "key"),
    [
        (
            ('url = "https://host.example"', 'url = "https://AGT001:rahasia-host@host.example"'),
            "[host] url: ",
        ),
        (('url = "https://host.example"', 'url = "https://AGT001@host.example"'), "[host] url: "),
        (('path = "{db}"', 'path = "{db}\\u0000.bak"'), "[database] path: "),
        (
            (
                'backend = "serial"\ndevice = "/dev/ttyUSB0"',
                'backend = "file"\npath = "/tmp/\\u0000x"',
            ),
            "[printer] path: ",
        ),
    ],
)
def test_a_mistake_found_only_later_exits_2_naming_its_key(tmp_path, change, key):
    code, line = cli_line(tmp_path, GOOD.replace(*change))
    assert code == 2 and line.startswith(key), (code, line)
    assert "rahasia-host" not in line  # the password is not repeated on the screen


HUB = '[hub]\nurl = "postgresql://loket_t01@127.0.0.1:9/loket"\n'


def test_the_terminal_id_the_hub_will_use_is_checked_at_load(tmp_path, monkeypatch):
    """The hub names a counter's role after its terminal (letters, digits, - and _, at most 32);
    without [hub] terminal_id, [shop] terminal_id is that name."""
    spaced = GOOD.replace('terminal_id = "T01"', 'terminal_id = "Kasir 1"')
    for args in (("inquiry", "0001000000011"), ("hub", "push", "--once")):
        code, line = cli_line(tmp_path, spaced + HUB, *args)
        assert code == 2 and line.startswith("[shop] terminal_id: "), (args, code, line)
        assert "[hub] terminal_id" in line  # the other way out
    monkeypatch.setenv("LOKET_TEST_KEY", "s3cr3t-key")
    config = tmp_path / "ok.toml"
    for text in (spaced, spaced + HUB + 'terminal_id = "KASIR-1"\n'):  # the hub uses its own
        config.write_text(text.format(db=tmp_path / "x.db"))
        assert load_config(config).shop.terminal_id == "Kasir 1"
