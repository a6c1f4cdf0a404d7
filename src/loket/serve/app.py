"""The local API's HTTP face: bearer token, strict JSON in, the POS desk's answers out.

Every answer is JSON (a receipt aside); every refusal is ``{"code": stable, "message":
Indonesian}`` with an HTTP status that fits it. Nothing here decides anything about money: it
parses, asks ``service/pos.py`` on a worker thread, and says what came back.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from loket.errors import LoketError, StorageError
from loket.serve.door import Door
from loket.serve.openapi import document
from loket.service.pos import PosDesk, PosError

log = logging.getLogger("loket.serve")

MAX_BODY = 16_384  # a request is a few hundred bytes
STATUS = {
    "bad_json": 400,
    "bad_request": 400,
    "idempotency_key_missing": 400,
    "idempotency_key_invalid": 400,
    "unsupported_format": 400,
    "unauthorized": 401,
    "origin_not_allowed": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "idempotency_key_reused": 409,
    "no_receipt": 409,
    "body_too_large": 413,
    "host_not_allowed": 421,
    "not_paid": 422,
    "refused": 422,
    "internal": 500,
    "storage": 503,
}


def error(code: str, message: str, **detail) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if code == "unauthorized" else None
    return JSONResponse(
        {"code": code, "message": message, **detail}, status_code=STATUS[code], headers=headers
    )


class BadRequest(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


async def _body(request: Request, fields: dict[str, tuple[type, bool]]) -> dict:
    """The JSON object sent, strictly: known fields of the right type, the required ones there."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise BadRequest("body_too_large", f"Isi permintaan lebih dari {MAX_BODY} byte")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise BadRequest("body_too_large", f"Isi permintaan lebih dari {MAX_BODY} byte")
    try:
        data = json.loads(bytes(raw).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("bad_json", "Isi permintaan bukan JSON yang sah") from None
    if not isinstance(data, dict):
        raise BadRequest("bad_json", "Isi permintaan harus objek JSON")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise BadRequest("bad_request", f"Kolom tidak dikenal: {', '.join(unknown)[:80]}")
    for name, (kind, required) in fields.items():
        if name not in data:
            if required:
                raise BadRequest("bad_request", f"Kolom {name} wajib diisi")
            continue
        value = data[name]
        if type(value) is not kind:  # strict: no bool for int, no "110000" for 110000
            word = "bilangan bulat" if kind is int else "teks"
            raise BadRequest("bad_request", f"Kolom {name} harus {word}")
        if isinstance(value, str) and not 0 < len(value) <= 64:
            raise BadRequest("bad_request", f"Kolom {name} harus 1-64 karakter")
        if isinstance(value, int) and not 0 <= value <= 10**12:
            raise BadRequest("bad_request", f"Kolom {name} di luar batas")
    return data


class Doorkeeper:
    """Refuses, before the token is even looked at, what ``Door`` does not let in."""

    def __init__(self, app: ASGIApp, door: Door) -> None:
        self.app = app
        self.door = door

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refused = self.door.refusal(Headers(scope=scope))
            if refused:
                await error(*refused)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(desk: PosDesk, token: str, door: Door) -> Starlette:
    expected = f"Bearer {token}".encode()

    async def answer(request: Request, call) -> Response:
        if not hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
            return error("unauthorized", "Token tidak ada atau salah (Authorization: Bearer ...)")
        try:
            result = await call()
        except BadRequest as exc:
            return error(exc.code, str(exc))
        except ClientDisconnect:  # gone before its body arrived (or closed for being too slow)
            return Response(status_code=400)  # nobody reads it: not a bug to log
        except PosError as exc:
            return error(exc.code, str(exc), **exc.detail)
        except StorageError as exc:
            return error("storage", str(exc))
        except LoketError as exc:  # the POS account missing or closed, a configuration matter
            return error("refused", str(exc))
        except Exception:
            log.exception("loket serve: %s %s", request.method, request.url.path)
            return error("internal", "Terjadi kesalahan tak terduga; rinciannya di log loket")
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    async def inquiry(request: Request) -> Response:
        async def call():
            body = await _body(request, {"number": (str, True), "months_ahead": (int, False)})
            return await run_in_threadpool(
                desk.inquire, body["number"], body.get("months_ahead", 0)
            )

        return await answer(request, call)

    async def pay(request: Request) -> Response:
        async def call():
            key = request.headers.get("idempotency-key")
            if key is None:
                raise BadRequest(
                    "idempotency_key_missing",
                    "Header Idempotency-Key wajib diisi: "
                    "kunci yang sama untuk setiap pengulangan pembayaran yang sama",
                )
            body = await _body(
                request, {"number": (str, True), "cash": (int, True), "months_ahead": (int, False)}
            )
            return await run_in_threadpool(
                desk.pay, key, body["number"], body["cash"], body.get("months_ahead", 0)
            )

        return await answer(request, call)

    async def status(request: Request) -> Response:
        async def call():
            return await run_in_threadpool(desk.status, request.path_params["ref_id"])

        return await answer(request, call)

    async def receipt(request: Request) -> Response:
        async def call():
            kind = request.query_params.get("format", "text")
            content, media = await run_in_threadpool(
                desk.receipt, request.path_params["ref_id"], kind
            )
            return Response(content, media_type=media)

        return await answer(request, call)

    async def reprint(request: Request) -> Response:
        async def call():
            return await run_in_threadpool(desk.reprint, request.path_params["ref_id"])

        return await answer(request, call)

    async def queue(request: Request) -> Response:
        async def call():
            return await run_in_threadpool(desk.queue)

        return await answer(request, call)

    async def openapi(_request: Request) -> Response:
        return JSONResponse(document())

    async def http_error(_request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code == 405:
            return error("method_not_allowed", "Metode HTTP ini tidak dipakai di alamat ini")
        return error("not_found", "Alamat tidak dikenal; daftarnya di /openapi.json")

    routes = [
        Route("/v1/inquiry", inquiry, methods=["POST"]),
        Route("/v1/payments", pay, methods=["POST"]),
        Route("/v1/payments/{ref_id}", status, methods=["GET"]),
        Route("/v1/payments/{ref_id}/receipt", receipt, methods=["GET"]),
        Route("/v1/payments/{ref_id}/reprint", reprint, methods=["POST"]),
        Route("/v1/queue", queue, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    middleware = [Middleware(Doorkeeper, door=door)]
    if door.origins:  # a web front the owner allowed: its browser asks first (CORS preflight)
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=sorted(door.origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
                max_age=600,
            )
        )
    return Starlette(
        routes=routes, middleware=middleware, exception_handlers={HTTPException: http_error}
    )
