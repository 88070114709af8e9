"""The API reference is the contract: every operation says what it does, shows a request and lists its errors."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from shopkeeper.composition import create_app
from shopkeeper.db import Database

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    with TestClient(create_app(Database("sqlite://"))) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]


def test_there_are_operations_to_check(document: dict[str, Any]) -> None:
    assert len(_operations(document)) > 90


def test_every_operation_has_a_summary_and_a_description(document: dict[str, Any]) -> None:
    missing = [f"{m.upper()} {p}" for m, p, op in _operations(document) if not op.get("summary") or not op.get("description", "").strip()]
    assert missing == []


def test_every_body_has_an_example_that_fits_its_schema(document: dict[str, Any]) -> None:
    missing, invalid = [], []
    for method, path, operation in _operations(document):
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            if "example" not in media:
                missing.append(f"{method.upper()} {path}")
            elif media_type == "application/json":
                schema = {**media["schema"], "components": document["components"]}
                errors = [e.message for e in jsonschema_rs.Draft202012Validator(schema).iter_errors(media["example"])]
                if errors:
                    invalid.append(f"{method.upper()} {path}: {errors[:2]}")
    assert missing == [] and invalid == []


def test_errors_are_documented_as_problem_json(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code", "instance"}
    assert "errors" in problem["properties"]
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert list(response["content"]) == ["application/problem+json"], (method, path, status)
                assert response["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_no_fastapi_default_validation_error_is_left(document: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in str(document)
    assert "ValidationError" not in document["components"]["schemas"]


def _statuses(operation: dict[str, Any]) -> set[int]:
    return {int(s) for s in operation["responses"] if s.isdigit()}


def test_statuses_follow_the_route(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        statuses = _statuses(operation)
        if operation.get("security"):
            assert {401, 403, 429} <= statuses, (method, path)
            assert "Retry-After" in operation["responses"]["429"]["headers"]
        if "{" in path:
            assert 404 in statuses, (method, path)
        if "requestBody" in operation:
            assert {413, 422} <= statuses, (method, path)
        if method != "get":
            assert 409 in statuses, (method, path)
    paths = document["paths"]
    assert _statuses(paths["/api/v1/health"]["get"]) == {200, 503}
    assert 401 in _statuses(paths["/api/v1/payments/callback"]["post"])
    assert 415 in _statuses(paths["/api/v1/cases/{case_id}/evidence"]["post"])
    assert 404 in _statuses(paths["/api/v1/orders"]["post"])  # the body names a store, an address and SKUs


def test_idempotency_key_is_explained_where_routes_take_it(document: dict[str, Any]) -> None:
    taking = [(m, p, op) for m, p, op in _operations(document)
              if any(param["name"] == "Idempotency-Key" for param in op.get("parameters", []))]
    assert len(taking) >= 3
    for method, path, operation in taking:
        header = next(param for param in operation["parameters"] if param["name"] == "Idempotency-Key")
        assert "retry" in header["description"].lower()
        success = next(r for s, r in operation["responses"].items() if s.startswith("2"))
        assert "Idempotent-Replayed" in success["headers"], (method, path)


def _subclasses(cls: type) -> list[type]:
    return [cls] + [s for sub in cls.__subclasses__() for s in _subclasses(sub)]


def test_every_example_passes_its_models_own_checks(document: dict[str, Any]) -> None:
    """The schema cannot state cross-field rules (a cash coupon needs amount_off); the model's validators can."""
    from shopkeeper.api.schemas import In

    checked = 0
    for model in _subclasses(In):
        extra = model.model_config.get("json_schema_extra")
        for example in (extra.get("examples", []) if isinstance(extra, dict) else []):
            model.model_validate(example)
            checked += 1
    assert checked >= 40
