"""What makes a queue stuck, and why it is said to be (service/queue_health.py)."""

from datetime import timedelta

import pytest

from loket.clock import parse_iso
from loket.domain.attempts import AttemptState
from loket.domain.outcomes import HOST_HTTP_ERROR, HOST_TOO_SLOW, HOST_UNREACHABLE
from loket.domain.states import PaymentState
from loket.host.digiflazz import codes as digiflazz_codes
from loket.host.iak import codes as iak_codes
from loket.host.native import codes as native_codes
from loket.service.queue_health import STUCK_AFTER, look, reason_of
from loket.store import payments
from loket.store.changes import AttemptChange, HostAnswer, NewAttempt
from loket.store.db import write
from loket.store.opening import open_database
from loket.store.writing import Writing
from tests.factories import payment as make_payment
from tests.factories import set_account

S = PaymentState
TAKEN = "2026-11-21T10:00:05+07:00"


@pytest.fixture
def engine(tmp_path):
    engine = open_database(tmp_path / "loket.db")
    set_account(engine, "kasir1", "246810")
    yield engine
    engine.dispose()


# what each host's adapter makes of a refusal of a payment (the meaning the forwarder stores)
MEANING_OF = {
    "loket": lambda rc: native_codes.meaning("failed", rc, "payment"),
    "digiflazz": lambda rc: digiflazz_codes.meaning("pay", rc),
    "iak": lambda rc: iak_codes.meaning("pay", rc),
}


def taken(engine, ref: str, state: S, rc: str = "", message: str = ""):
    """A payment in ``state`` whose one attempt the native host answered with ``rc``/``message``
    (stored with its meaning, as the forwarder writes it)."""
    payment = payments.record(
        engine, make_payment(str(state), ref_id=ref), actor="kasir1", state=state
    )
    if rc or message:
        with Writing(engine) as w:
            attempt = w.add_attempt(payment.id, NewAttempt(ref, AttemptState.NOT_POSTED, TAKEN))
            meaning = str(MEANING_OF["loket"](rc)) if rc else ""
            w.change_attempt(attempt.id, AttemptChange(answer=HostAnswer(rc, message, meaning)))
    return payment


@pytest.mark.parametrize(
    ("profile", "rc", "said"),
    [
        ("loket", "41", "kunci/jam ditolak host (kode 41)"),
        ("digiflazz", "41", "kunci/jam ditolak host (kode 41)"),
        ("digiflazz", "42", "kunci/jam ditolak host (kode 42)"),
        ("iak", "100", "kunci/jam ditolak host (kode 100)"),
        ("digiflazz", "45", "IP komputer ini belum di-whitelist host (kode 45)"),
        ("iak", "102", "IP komputer ini belum di-whitelist host (kode 102)"),
        ("loket", "44", "ditolak host: Saldo tidak cukup (kode 44)"),
        ("iak", "41", "ditolak host: Saldo tidak cukup (kode 41)"),  # IAK's 41 is not a key
    ],
)
def test_what_the_host_answered_is_the_reason(profile, rc, said):
    assert reason_of(MEANING_OF[profile](rc), rc, "Saldo tidak cukup").text == said


@pytest.mark.parametrize(
    ("message", "said"),
    [
        (HOST_UNREACHABLE, "host tidak dapat dihubungi"),
        (HOST_TOO_SLOW, "host terlalu lama menjawab"),
        (HOST_HTTP_ERROR.format(status=502), "host bermasalah (HTTP 502)"),
    ],
)
def test_no_answer_at_all_is_a_reason_too(message, said):
    found = reason_of("", "", message)
    assert (found.text, found.short) == (said, "host tak menjawab")


def test_a_note_of_loket_own_is_no_reason():
    assert reason_of("", "", "tidak dipakai: tagihan ditanyakan ulang") is None


def test_a_queue_is_stuck_only_once_its_oldest_has_waited_past_the_limit(engine):
    taken(engine, "PAY-1", S.QUEUED)
    taken(engine, "PAY-2", S.UNKNOWN, message=HOST_UNREACHABLE)  # sent, never answered
    at = parse_iso(TAKEN)
    young = look(engine, at + STUCK_AFTER - timedelta(seconds=1))
    assert (young.waiting, young.stuck, young.reason) == (2, False, None)
    assert young.line(at + timedelta(minutes=14)) == (
        "Antrean: 2 pembayaran (Rp 1.505.000) menunggu dikirim, tertua 14 menit"
    )
    old = look(engine, at + timedelta(hours=3))
    assert old.stuck and old.reason.text == "host tidak dapat dihubungi"
    assert old.line(at + timedelta(hours=3)) == (
        "Antrean macet: 2 pembayaran (Rp 1.505.000) belum terkirim, tertua 3 jam — host tidak "
        "dapat dihubungi: periksa koneksi internet dan alamat host"
    )


def test_the_newest_news_is_the_reason_and_none_says_where_to_look(engine):
    taken(engine, "PAY-1", S.REJECTED, rc="41", message="Autentikasi gagal")
    later = parse_iso(TAKEN) + timedelta(hours=1)
    assert look(engine, later).reason.short == "kunci/jam ditolak"
    with write(engine) as conn:  # a later try of it got no answer at all
        conn.exec_driver_sql(
            "UPDATE hostattempt SET rc = '', meaning = 'unknown', message = ?, updated_at = ?",
            (HOST_UNREACHABLE, "2026-11-21T10:30:00+07:00"),
        )
    assert look(engine, later).reason.short == "host tak menjawab"
    with write(engine) as conn:
        conn.exec_driver_sql("DELETE FROM hostattempt")
    quiet = look(engine, later)
    assert quiet.stuck and quiet.reason is None
    assert quiet.detail(later).endswith("tertua 1 jam; jalankan `loket host check`")


def test_a_payment_the_host_refused_is_owed_back_not_waiting(engine):
    taken(engine, "PAY-1", S.REFUND_DUE, rc="54")
    found = look(engine, parse_iso(TAKEN) + timedelta(days=2))
    assert (found.waiting, found.stuck, found.refunds_due) == (0, False, 1)
    assert found.line(parse_iso(TAKEN)) == "Antrean: tidak ada pembayaran yang menunggu dikirim"
    assert found.owed() == (
        "1 pembayaran ditolak host: uang harus dikembalikan ke pelanggan (F6), bukan antrean macet"
    )
