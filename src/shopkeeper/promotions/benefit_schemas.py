"""API shapes for the benefit of a promotion, one per kind of the registry (`engine/benefits`), as a union told
apart by `type`. Amounts in are major units ("12.50"), turned into the terms' minor units here."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import Field, create_model, model_validator

from shopkeeper.api.schemas import Amount, Id, In, Moment, Quantity, to_minor
from shopkeeper.errors import InvalidInput
from shopkeeper.promotions import codec
from shopkeeper.promotions.engine.benefits import (
    KINDS,
    Benefit,
    BulkPrice,
    Bundle,
    EarlyBird,
    FreeShipping,
    Gift,
    Kind,
    NthUnit,
    PointsPrice,
    QuantityTier,
    Reduction,
    Tier,
    TimeStep,
    UnitPrice,
    default,
)

Count = Annotated[int, Field(ge=1, le=1_000_000_000)]
Fraction = Annotated[Decimal, Field(gt=0, le=1, allow_inf_nan=False, description="a fraction: 0.2 is 20% off")]


def _minor(value: Decimal | None, currency: str, field: str) -> int | None:
    return None if value is None else to_minor(value, currency, field)


def _count(value: Decimal, field: str) -> int:
    if value != value.to_integral_value():
        raise InvalidInput(f"{field} counts items: a whole number")
    return int(value)


# --- benefits in --------------------------------------------------------------------------------

class UnitPriceIn(In):
    """Activity / flash / member price, percent or amount off, a uniform price, a cap (封顶) or a floor (N折起)."""

    type: Literal["unit_price"]
    price: Amount | None = None
    prices: dict[Id, Amount] | None = Field(default=None, max_length=1000, description="one price per SKU id")
    percent_off: Fraction | None = None
    amount_off: Amount | None = None
    cap: Amount | None = None
    floor_percent: Fraction | None = None

    @model_validator(mode="after")
    def _one_price(self) -> "UnitPriceIn":
        given = [x is not None for x in (self.price, self.prices, self.percent_off, self.amount_off)]
        if sum(given) > 1 or (sum(given) == 0 and self.cap is None):
            raise ValueError("give one of price, prices, percent_off, amount_off (or only a cap)")
        return self

    def to_benefit(self, currency: str) -> Benefit:
        return UnitPrice(price=_minor(self.price, currency, "price"),
                         prices={k: to_minor(v, currency, "prices") for k, v in (self.prices or {}).items()},
                         percent_off=self.percent_off, amount_off=_minor(self.amount_off, currency, "amount_off"),
                         cap=_minor(self.cap, currency, "cap"), floor_percent=self.floor_percent)


class TimeStepIn(In):
    until: Moment
    percent_off: Fraction


class EarlyBirdIn(In):
    """早买早便宜: each step's discount holds until its time."""

    type: Literal["early_bird"]
    steps: list[TimeStepIn] = Field(min_length=1, max_length=20)

    def to_benefit(self, currency: str) -> Benefit:
        steps = sorted((TimeStep(s.until, s.percent_off) for s in self.steps), key=lambda s: s.until)
        return EarlyBird(tuple(steps))


class QuantityTierIn(In):
    min_quantity: Annotated[int, Field(ge=1, le=9999)]
    percent_off: Fraction


class BulkPriceIn(In):
    """多买多便宜."""

    type: Literal["bulk_price"]
    tiers: list[QuantityTierIn] = Field(min_length=1, max_length=20)

    def to_benefit(self, currency: str) -> Benefit:
        return BulkPrice(tuple(QuantityTier(t.min_quantity, t.percent_off) for t in self.tiers))


class NthUnitIn(In):
    """第二件半价 (every 2, 0.5), 买N免1 (every N, 1), 加一元多一件 (every 2, price 1)."""

    type: Literal["nth_unit"]
    every: Annotated[int, Field(ge=2, le=100)]
    percent_off: Fraction | None = None
    price: Amount | None = None
    same_sku: bool = True

    @model_validator(mode="after")
    def _one(self) -> "NthUnitIn":
        if (self.percent_off is None) == (self.price is None):
            raise ValueError("give percent_off or price for the N-th unit")
        return self

    def to_benefit(self, currency: str) -> Benefit:
        return NthUnit(self.every, self.percent_off, _minor(self.price, currency, "price"), self.same_sku)


class BundleIn(In):
    """套餐/搭配: these SKUs together cost `price` per set."""

    type: Literal["bundle"]
    items: dict[Id, Quantity] = Field(min_length=2, max_length=20)
    price: Amount

    def to_benefit(self, currency: str) -> Benefit:
        return Bundle(dict(self.items), to_minor(self.price, currency, "price"))


class PointsPriceIn(In):
    """Points plus cash: each unit costs `cash` plus `points`."""

    type: Literal["points_price"]
    cash: Amount
    points: Count

    def to_benefit(self, currency: str) -> Benefit:
        return PointsPrice(to_minor(self.cash, currency, "cash"), self.points)


