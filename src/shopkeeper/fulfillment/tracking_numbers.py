"""UPU S10 tracking numbers (跟踪号) for the built-in demo logistics channel.

RULES.md §5.1: the logistics channel returns the label and the tracking number; §5.5: the number given in the
shipping notice must be real and checkable. Real carriers issue their own; the demo channel issues S10 numbers,
the format postal operators use worldwide: two letters (service indicator), an eight-digit serial, one check digit,
and the ISO 3166 alpha-2 code of the issuing country, e.g. RR473124829GB.

The check digit (UPU S10 §6): weigh the serial's digits by 8, 6, 4, 2, 3, 5, 9, 7, sum, take the sum mod 11,
subtract from 11; a result of 10 becomes 0 and 11 becomes 5.

Our choice where the standard leaves room: any two upper-case letters are accepted as the service indicator (the
UPU list of indicators changes; a carrier knows its own), and `next_s10` returns the number for the serial it is
given, so the caller that stores the counter decides what comes next.
"""

from __future__ import annotations

from shopkeeper.errors import InvalidInput

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
LAST_SERIAL = 99_999_999


def _letters(value: object) -> bool:
    return isinstance(value, str) and len(value) == 2 and value.isascii() and value.isalpha() and value.isupper()


def s10_check_digit(serial: str) -> int:
    """The check digit of an eight-digit serial."""
    if not (isinstance(serial, str) and len(serial) == 8 and serial.isascii() and serial.isdigit()):
        raise InvalidInput(f"an S10 serial is eight digits, got {serial!r}", field="serial")
    check = 11 - sum(int(d) * w for d, w in zip(serial, WEIGHTS)) % 11
    return {10: 0, 11: 5}.get(check, check)


def is_valid_s10(number: str) -> bool:
    """Two letters, eight digits, the right check digit, two letters; nothing else (no spaces, no lower case)."""
    if not isinstance(number, str) or len(number) != 13 or not number.isascii():
        return False
    prefix, serial, check, country = number[:2], number[2:10], number[10], number[11:]
    if not (_letters(prefix) and _letters(country) and serial.isdigit() and check.isdigit()):
        return False
    return s10_check_digit(serial) == int(check)


def next_s10(prefix: str, serial: int, country: str) -> str:
    """The S10 number for `serial` (0 … 99 999 999) under `prefix`, issued in `country`."""
    if not _letters(prefix):
        raise InvalidInput(f"an S10 service indicator is two upper-case letters, got {prefix!r}", field="prefix")
    if not _letters(country):
        raise InvalidInput(f"an S10 country is an ISO 3166 alpha-2 code, got {country!r}", field="country")
    if not isinstance(serial, int) or isinstance(serial, bool) or not 0 <= serial <= LAST_SERIAL:
        raise InvalidInput(f"the S10 serial series runs 0 to {LAST_SERIAL}, got {serial!r}", field="serial")
    digits = f"{serial:08d}"
    return f"{prefix}{digits}{s10_check_digit(digits)}{country}"
