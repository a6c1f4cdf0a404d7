"""Request signing for the native protocol (shared by the client and the simulator)."""

from __future__ import annotations

import hashlib
import hmac

MAX_SKEW_S = 300


def signature(key: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    """HMAC-SHA256 over ``TIMESTAMP\\nMETHOD\\nPATH\\nhex(sha256(body))``, lowercase hex."""
    message = "\n".join([timestamp, method.upper(), path, hashlib.sha256(body).hexdigest()])
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_headers(agent_id: str, key: str, method: str, path: str, body: bytes, now: int) -> dict:
    ts = str(now)
    return {
        "X-Loket-Agent": agent_id,
        "X-Loket-Timestamp": ts,
        "X-Loket-Signature": signature(key, ts, method, path, body),
    }


def verify(key: str, headers: dict, method: str, path: str, body: bytes, now: int) -> bool:
    ts = headers.get("x-loket-timestamp", "")
    given = headers.get("x-loket-signature", "")
    if not ts.isdigit() or abs(now - int(ts)) > MAX_SKEW_S:
        return False
    return hmac.compare_digest(given, signature(key, ts, method, path, body))
