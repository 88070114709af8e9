"""The application as a whole: what it serves besides the domain routes."""

from __future__ import annotations


def test_api_reference_is_served_without_a_cdn(client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text.lower()
    scripts = [part.split('"')[0] for part in page.text.split('src="')[1:]]
    assert scripts and all(src.startswith("/") for src in scripts)
    assert all(client.get(src).status_code == 200 for src in scripts)
