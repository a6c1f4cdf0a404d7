"""The status line: short money, and what is waiting."""


def test_the_status_line_rounds_a_deposit_just_under_a_billion_to_billions():
    from loket.tui.widgets.status_line import _short

    assert _short(999_975_300) == "Rp 1,0 M"
    assert _short(999_949_999) == "Rp 999,9 jt"
    assert _short(1_234_000_000) == "Rp 1,2 M"


def test_the_status_line_shows_what_the_owners_hub_has_not_got_yet():
    from loket.service.runtime import Health
    from loket.tui.widgets.status_line import describe

    behind = Health(online=True, balance=None, printer_ok=True, printer_label="", hub_waiting=42)
    assert "Hub 42" in describe(behind, training=False, cashier="kasir1").plain
    level = Health(online=True, balance=None, printer_ok=True, printer_label="")
    assert "Hub" not in describe(level, training=False, cashier="kasir1").plain
