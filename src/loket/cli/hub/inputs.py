"""What ``loket hub``'s actions read from the command line: the configuration, a day, a month."""

from __future__ import annotations

from datetime import date


def config_of(args):
    """The configuration file's, or None (the owner's machine may have only ``--url``)."""
    from loket.config import find_config, load_config

    path = find_config(getattr(args, "config", None))
    return load_config(path) if path is not None else None


def hub_config(args):
    """``[hub]`` of the configuration, if there is one (an admin's ``--url`` may stand in)."""
    config = config_of(args)
    return config.hub if config else None


def day(text: str) -> date:
    from loket.config import ConfigError

    try:
        return date.fromisoformat(text)
    except ValueError:
        if len(text) == 10 and text[4] == text[7] == "-":
            raise ConfigError(f"{text!r}: tanggal itu tidak ada") from None
        raise ConfigError(f"{text!r}: tanggal harus YYYY-MM-DD") from None


def month(text: str) -> date:
    from loket.config import ConfigError

    try:
        if len(text) != 7:
            raise ValueError
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise ConfigError(f"{text!r}: bulan harus YYYY-MM") from None
