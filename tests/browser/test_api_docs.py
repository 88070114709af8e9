"""The API reference renders in a browser that has no way out to the internet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Console

pytestmark = pytest.mark.browser


def test_docs_page_lists_the_operations(page: Any, console: Console) -> None:
    page.goto("/docs")
    # Swagger UI builds the page from /openapi.json (some 200 operations) in the browser: on a busy shared machine that
    # takes a while, and how long is not what this test looks for
    page.locator(".opblock").first.wait_for(timeout=90_000)
    text = page.locator("body").inner_text()
    assert "Shopkeeper" in text and "/api/v1/orders" in text and "/api/v1/payments/callback" in text
