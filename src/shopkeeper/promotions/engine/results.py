"""What the pricing engine returns: per-line prices after each step, allocations with funders, verdicts, hints."""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal, Mapping, NamedTuple

from shopkeeper.promotions.engine.terms import Basis, Funder, Stage

Search = Literal["single", "exact", "bounded"]

NO_DETAIL: Mapping[str, int | str] = MappingProxyType({})

# The parts of a priced cart are named tuples: a cart makes dozens of them, and building a tuple costs a
# fraction of what a frozen dataclass does. They are read by attribute like any record.


class Allocation(NamedTuple):
    """The share of one promotion's discount that one line (or one store's shipping) carries, and who pays for it."""

    promotion_id: int
    funder: Funder
    minor: int


class Step(NamedTuple):
    """A line's amount right after one promotion touched it."""

    promotion_id: int
    amount: int


class PricedLine(NamedTuple):
    sku_id: int
    product_id: int
    store_id: int
    quantity: int
    unit_price: int
    list_total: int
    payable: int
    discounts: tuple[Allocation, ...] = ()
    steps: tuple[Step, ...] = ()
    gift: bool = False
    points_spent: int = 0
    earns_points: bool = True

    def funded_by(self, funder: Funder) -> int:
        return sum(a.minor for a in self.discounts if a.funder == funder)


class PricedShipping(NamedTuple):
    store_id: int
    fee: int
    payable: int
    discounts: tuple[Allocation, ...] = ()


class Verdict(NamedTuple):
    """Why a promotion was applied (and for how much) or not.

    `reason` is a stable code ("applied", "below_threshold", "member_level_too_low",
    "excluded_by_tag", ...) and `detail` its numbers; `explain.describe` turns
    both into words in Chinese or English.
    """

    promotion_id: int
    name: str
    kind: str
    stage: Stage
    funder: Funder
    applied: bool
    amount: int
    reason: str
    detail: Mapping[str, int | str] = NO_DETAIL
    coupon_id: int | None = None
    units: int = 0  # units (bundle: sets) taken from the promotion's allowance


class Hint(NamedTuple):
    """凑单: the nearest threshold not yet reached: add `short` (minor units or units) to save `saves`."""

    promotion_id: int
    name: str
    basis: Basis
    short: int
    saves: int
    gift_sku_id: int | None = None
    free_shipping: bool = False


class PricedCart:
    """The priced cart. Read-only by contract; a plain class with its own `__init__`, as a frozen dataclass's
    generated one runs as Python (and sets each field through `object.__setattr__`) even when compiled."""

    __slots__ = ("currency", "lines", "shipping", "verdicts", "hint", "search", "points_spent", "points_earned")

    def __init__(self, currency: str, lines: tuple[PricedLine, ...], shipping: tuple[PricedShipping, ...],
                 verdicts: tuple[Verdict, ...], hint: Hint | None, search: Search, points_spent: int,
                 points_earned: int) -> None:
        self.currency = currency
        self.lines = lines
        self.shipping = shipping
        self.verdicts = verdicts
        self.hint = hint
        self.search: Search = search
        self.points_spent = points_spent
        self.points_earned = points_earned

    def __repr__(self) -> str:
        return (f"PricedCart(currency={self.currency!r}, lines={self.lines!r}, shipping={self.shipping!r}, "
                f"verdicts={self.verdicts!r}, hint={self.hint!r}, search={self.search!r}, "
                f"points_spent={self.points_spent}, points_earned={self.points_earned})")

    @property
    def goods_list(self) -> int:
        return sum(line.list_total for line in self.lines)

    @property
    def goods_payable(self) -> int:
        return sum(line.payable for line in self.lines)

    @property
    def shipping_fee(self) -> int:
        return sum(s.fee for s in self.shipping)

    @property
    def shipping_payable(self) -> int:
        return sum(s.payable for s in self.shipping)

    @property
    def list_total(self) -> int:
        return self.goods_list + self.shipping_fee

    @property
    def payable(self) -> int:
        return self.goods_payable + self.shipping_payable

    @property
    def discount_total(self) -> int:
        return self.list_total - self.payable

    def applied(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.applied]

    def coupon_ids(self) -> list[int]:
        return [v.coupon_id for v in self.verdicts if v.applied and v.coupon_id is not None]
