"""The OpenAPI document served at ``/openapi.json``, kept by hand beside the routes (a test checks
that every route is in it and nothing else is)."""

from __future__ import annotations

from loket import __version__
from loket.service.pos import PRINTED_MEANS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


ERRORS = {
    "400": _json(
        "Error", "bad_json, bad_request, idempotency_key_missing/invalid, unsupported_format"
    ),
    "401": _json("Error", "unauthorized: no or wrong bearer token"),
    "403": _json(
        "Error",
        "origin_not_allowed: sent by a web page whose origin is not in "
        "[serve] allowed_origins (a POS program sends no Origin header)",
    ),
    "413": _json("Error", "body_too_large"),
    "421": _json(
        "Error",
        "host_not_allowed: the Host header is not the address and port "
        "loket serve listens on (127.0.0.1, localhost, [::1] or its --host)",
    ),
    "500": _json("Error", "internal"),
    "503": _json("Error", "storage: the database or the disk cannot do it"),
}
DOOR = {code: ERRORS[code] for code in ("403", "421")}  # asked before the token, of every request
REF = {"name": "ref_id", "in": "path", "required": True, "schema": {"type": "string"}}
INT = {"type": "integer", "minimum": 0}
STR = {"type": "string"}


def _op(
    summary: str,
    ok: dict,
    *,
    body: str | None = None,
    params: list | None = None,
    errors: tuple[str, ...] = (),
) -> dict:
    op: dict = {"summary": summary, "responses": {"200": ok, **ERRORS}}
    for code in errors:
        op["responses"][code] = _json(
            "Error",
            {
                "404": "not_found",
                "409": "idempotency_key_reused or no_receipt",
                "422": "not_paid (nothing recorded) or refused",
            }[code],
        )
    if body:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    if params:
        op["parameters"] = params
    return op


PAYMENT = {
    "type": "object",
    "description": "The same fields as `loket pay --json`; amounts in whole rupiah.",
    "properties": {
        "state": {
            "type": "string",
            "enum": [
                "RECORDED",
                "QUEUED",
                "SENDING",
                "PENDING",
                "UNKNOWN",
                "SUCCESS",
                "REJECTED",
                "FAILED",
                "REFUND_DUE",
                "REFUNDED",
            ],
        },
        "state_label": STR,
        "ref_id": STR,
        "sn": STR,
        "customer_no": STR,
        "va_no": STR,
        "periods": {"type": "array", "items": STR},
        "premium": INT,
        "admin_fee": INT,
        "total": INT,
        "cash": INT,
        "change": INT,
        "rc": STR,
        "message": STR,
        "printed": {"type": ["boolean", "null"], "description": PRINTED_MEANS},
        "print_message": {"type": "string", "description": "what was printed, or why nothing"},
        "replayed": {
            "type": "boolean",
            "description": "answered from an earlier request with the same Idempotency-Key",
        },
    },
}
SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": STR, "message": {"type": "string", "description": "Indonesian"}},
    },
    "InquiryRequest": {
        "type": "object",
        "required": ["number"],
        "additionalProperties": False,
        "properties": {"number": STR, "months_ahead": INT},
    },
    "PayRequest": {
        "type": "object",
        "required": ["number", "cash"],
        "additionalProperties": False,
        "properties": {"number": STR, "cash": INT, "months_ahead": INT},
    },
    "Inquiry": {
        "type": "object",
        "description": "The same fields as `loket inquiry --json`.",
        "properties": {
            "ok": {"type": "boolean"},
            "rc": STR,
            "message": STR,
            "offline": {"type": "boolean"},
            "bill": {"type": "object"},
        },
    },
    "Payment": PAYMENT,
    "Reprint": {
        "type": "object",
        "properties": {
            "ref_id": STR,
            "printed": {"type": "boolean", "description": PRINTED_MEANS},
            "print_message": STR,
        },
    },
    "Queue": {
        "type": "object",
        "properties": {
            "count": INT,
            "amount": INT,
            "waiting_to_send": INT,
            "at_host": INT,
            "payments": {"type": "array", "items": _ref("Payment")},
        },
    },
}
RECEIPT = {
    "description": "the slip as it stands now",
    "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "text/plain": {"schema": STR},
        "image/png": {"schema": {"type": "string", "format": "binary"}},
        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    },
}


def document() -> dict:
    key = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": True,
        "description": "the POS's own id for this payment (8-200 printable ASCII characters, "
        "e.g. a UUID); the same key always answers with the same payment",
        "schema": STR,
    }
    kind = {
        "name": "format",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["escpos", "text", "png", "pdf"], "default": "text"},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "loket serve",
            "version": __version__,
            "description": "The counter's local API for the shop's own POS.",
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/inquiry": {
                "post": _op("A family's bill", _json("Inquiry", "the bill"), body="InquiryRequest")
            },
            "/v1/payments": {
                "post": _op(
                    "Pay a family's bill, once per Idempotency-Key",
                    _json("Payment", "the payment, in whatever state"),
                    body="PayRequest",
                    params=[key],
                    errors=("409", "422"),
                )
            },
            "/v1/payments/{ref_id}": {
                "get": _op(
                    "A payment's status",
                    _json("Payment", "the payment"),
                    params=[REF],
                    errors=("404",),
                )
            },
            "/v1/payments/{ref_id}/receipt": {
                "get": _op("The receipt", RECEIPT, params=[REF, kind], errors=("404", "409"))
            },
            "/v1/payments/{ref_id}/reprint": {
                "post": _op(
                    "Print the receipt again on the counter's printer (CETAK ULANG KE-n)",
                    _json("Reprint", "what the printer did"),
                    params=[REF],
                    errors=("404",),
                )
            },
            "/v1/queue": {
                "get": _op(
                    "This POS's payments the host has not made final", _json("Queue", "the queue")
                )
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1"}, **DOOR},
                }
            },
        },
    }
