"""Every host call ends by its total deadline, however slowly the host drips its reply."""

import socket
import time

import httpx
import pytest

from loket.domain.outcomes import HOST_TOO_SLOW, Outcome
from loket.host.native.client import NativeHost
from tests.hostile.server import HostileHost
from tests.unit.test_host_replies import REQUEST


@pytest.fixture
def hostile():
    server = HostileHost().start()
    yield server
    server.stop()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_the_drip_server_really_stays_inside_every_per_read_time_out(hostile):
    """Without a total deadline the drip is never timed out: httpx's own 1 s read time-out
    holds for 3 s and more while the body trickles in (this is what hung ``loket pay``)."""
    hostile.set("drip_body", on=["payment"])
    body = b'{"ref_id":"PAY-1","customer_no":"0001000000011","months_ahead":0,"amount":105000}'
    got = b""
    with (
        httpx.Client(timeout=1.0) as plain,
        plain.stream("POST", hostile.url + "/v1/payment", content=body) as response,
    ):
        started = time.monotonic()
        for chunk in response.iter_raw():
            got += chunk
            if time.monotonic() - started > 3:
                break
    assert time.monotonic() - started > 3 and 5 < len(got) < 100  # still dripping


@pytest.mark.parametrize("mode", ["drip_headers", "drip_body"])
def test_a_dripping_host_is_given_up_at_the_deadline(hostile, mode):
    hostile.set(mode, on=["payment", "status", "inquiry"])
    host = NativeHost(hostile.url, "AGT-TEST", "k", connect_timeout_s=0.5, read_timeout_s=1.0)
    for call in (
        lambda: host.payment(REQUEST),
        lambda: host.status("PAY-1"),
        lambda: host.inquiry("INQ-1", "0001000000011"),
    ):
        reply, took = timed(call)
        assert (reply.outcome, reply.message) == (Outcome.UNKNOWN, HOST_TOO_SLOW)
        # 0.5 + 1.0 s (generous above, for a busy machine), not the 400 s the drip would take
        assert 1.3 < took < 8.0, took
    hostile.set("good")
    assert host.payment(REQUEST).outcome is Outcome.SUCCESS  # the next call is unharmed


def test_a_separate_total_deadline_cuts_one_long_silent_read(hostile):
    """A host that accepts the connection and says nothing: the read time-out is 10 s, the total
    deadline 1 s wins."""
    with socket.socket() as mute:
        mute.bind(("127.0.0.1", 0))
        mute.listen(8)  # connections complete in the kernel; nothing is ever read or sent
        url = f"http://127.0.0.1:{mute.getsockname()[1]}"
        host = NativeHost(
            url, "AGT-TEST", "k", connect_timeout_s=1, read_timeout_s=10, total_timeout_s=1.0
        )
        reply, took = timed(lambda: host.payment(REQUEST))
    assert (reply.outcome, reply.message) == (Outcome.UNKNOWN, HOST_TOO_SLOW)
    assert 0.9 < took < 6.0, took  # not the 10 s read time-out


def test_health_has_the_deadline_too(hostile):
    with socket.socket() as mute:
        mute.bind(("127.0.0.1", 0))
        mute.listen(8)
        host = NativeHost(
            f"http://127.0.0.1:{mute.getsockname()[1]}",
            "A",
            "k",
            connect_timeout_s=0.5,
            read_timeout_s=30,
            total_timeout_s=0.8,
        )
        healthy, took = timed(host.health)
    assert healthy is False and took < 6.0  # not the 30 s read time-out
