"""Input/output shapes shared by every domain's API."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Protocol, Sequence, TypeVar, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticKnownError

from shopkeeper.api.deps import MAX_ID
from shopkeeper.clock import accepted_time
from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money, exponent


def stripped(min_length: int = 0) -> AfterValidator:
    """Text taken without its surrounding whitespace, after the lengths `/openapi.json` publishes were checked on the
    text as sent: a padded value within maxLength is kept trimmed, and what the schema refuses is refused (stripping
    first would take " " + 120 letters where maxLength says 120). What trimming leaves must still be `min_length`."""

    def strip(value: str) -> str:
        value = value.strip()
        if len(value) < min_length:
            raise PydanticKnownError("string_too_short", {"min_length": min_length})
        return value

    return AfterValidator(strip)


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Quantity = Annotated[int, Field(ge=1, le=9999)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120), stripped(1)]
Text = Annotated[str, StringConstraints(max_length=4000)]
# Money in is exact text: ASCII digits, an optional point and decimals, nothing around them. Pydantic's Decimal
# alone takes " 12 " and full-width "１２"; a JSON number with a fraction has been a float (inexact) before it
# gets here, so only whole JSON numbers are taken as numbers (docs/decisions.md, issue 10).
AMOUNT_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_AMOUNT_SHAPE = 'write amounts as a string of ASCII digits with an optional point and decimals, e.g. "12.50"'


def strict_amount(value: object) -> object:
    if isinstance(value, Decimal):  # from our own code, already exact
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        if AMOUNT_TEXT.fullmatch(value):
            return Decimal(value)
        raise ValueError(f"{value[:40]!r} is not an amount: {_AMOUNT_SHAPE}")
    if isinstance(value, float):
        raise ValueError(f"a JSON number with a fraction is not exact: {_AMOUNT_SHAPE}")
    raise ValueError(f"not an amount: {_AMOUNT_SHAPE}")


Amount = Annotated[
    Decimal, BeforeValidator(strict_amount), Field(ge=0, le=Decimal("1000000000"), allow_inf_nan=False),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$", "examples": ["12.50"]},
                              {"type": "integer", "minimum": 0, "maximum": 1000000000}]}),
]
# Every time a request carries: in UTC (naive means UTC), between the years 1000 and 9000 (`clock.accepted_time`).
Moment = Annotated[datetime, AfterValidator(accepted_time)]


class In(BaseModel):
    """Every request body: unknown fields refused, and JSON `true`/`false` never taken for a number (pydantic reads
    `true` as 1 for an `int` field: `{"store_id": true}` would name store 1)."""

    model_config = ConfigDict(extra="forbid")
    _whole_numbers: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._whole_numbers = frozenset(name for name, field in cls.model_fields.items() if _numbers_only(field.annotation))

    @model_validator(mode="before")
    @classmethod
    def _no_truth_for_numbers(cls, data: Any) -> Any:
        # a model-level check: a per-field one would sit on discriminator fields too, which pydantic forbids
        for name in cls._whole_numbers & (data.keys() if isinstance(data, dict) else set()):
            value = data[name]
            if isinstance(value, bool) or (isinstance(value, list) and any(isinstance(v, bool) for v in value)):
                # `field` puts the field's name in the error's location (api/problems.py)
                raise PydanticCustomError("int_type", "Input should be a valid integer, not true or false", {"field": name})
        return data

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        # PostgreSQL's text cannot hold U+0000 (SQLite would keep it): refused on every backend, at the field
        if isinstance(data, dict):
            for name, value in data.items():
                if _holds_nul(name) or _holds_nul(value):
                    raise PydanticCustomError("string_nul", "Text must not contain the NUL character (U+0000)",
                                              {"field": str(name).replace("\x00", "")})
        return data


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _numbers_only(annotation: Any) -> bool:
    """Whether a field's type takes whole numbers (or lists of them) and no truth values."""
    def kinds(tp: Any) -> set[Any]:
        if get_origin(tp) is Annotated:
            return kinds(get_args(tp)[0])
        return {tp} if get_origin(tp) is None else set().union(*(kinds(arg) for arg in get_args(tp)))
    found = kinds(annotation)
    return int in found and bool not in found


class MoneyOut(BaseModel):
    amount: str = Field(description="major units, exact, e.g. '12.50'")
    currency: str
    minor: int = Field(description="integer minor units, e.g. 1250")

    @classmethod
    def of(cls, minor: int, currency: str) -> "MoneyOut":
        money = Money(minor, currency)
        return cls(amount=f"{money.amount:.{exponent(currency)}f}", currency=currency, minor=minor)


def to_minor(amount: Decimal, currency: str, field: str = "amount") -> int:
    """An exact amount in the currency's minor unit; more decimals than it has are refused, not rounded."""
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidInput(f"{field} has more decimal places than {currency} allows")
    return int(scaled)


class _HasId(Protocol):
    id: int


Row = TypeVar("Row", bound=_HasId)


def cut_page(rows: Sequence[Row], limit: int) -> tuple[list[Row], int | None]:
    """Rows were fetched with `limit + 1`: the extra one only tells that a next page exists."""
    page = list(rows[:limit])
    return page, (page[-1].id if len(rows) > limit and page else None)
