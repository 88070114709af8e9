"""Generated requests from our own OpenAPI schema: whatever arrives, never a 500.

Schemathesis builds requests for every operation in `/openapi.json` and sends
them with an operator's, a store's staff's and a buyer's key to a shop with data in it; every answer must be
below 500, and every error must be problem+json. Runs on SQLite only: what it
looks for is in the request handling, not the database.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from shopkeeper.db import Database
from shopkeeper.settings import Settings
from support import Shop

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    return sqlite_db


@pytest.fixture(name="settings")  # the app's settings; `settings` here is hypothesis's
def app_settings(db: Database) -> Settings:
    """Hundreds of requests a minute with one key: the per-key limit would answer most of them 429, unprobed."""
    return Settings(database_url=db.url, api_requests_per_minute=100_000)


@pytest.mark.parametrize("role", ["operator", "staff", "buyer"])
def test_no_generated_request_gets_a_server_error(api, role: str) -> None:  # type: ignore[no-untyped-def]
    shop = Shop(api)
    shop.order((shop.skus[0], 1))
    key = {"operator": api.key, "staff": shop.staff.key, "buyer": shop.shopper.key}[role]
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    failures: list[str] = []
    for operation in operations:

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def probe(case) -> None:  # type: ignore[no-untyped-def]
            # a generous timeout: a slow answer on a busy shared machine is not what this test looks for
            response = case.call(headers={**(case.headers or {}), "Authorization": f"Bearer {key}"}, timeout=120)
            content_type = response.headers.get("content-type") or [""]
            problem_json = (content_type[0] if isinstance(content_type, list) else content_type) == "application/problem+json"
            if response.status_code >= 500 or (response.status_code >= 400 and not problem_json):
                failures.append(f"{case.method} {case.formatted_path} {case.body!r} → {response.status_code} {response.headers.get('content-type')}: {response.text[:300]}")

        probe()
    assert failures == [], "\n".join(sorted(set(f.split(" ", 2)[0] + " " + f.split(" ", 2)[1] + " " + f.split("→", 1)[1][:160] for f in failures)))
