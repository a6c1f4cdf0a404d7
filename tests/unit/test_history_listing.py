"""``loket history`` as text: one column for each thing, at the same place on every line."""

from dataclasses import replace

from loket.cli.listing import history_line
from loket.domain.states import PaymentState
from tests.factories import record


def test_every_state_keeps_the_columns_where_they_are():
    lines = [history_line(record(str(state))) for state in PaymentState]
    p = record()
    for column in (p.head_name, "2 org 3 bln", "Rp 752.500", p.ref_id, p.family_no):
        assert len({line.index(column) for line in lines}) == 1, (column, lines)
    assert "Uang harus dikembalikan" in "\n".join(lines)


def test_a_whole_va_and_a_card_typed_on_a_count_only_host_line_up():
    va = record()
    card = replace(va, va_no="")  # a count-only host names no VA: the number typed stands
    lines = [history_line(va), history_line(card)]
    assert va.family_no in lines[0] and len(va.family_no) == 16
    assert card.family_no in lines[1] and len(card.family_no) == 13
    assert lines[0].index(va.ref_id) == lines[1].index(card.ref_id)
