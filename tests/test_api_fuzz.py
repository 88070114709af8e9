"""Generated requests from our own OpenAPI schema: the API keeps the contract it documents.

Schemathesis builds requests for every operation in `/openapi.json`, valid ones and ones that break the
schema, and sends them with an operator's, a store's staff's and a buyer's key to a shop with data in it.
Every answer goes through schemathesis' checks (`--checks all`): no 5xx, no status the operation does
not document, no body or header that breaks its documented schema, invalid input refused, valid input
not refused except by a rule. Runs on SQLite only: what it looks for is in the request handling, not the database.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import Failure, FailureGroup

from shopkeeper.db import Database
from shopkeeper.settings import Settings
from support import Shop, examples

pytestmark = pytest.mark.long  # minutes, not seconds: run first (tests/conftest.py)

# examples per operation, role and mode: 6 valid for each of the ~200 operations and 3 roles, and 6 invalid as the
# operator, keeps `make test` inside its budget (tests/README.md); HYPOTHESIS_PROFILE=deep runs ten times as many,
# and SHOPKEEPER_FUZZ_EXAMPLES / SHOPKEEPER_FUZZ_NEGATIVE_EXAMPLES set either number outright
EXAMPLES = {GenerationMode.POSITIVE: int(os.environ.get("SHOPKEEPER_FUZZ_EXAMPLES", examples(6))),
            GenerationMode.NEGATIVE: int(os.environ.get("SHOPKEEPER_FUZZ_NEGATIVE_EXAMPLES", examples(6)))}
# Invalid input is sent with one key only: a key names who is calling (api/deps.py) and roles are checked in the
# services, after FastAPI has validated the request, so a request that breaks the schema gets the same 422 whoever
# sends it (tests/test_bad_input.py holds this); valid input goes with every role, since what it is answered does
# depend on who sends it. Each (role, mode) is a test of its own, so the workers share them.
RUNS = [("operator", GenerationMode.POSITIVE), ("staff", GenerationMode.POSITIVE), ("buyer", GenerationMode.POSITIVE),
        ("operator", GenerationMode.NEGATIVE)]

# Checks left out, each with its reason (all others run):
EXCLUDED = {
    # Both re-send to objects a stateful run created; a run of independent cases has none, so they never apply.
    "use_after_free", "ensure_resource_availability",
}
# Valid-by-schema input may still be refused by a business rule (409, or 422 `invalid-input`: a currency that is
# not ISO 4217) or by a cross-field rule a JSON schema cannot state (422 `invalid-request` from a model validator:
# "a cash coupon needs amount_off"); so valid input may be answered 422, by design, but never 400, 413 or 415.
CONFIG = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]}}})


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    return sqlite_db


@pytest.fixture(name="settings")  # the app's settings; `settings` here is hypothesis's
def app_settings(db: Database) -> Settings:
    """Hundreds of requests a minute with one key, and schemathesis' invalid-key probes from one address: the per-key
    and the failed-sign-in limits would answer them 429, unprobed (tests/test_rate_limits.py tests the limits)."""
    return Settings(database_url=db.url, api_requests_per_minute=100_000, failed_sign_ins_per_minute=100_000)


def _checks() -> list[Any]:
    load_all_checks()
    return [check for check in CHECKS.get_all() if getattr(check, "__name__", "") not in EXCLUDED]


@pytest.mark.parametrize(("role", "mode"), RUNS, ids=[f"{role}-{mode.value}" for role, mode in RUNS])
def test_every_answer_keeps_the_documented_contract(api, role: str, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    shop = Shop(api)
    shop.order((shop.skus[0], 1))
    key = {"operator": api.key, "staff": shop.staff.key, "buyer": shop.shopper.key}[role]
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app, config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    checks = _checks()
    failures: dict[str, str] = {}
    for operation in operations:
        # the key is fixed, not generated: an invalid Authorization would only test the key, and be replaced
        strategy = operation.as_strategy(generation_mode=mode, headers={"Authorization": f"Bearer {key}"})
        if mode is GenerationMode.NEGATIVE:
            strategy = strategy.filter(_query_survives_serialization)

        @settings(max_examples=EXAMPLES[mode], deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def probe(case) -> None:  # type: ignore[no-untyped-def]
            headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}
            try:
                # a generous timeout: a slow answer on a busy shared machine is not what this test looks for
                case.call_and_validate(headers=headers, checks=checks, timeout=120)
            except FailureGroup as group:
                for failure in group.exceptions:
                    _record(failures, case, failure)
            except AssertionError as exc:
                failures.setdefault(f"{case.method} {case.path}: {str(exc)[:160]}", f"{case.body!r}"[:300])

        try:
            probe()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing in this operation's input can be made invalid
    assert failures == {}, "\n".join(f"{k}\n    e.g. {v}" for k, v in sorted(failures.items()))


def _query_survives_serialization(case: Any) -> bool:
    """An object given as a query parameter's value is sent as other parameters (`?ü=null`, form style) and the
    parameter itself goes missing, which is valid when it is optional; unknown query parameters are ignored by
    design, so such a case is not invalid input when it arrives."""
    return not any(isinstance(value, dict) for value in (case.query or {}).values())


def _record(failures: dict[str, str], case: Any, failure: Failure) -> None:
    failures.setdefault(f"{case.method} {case.path}: {failure.title}: {failure.message[:200]}",
                        f"{case.formatted_path} {case.query!r} {case.body!r}"[:300])
