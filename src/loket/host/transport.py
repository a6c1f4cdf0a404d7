"""HTTP to the host with a total deadline and a bounded body.

httpx's time-outs are per operation: a host that drips one byte a second (in the headers or the
body) never trips a read time-out, and nothing in httpx bounds the whole exchange (encode/httpx
#1450). So the network backend here wraps httpcore's own (``ConnectionPool(network_backend=…)``,
the documented extension point) and gives every connect, read and write at most the time left
before the call's deadline; the deadline is set per call with ``deadline()`` in the calling
thread. The body is read raw, capped before and after decompression, so neither a huge reply nor
a gzip bomb is ever held in memory.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time
import zlib
from collections.abc import AsyncIterable, Callable, Iterable, Iterator
from contextvars import ContextVar
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore
import httpx

from loket.domain.outcomes import (
    HOST_GARBLED,
    HOST_HTTP_ERROR,
    HOST_TOO_LARGE,
    HOST_TOO_SLOW,
    HOST_UNREACHABLE,
)

log = logging.getLogger("loket.host")
MAX_BODY_BYTES = 256 * 1024

_deadline: ContextVar[float | None] = ContextVar("loket_host_deadline", default=None)


class DeadlinePassed(Exception):
    """The call's total deadline passed (httpx's own errors mean the same; this is ours)."""


class BodyRefused(Exception):
    """A body truncated, or in an encoding we did not ask for."""


class BodyTooLarge(BodyRefused):
    """More than the cap, raw or decoded."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Every network operation inside finishes by ``now + seconds`` (monotonic) or times out."""
    at = time.monotonic() + seconds
    token = _deadline.set(at)
    try:
        yield at
    finally:
        _deadline.reset(token)


def _budget(timeout: float | None, expired: type[Exception]) -> float | None:
    at = _deadline.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise expired("the host call's total deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _budget(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _budget(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(
            ssl_context, server_hostname, _budget(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _budget(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(
            path, _budget(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


# httpcore's errors as httpx's, by name (they mirror each other); anything else is a transport error.
_HTTPCORE_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ProxyError,
)


@contextlib.contextmanager
def _as_httpx() -> Iterator[None]:
    try:
        yield
    except _HTTPCORE_ERRORS as exc:
        raise getattr(httpx, type(exc).__name__, httpx.TransportError)(str(exc)) from exc


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes] | AsyncIterable[bytes]) -> None:
        # a sync pool's answer: iterable and closable (httpcore types it as a union)
        self._stream: Any = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx():
            yield from self._stream

    def close(self) -> None:
        with _as_httpx():
            self._stream.close()


class DeadlineTransport(httpx.BaseTransport):
    """httpx's plain HTTP/1.1 transport, on a network backend that keeps the call's deadline.

    No proxies from the environment (a counter talks to its host directly)."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None, keepalive_expiry: float = 5.0):
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            keepalive_expiry=keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx():
            answer = self._pool.handle_request(core)
        return httpx.Response(
            answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def read_capped(response: httpx.Response, at: float, cap: int = MAX_BODY_BYTES) -> bytes:
    """The decoded body of a streamed response, refusing more than ``cap`` bytes either raw or
    decoded, a gzip stream that is truncated or has trailing bytes, and any other encoding.

    Raises ``BodyRefused`` (``BodyTooLarge``), ``DeadlinePassed`` or an ``httpx.HTTPError``.
    """
    if response.is_stream_consumed:  # already in memory (a test double's reply), decoded
        if len(response.content) > cap:
            raise BodyTooLarge("body over the cap")
        return response.content
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge(f"declared {declared} bytes")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise BodyRefused(f"content-encoding {encoding!r}")
    gunzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding != "identity" else None
    raw_size, body = 0, bytearray()
    for chunk in response.iter_raw():
        raw_size += len(chunk)
        if raw_size > cap:
            raise BodyTooLarge("raw body over the cap")
        if gunzip is None:
            body += chunk
        else:
            try:
                body += gunzip.decompress(chunk, cap + 1 - len(body))
            except zlib.error as exc:
                raise BodyRefused("bad gzip") from exc
            if gunzip.unconsumed_tail:
                raise BodyTooLarge("decoded body over the cap")
        if len(body) > cap:
            raise BodyTooLarge("body over the cap")
        if time.monotonic() > at:
            raise DeadlinePassed
    if gunzip is not None and (not gunzip.eof or gunzip.unused_data):
        raise BodyRefused("gzip stream truncated or followed by garbage")
    return bytes(body)


class NoAnswer(Exception):
    """No reply to judge; ``args[0]`` is what the cashier is told."""


def exchange(
    http: httpx.Client,
    build: Callable[[], httpx.Request],
    total_s: float,
    *,
    accept: Callable[[int], bool],
    cap: int = MAX_BODY_BYTES,
    seen: Callable[[httpx.Response], None] | None = None,
    what: str = "host call",
) -> tuple[int, str, bytes]:
    """One request within a total deadline: ``(http status, content type, body)`` of an answer
    whose status ``accept`` takes, or ``NoAnswer`` saying why there was none. Every adapter's
    wire goes through here, so every host is given up on the same way, whatever the wire did.
    ``seen`` looks at the answer's headers (a host's clock) before its status is judged."""
    with deadline(total_s) as at:
        try:
            response = http.send(build(), stream=True)
            try:
                if seen is not None:
                    seen(response)
                if not accept(response.status_code):
                    raise NoAnswer(HOST_HTTP_ERROR.format(status=response.status_code))
                content = read_capped(response, at, cap)
            finally:
                response.close()
        except NoAnswer:
            raise
        except (httpx.TimeoutException, DeadlinePassed):
            raise NoAnswer(HOST_TOO_SLOW) from None
        except BodyTooLarge:
            raise NoAnswer(HOST_TOO_LARGE) from None
        except BodyRefused:
            raise NoAnswer(HOST_GARBLED) from None
        except (httpx.HTTPError, httpx.InvalidURL, OSError):
            raise NoAnswer(HOST_UNREACHABLE) from None
        except Exception as exc:  # the contract: every call answers, whatever the wire did
            log.warning("%s failed: %s", what, type(exc).__name__)
            raise NoAnswer(HOST_UNREACHABLE) from None
    if time.monotonic() > at:  # finished, but too late to be trusted as on time
        raise NoAnswer(HOST_TOO_SLOW)
    return response.status_code, response.headers.get("content-type", ""), content


class SeesHostClock:
    """Remembers the host's clock from its answers' HTTP ``Date`` (``loket host check``)."""

    last_date: datetime | None = None

    def saw(self, response: httpx.Response) -> None:
        header = response.headers.get("date", "")
        try:
            when = parsedate_to_datetime(header) if header else None
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None and when.tzinfo is not None:
            self.last_date = when
