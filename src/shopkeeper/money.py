"""Money in integer minor units plus an ISO 4217 currency; never floats.

Percentages are computed in `Decimal` and rounded half-up to the minor unit.
An amount split across lines uses `largest_remainder_allocate`, so the parts
always add up to the whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Sequence

# Currencies whose minor unit is not the cent (ISO 4217 exponent).
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}
_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$", "RUB": "₽", "BRL": "R$"}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def valid_currency(currency: str) -> bool:
    return len(currency) == 3 and currency.isalpha() and currency.isupper()


class CurrencyMismatch(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money.minor must be an int (minor units)")
        if not valid_currency(self.currency):
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(0, currency)

    @classmethod
    def of(cls, amount: str | Decimal | int, currency: str) -> "Money":
        """From a major-unit amount such as "12.50"; rounds half-up to the minor unit."""
        try:
            value = Decimal(str(amount))
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {amount!r}") from exc
        scaled = (value * (Decimal(10) ** exponent(currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return cls(int(scaled), currency)

    def _same(self, other: "Money") -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not mix")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.minor, self.currency)

    def times(self, quantity: int) -> "Money":
        return Money(self.minor * quantity, self.currency)

    def percent(self, rate: Decimal | str) -> "Money":
        """`rate` as a fraction ("0.05" is 5%), half-up to the minor unit."""
        return Money(round_half_up(Decimal(self.minor) * Decimal(str(rate))), self.currency)

    def allocate(self, weights: Sequence[int]) -> list["Money"]:
        return [Money(part, self.currency) for part in largest_remainder_allocate(self.minor, weights)]

    @property
    def amount(self) -> Decimal:
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    def __str__(self) -> str:
        places = exponent(self.currency)
        return f"{self.amount:.{places}f} {self.currency}"

    def display(self) -> str:
        places = exponent(self.currency)
        symbol = _SYMBOLS.get(self.currency)
        sign = "-" if self.minor < 0 else ""
        text = f"{abs(self.amount):,.{places}f}"
        return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {self.currency}"


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def largest_remainder_allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` minor units in proportion to `weights`; the parts sum to `total` exactly.

    Each part gets the floor of its exact share; the units left over go one each
    to the largest remainders, ties to the earlier weight, so the split is
    deterministic. Zero total weight splits evenly. Works for negative totals
    (a refund) by splitting the absolute value.
    """
    if len(weights) == 1:
        if weights[0] < 0:
            raise ValueError("weights must not be negative")
        return [total]
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero total over no weights")
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    sign = -1 if total < 0 else 1
    whole = abs(total)
    basis = list(weights) if sum(weights) > 0 else [1] * len(weights)
    weight_sum = sum(basis)
    shares = [whole * w // weight_sum for w in basis]
    remainders = [whole * w % weight_sum for w in basis]
    left = whole - sum(shares)
    for index in sorted(range(len(basis)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return [sign * s for s in shares]