class TierIn(In):
    threshold: Amount = Field(description="money, or an item count when basis is 'quantity'")
    amount_off: Amount | None = None
    percent_off: Fraction | None = None

    @model_validator(mode="after")
    def _one(self) -> "TierIn":
        if (self.amount_off is None) == (self.percent_off is None):
            raise ValueError("a tier gives amount_off or percent_off")
        return self


def _threshold(value: Decimal, basis: str, currency: str) -> int:
    return _count(value, "threshold") if basis == "quantity" else to_minor(value, currency, "threshold")


class ReductionIn(In):
    """满减 / 满折: tiers (满100减10, 满200减30), or repeating (`every`: 每满100减10) with an optional cap."""

    type: Literal["reduction"]
    tiers: list[TierIn] = Field(min_length=1, max_length=20)
    basis: Literal["amount", "quantity"] = "amount"
    every: Amount | None = None
    cap: Amount | None = None

    def to_benefit(self, currency: str) -> Benefit:
        tiers = tuple(sorted((Tier(_threshold(t.threshold, self.basis, currency), _minor(t.amount_off, currency, "amount_off") or 0,
                                   t.percent_off) for t in self.tiers), key=lambda t: t.threshold))
        if len({t.threshold for t in tiers}) != len(tiers):
            raise InvalidInput("each tier needs its own threshold")
        if len({t.percent_off is None for t in tiers}) > 1:
            raise InvalidInput("tiers give either amounts off or fractions off, not both")
        rewards = [t.percent_off if t.percent_off is not None else t.amount_off for t in tiers]
        if any(later <= earlier for earlier, later in zip(rewards, rewards[1:])):
            # the best-combination search relies on it, and so do buyers: a higher threshold never gives less
            raise InvalidInput("a higher tier must give more than the tier below it")
        every = _threshold(self.every, self.basis, currency) if self.every is not None else None
        if every is not None and (every <= 0 or tiers[0].amount_off <= 0):
            raise InvalidInput("a repeating reduction needs a positive `every` and an amount_off")
        return Reduction(tiers, self.basis, every, _minor(self.cap, currency, "cap"))


class GiftIn(In):
    """满送 / 有买有赠 / 买A送B."""

    type: Literal["gift"]
    sku_id: Id
    quantity: Quantity = 1
    threshold: Amount = Decimal(0)
    basis: Literal["amount", "quantity"] = "amount"
    per_threshold: bool = False
    max_sets: Annotated[int, Field(ge=1, le=100)] = default(Gift, "max_sets")

    def to_benefit(self, currency: str) -> Benefit:
        threshold = _threshold(self.threshold, self.basis, currency)
        if self.per_threshold and threshold <= 0:
            raise InvalidInput("a gift per threshold needs a positive threshold")
        return Gift(self.sku_id, self.quantity, threshold, self.basis, self.per_threshold, self.max_sets)


class FreeShippingIn(In):
    """包邮, by amount or by item count (满N件包邮)."""

    type: Literal["free_shipping"]
    threshold: Amount = Decimal(0)
    basis: Literal["amount", "quantity"] = "amount"

    def to_benefit(self, currency: str) -> Benefit:
        return FreeShipping(_threshold(self.threshold, self.basis, currency), self.basis)


# the request schema of each registered kind (engine/benefits/__init__.py), by its name
REQUESTS: dict[str, type[In]] = {
    "unit_price": UnitPriceIn, "early_bird": EarlyBirdIn, "bulk_price": BulkPriceIn, "nth_unit": NthUnitIn, "bundle": BundleIn,
    "points_price": PointsPriceIn, "reduction": ReductionIn, "gift": GiftIn, "free_shipping": FreeShippingIn,
}


class FromTerms(In):
    """The request schema of a registered kind that has none of its own yet: its terms' fields as stored (amounts
    in minor units), read by the codec."""

    def to_benefit(self, currency: str) -> Benefit:
        return codec.decode_benefit(self.model_dump(mode="json"))


def request_schema(kind: Kind) -> type[In]:
    """The kind's own request schema, or one made from its terms (`FromTerms`)."""
    own = REQUESTS.get(kind.name)
    if own is not None:
        return own
    fields: dict[str, Any] = {"type": (Literal[kind.name], ...)}
    for field in dataclasses.fields(kind.terms):
        default = ... if field.default is dataclasses.MISSING else field.default
        fields[field.name] = (codec.field_types(kind.terms)[field.name], default)
    return create_model(f"{kind.terms.__name__}In", __base__=FromTerms, **fields)


def benefit_union() -> Any:
    """Every registered kind's request schema, told apart by `type`: what a promotion's `benefit` accepts."""
    return Annotated[Union[tuple(request_schema(kind) for kind in KINDS.values())], Field(discriminator="type")]


BenefitIn = benefit_union()
