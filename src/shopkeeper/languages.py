"""The languages the engine speaks to people, and which one a caller asked for.

Chinese and English: the console's pages, the API's problems and the timelines all choose by the same rule.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")


def pick_lang(query: str | None, cookie: str | None, accept_language: str | None) -> Lang:
    """?lang= wins, then the remembered cookie, then the browser's preference (zh* → zh)."""
    for choice in (query, cookie):
        if choice == "en":
            return "en"
        if choice == "zh":
            return "zh"
    return "zh" if _preferred(accept_language or "").startswith("zh") else "en"


def _preferred(header: str) -> str:
    """The tag an Accept-Language header rates highest; q=0 means "not this one" (RFC 9110 §12.4.2)."""
    best, best_q = "", 0.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > best_q:
            best, best_q = tag.strip().lower(), q
    return best
