"""Shelf-location codes (库位): one numbering rule per warehouse (RULES.md §1.1).

A scheme is written as the codes look: `A` stands for a capital letter, `9` for a digit, and `-`, `.` or `_` for
themselves; `A-99-99` is zone, row, level (`B-01-03`). Every position is fixed, so codes sort as text in walking
order, which is what pick lists sort by.
"""

from __future__ import annotations

from shopkeeper.errors import InvalidInput

SEPARATORS = frozenset("-._")
MAX_LENGTH = 32


def check_scheme(scheme: str) -> str:
    """The scheme as stored; refuses one with other characters, or with no letter or digit position."""
    scheme = scheme.strip()
    if not 1 <= len(scheme) <= MAX_LENGTH or any(c not in "A9" and c not in SEPARATORS for c in scheme):
        raise InvalidInput("a shelf scheme is made of A (a letter), 9 (a digit) and the separators - . _, "
                           f"at most {MAX_LENGTH} long, e.g. A-99-99", field="scheme")
    if not any(c in "A9" for c in scheme):
        raise InvalidInput("a shelf scheme needs at least one letter (A) or digit (9) position", field="scheme")
    return scheme


def fits(scheme: str, code: str) -> bool:
    """Whether `code` is numbered by `scheme`, position by position."""
    return len(code) == len(scheme) and all(_fits_at(s, c) for s, c in zip(scheme, code, strict=True))


def fits_prefix(scheme: str, prefix: str) -> bool:
    """Whether `prefix` starts codes of `scheme` (a zone, or a zone and row, for a partial stocktake)."""
    return 0 < len(prefix) <= len(scheme) and all(_fits_at(s, c) for s, c in zip(scheme, prefix, strict=False))


def _fits_at(position: str, char: str) -> bool:
    if position == "A":
        return "A" <= char <= "Z"
    if position == "9":
        return "0" <= char <= "9"
    return char == position


def shelf_code(scheme: str | None, code: str, field: str = "code") -> str:
    """`code` normalised (trimmed, upper case), refused unless the warehouse's scheme numbers it (§1.1: one rule)."""
    if scheme is None:
        raise InvalidInput("the warehouse has no shelf scheme yet: set one first", field=field)
    normalised = code.strip().upper()
    if not fits(scheme, normalised):
        raise InvalidInput(f"shelf code {code!r} does not follow the warehouse's scheme {scheme}", field=field)
    return normalised


def shelf_prefix(scheme: str | None, prefix: str, field: str = "shelves") -> str:
    if scheme is None:
        raise InvalidInput("the warehouse has no shelf scheme yet: set one first", field=field)
    normalised = prefix.strip().upper()
    if not fits_prefix(scheme, normalised):
        raise InvalidInput(f"{prefix!r} does not start a shelf code of the scheme {scheme}", field=field)
    return normalised
