"""Country codes, as every domain writes them: ISO 3166-1 alpha-2, upper case (`CN`, `TR`, `GB`)."""

from __future__ import annotations


def is_country_code(code: object) -> bool:
    """Two upper-case ASCII letters. The shape only: whether such a country exists is not checked here."""
    return isinstance(code, str) and len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()
