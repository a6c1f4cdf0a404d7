import pytest

from loket.domain.outcomes import Outcome
from loket.domain.states import TRANSITIONS, IllegalTransition, PaymentState, check_transition
from loket.host.native.codes import RC_TABLE, cashier_message, classify

S = PaymentState


@pytest.mark.parametrize(
    ("rc", "outcome"),
    [
        ("00", Outcome.SUCCESS),
        ("03", Outcome.PENDING),
        ("34", Outcome.FINAL_FAILURE),
        ("44", Outcome.REJECTED),
        ("49", Outcome.REJECTED),
        ("50", Outcome.NOT_POSTED),
        ("58", Outcome.REJECTED),
        ("84", Outcome.FINAL_FAILURE),
        ("99", Outcome.UNKNOWN),
    ],
)
def test_rc_classes_follow_the_protocol_table(rc, outcome):
    assert classify("whatever", rc) is outcome


def test_unlisted_rc_falls_back_on_the_status_word():
    assert classify("failed", "06") is Outcome.FINAL_FAILURE
    assert classify("pending", "xx") is Outcome.PENDING
    assert classify("", "") is Outcome.UNKNOWN


def test_every_rc_has_its_own_message():
    messages = [cashier_message(rc) for rc in RC_TABLE]
    assert len(set(messages)) == len(messages)
    assert "PBI" in cashier_message("60", "Peserta PBI, iuran dibayar pemerintah")


def test_final_states_have_no_way_out():
    assert TRANSITIONS[S.SUCCESS] == frozenset() and TRANSITIONS[S.REFUNDED] == frozenset()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (S.SUCCESS, S.SENDING),
        (S.RECORDED, S.SUCCESS),
        (S.FAILED, S.SENDING),
        (S.REFUND_DUE, S.SUCCESS),
    ],
)
def test_illegal_transitions_are_refused(old, new):
    with pytest.raises(IllegalTransition):
        check_transition(old, new)


def test_a_recorded_payment_can_only_be_sent_or_queued_or_found_changed():
    # FAILED: a host that pays its own inquiry quoted another amount; nothing was sent
    assert TRANSITIONS[S.RECORDED] == {S.SENDING, S.QUEUED, S.FAILED}
