"""The API reference as the real contract: every error an operation can answer, in the shape it is sent.

FastAPI documents a 422 in its own `HTTPValidationError` shape and no other error; the server
answers every error as problem+json (api/problems.py). This customiser rewrites the generated
document once: each operation lists the statuses it can answer with the `Problem` schema,
derived from the route (a key needed → 401/403/429; an id in the path or the input → 404; a write →
409; a body → 400/413; any input → 422) plus `OVERRIDES` for what the route cannot tell. Client
generators and the fuzzer (tests/test_api_fuzz.py) read it.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shopkeeper.api.problems import MEDIA_TYPE
from shopkeeper.idempotency import MAX_KEY_LENGTH

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details. `title` and `detail` follow Accept-Language (English or Chinese); "
                   "`code` is stable and never renamed. Some problems add fields (out-of-stock: `sku_id`, `available`).",
    "required": ["type", "title", "status", "detail", "code", "instance"],
    "properties": {
        "type": {"type": "string", "description": "`/problems/<code>`", "examples": ["/problems/out-of-stock"]},
        "title": {"type": "string", "examples": ["Not enough stock"]},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "examples": [409]},
        "detail": {"type": "string", "examples": ["not enough stock of SKU 7 for 5 more; 3 left"]},
        "code": {"type": "string", "examples": ["out-of-stock"]},
        "instance": {"type": "string", "description": "the path that was called", "examples": ["/api/v1/orders"]},
        "errors": {
            "type": "array",
            "description": "invalid-request only: each field that failed validation",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}

WHY: dict[int, str] = {
    400: "The body cannot be read (not UTF-8 text)",
    401: "No valid API key (or, for the payment callback, no valid signature)",
    403: "The key's role may not do this",
    404: "The object, or one the request names, does not exist or belongs to another tenant",
    409: "The object's state, the stock or existing data refuses the change",
    413: "The request body is larger than allowed",
    415: "The uploaded file's type is not accepted",
    422: "The input is malformed or breaks a rule",
    429: "Too many requests for this key; retry after `Retry-After` seconds",
    503: "The database is busy; try again shortly",
}

# What the route alone cannot tell: (method, path under /api/v1) → statuses to add.
OVERRIDES: dict[tuple[str, str], set[int]] = {
    ("post", "/payments/callback"): {401, 404, 409},  # a signed notification, no key: signature, payment, state
    ("post", "/cases/{case_id}/evidence"): {415},  # evidence of a type not accepted
    ("post", "/coupon-codes/claim"): {404},  # no coupon has the code
    ("get", "/orders/{order_id}/commercial-invoice.pdf"): {409},  # a domestic order has no commercial invoice
    ("get", "/stores/{store_id}/labels.pdf"): {409},  # an order named has no label booked
}

_ID_PARAM = re.compile(r"(^|_)ids?$")
_WRITES = {"post", "put", "patch", "delete"}


def statuses(method: str, operation: dict[str, Any], schema: dict[str, Any], path: str) -> set[int]:
    """The error statuses an operation can answer (the module docstring says how they are derived)."""
    params = operation.get("parameters", [])
    has_body = "requestBody" in operation
    found = {503}
    if operation.get("security"):
        found |= {401, 403, 429}
    if has_body:
        found |= {400, 413}  # 400: a body that cannot be read as text (not UTF-8), before any validation
    if params or has_body:
        found.add(422)
    if any(p["in"] == "path" for p in params) or any(_ID_PARAM.search(p["name"]) for p in params) or _body_names_ids(operation, schema):
        found.add(404)
    if method in _WRITES:
        found.add(409)
    return found | OVERRIDES.get((method, path.removeprefix("/api/v1")), set())


def _body_names_ids(operation: dict[str, Any], schema: dict[str, Any]) -> bool:
    content = operation.get("requestBody", {}).get("content", {})
    return any(_mentions_ids(media.get("schema", {}), schema, set()) for media in content.values())


def _mentions_ids(node: Any, schema: dict[str, Any], seen: set[str]) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return False
            seen.add(name)
            return _mentions_ids(schema["components"]["schemas"].get(name, {}), schema, seen)
        if any(_ID_PARAM.search(key) for key in node.get("properties", {})):
            return True
        return any(_mentions_ids(value, schema, seen) for value in node.values())
    if isinstance(node, list):
        return any(_mentions_ids(value, schema, seen) for value in node)
    return False


def _problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {"description": WHY.get(status, "An error"), "content": {MEDIA_TYPE: {"schema": PROBLEM_REF}}}
    if status == 429:
        response["headers"] = {"Retry-After": {"description": "seconds to wait before retrying",
                                               "schema": {"type": "integer", "minimum": 0}}}
    return response


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a generated document in place: Problem responses, the Idempotency-Key header, no HTTPValidationError."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _WRITES | {"get", "head", "options"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)  # FastAPI's HTTPValidationError shape, never sent
            for status in sorted(statuses(method, operation, schema, path)):
                responses[str(status)] = _problem_response(status)
            _request_example(operation, components)
            for param in operation.get("parameters", []):
                if param["in"] == "header" and param["name"].lower() == "idempotency-key":
                    param["description"] = (f"Any 1–{MAX_KEY_LENGTH} printable characters, new per intended call. A retry with the same key "
                                            "and body returns the first answer (with `Idempotent-Replayed: true`) and changes "
                                            "nothing; the same key with another body is refused (422 idempotency-key-reused).")
                    _replay_header(responses)
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def _request_example(operation: dict[str, Any], components: dict[str, Any]) -> None:
    """Show the body model's first example (schemas.py, `json_schema_extra`) as the request's example."""
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        if "example" in media or "examples" in media:
            continue
        if media_type == "multipart/form-data":
            media["example"] = {"file": "(the file's bytes, e.g. a JPEG photo of the damage)"}
            continue
        schema = media.get("schema", {})
        for ref in [schema.get("$ref")] + [option.get("$ref") for option in schema.get("anyOf", [])]:
            examples = components.get(str(ref).rsplit("/", 1)[-1], {}).get("examples") if ref else None
            if examples:
                media["example"] = examples[0]
                break


def _replay_header(responses: dict[str, Any]) -> None:
    for status, response in responses.items():
        if status.startswith("2"):
            response.setdefault("headers", {})["Idempotent-Replayed"] = {
                "description": "`true` when this is the stored answer to an earlier call with the same Idempotency-Key",
                "schema": {"type": "string", "enum": ["true"]}}


def install(app: FastAPI) -> None:
    """Serve the documented contract at /openapi.json (and the reference pages that read it)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(get_openapi(
                title=app.title, version=app.version, openapi_version=app.openapi_version, description=app.description,
                routes=app.routes, tags=app.openapi_tags, servers=app.servers))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
