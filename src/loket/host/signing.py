"""Request signing for the native protocol (shared by the client and the simulator).

The signature covers the timestamp (to the second), the method, the request target as sent (path
and query) and the body. The host refuses a signature it has already accepted within the window,
so the client must never send two requests with the same signature: ``Stamps`` gives two
otherwise identical requests (the same status query twice within a second) different timestamps.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import threading
import time
from collections.abc import Callable, Mapping

MAX_SKEW_S = 300
MAX_AHEAD_S = 5  # how far ahead of the clock a timestamp may run before the caller waits


def signature(key: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    """HMAC-SHA256 over ``TIMESTAMP\\nMETHOD\\nPATH\\nhex(sha256(body))``, lowercase hex.

    ``path`` is the request target as sent: path, and ``?query`` when there is one."""
    message = "\n".join([timestamp, method.upper(), path, hashlib.sha256(body).hexdigest()])
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_headers(
    agent_id: str, key: str, method: str, path: str, body: bytes, now: int
) -> dict[str, str]:
    ts = str(now)
    return {
        "X-Loket-Agent": agent_id,
        "X-Loket-Timestamp": ts,
        "X-Loket-Signature": signature(key, ts, method, path, body),
    }


def verify(
    key: str, headers: Mapping[str, str], method: str, path: str, body: bytes, now: int
) -> bool:
    ts = headers.get("x-loket-timestamp", "")
    given = headers.get("x-loket-signature", "")
    if not ts.isascii() or not ts.isdigit() or abs(now - int(ts)) > MAX_SKEW_S:
        return False
    return hmac.compare_digest(given, signature(key, ts, method, path, body))


class Stamps:
    """Timestamps that never repeat for the same request (agent, method, URL, body).

    Nonce-free: the protocol has no nonce field, so a repeat within the same second is sent
    with the next second instead (the host allows ``MAX_SKEW_S`` either way). A burst of
    identical requests may run at most ``MAX_AHEAD_S`` ahead of the clock; past that the caller
    waits for the clock to catch up. One instance per process is shared by every client, so two
    clients of the same host do not collide either. Other processes are not seen: two processes
    sending the very same request in the same second collide, and the second is refused as a
    replay (rc 41: nothing recorded); the native adapter then sends it once more, which this
    instance stamps a second later.
    """

    def __init__(
        self, clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._last: dict[bytes, int] = {}
        self._lock = threading.Lock()

    def issue(self, agent_id: str, method: str, url: str, body: bytes) -> int:
        """The timestamp to sign ``method url`` with ``body``; ``url`` is the whole URL, so that
        the same request to two hosts is not paced."""
        fingerprint = hashlib.sha256(
            b"\n".join(
                [
                    agent_id.encode(),
                    method.upper().encode(),
                    url.encode(),
                    hashlib.sha256(body).digest(),
                ]
            )
        ).digest()
        while True:
            now = self._clock()
            second = int(now)
            with self._lock:
                stamp = max(second, self._last.get(fingerprint, second - 1) + 1)
                if stamp - second <= MAX_AHEAD_S:
                    self._last[fingerprint] = stamp
                    if len(self._last) > 256:  # forget what can no longer collide
                        self._last = {k: v for k, v in self._last.items() if v >= second}
                    return stamp
            self._sleep(stamp - MAX_AHEAD_S - now)


STAMPS = Stamps()


class SeenSignatures:
    """The host's memory of accepted signatures, for as long as their timestamp is valid.

    A signature carries its timestamp, and a timestamp is valid for ``MAX_SKEW_S`` either side of
    the host's clock; once it has expired, a replay is refused for its age anyway, so the entry
    is dropped. Memory is bounded by the agent's request rate over that window.
    """

    def __init__(self) -> None:
        self._expiry: dict[str, int] = {}
        self._queue: list[tuple[int, str]] = []
        self._lock = threading.Lock()

    def first_time(self, signature_hex: str, timestamp: int, now: int) -> bool:
        """Remember a verified signature; False if it was already accepted (a replay)."""
        with self._lock:
            while self._queue and self._queue[0][0] < now:
                _expires, old = heapq.heappop(self._queue)
                self._expiry.pop(old, None)
            if signature_hex in self._expiry:
                return False
            expires = timestamp + MAX_SKEW_S
            self._expiry[signature_hex] = expires
            heapq.heappush(self._queue, (expires, signature_hex))
            return True

    def __len__(self) -> int:
        return len(self._expiry)
