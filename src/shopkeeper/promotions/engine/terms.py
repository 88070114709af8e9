"""The promotion vocabulary: scopes, audiences, benefits and the promotion that joins them.

Most promotion kinds of RULES.md §3.6 are data in this vocabulary, not code: a
promotion is a *scope* (which lines it looks at), an *audience* (which buyers),
a *benefit* (what it gives, thresholds included) and stacking facts (stage,
priority, exclusivity, tags). django-oscar splits condition and benefit; we
keep the threshold inside the benefit's tiers because every threshold kind in
our sources (满减, 满送, 满N件包邮, 多买多便宜) names its threshold and its
reward together.

Money is in minor units (`int`) of the cart's currency throughout the engine:
the engine runs thousands of carts a second and `Money` objects are for the
boundaries. Percentages are `Decimal` fractions ("0.2" is 20% off).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Collection, Literal, Mapping, TypeVar

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.dispatch import Benefit

_T = TypeVar("_T")

try:
    from mypy_extensions import mypyc_attr  # installed with mypy, which compiles the engine
except ImportError:  # plain Python without mypy: the decorator speaks only to mypyc, which reads it and never calls it
    def mypyc_attr(*attrs: str, **kwattrs: object) -> Callable[[_T], _T]:
        return lambda cls: cls

# Stages run in this order (the documented order of application).
Stage = Literal["item", "order", "shipping", "coupon", "platform"]
STAGES: tuple[Stage, ...] = ("item", "order", "shipping", "coupon", "platform")

Funder = Literal["store", "platform"]

# exclusive: no other promotion may touch the lines it touches;
# coupons_only: combines with coupons but with no other promotion on its lines;
# stacks: combines with everything that is not exclusive.
Stacking = Literal["stacks", "exclusive", "coupons_only"]

Basis = Literal["amount", "quantity"]


@dataclass(frozen=True)
class Scope:
    """Which cart lines a promotion looks at: the whole platform, one store, or some categories, products or SKUs of it."""

    level: Literal["platform", "store", "category", "product", "sku"] = "store"
    store_id: int | None = None
    ids: frozenset[int] = frozenset()
    exclude_sku_ids: frozenset[int] = frozenset()

    def covers(self, store_id: int, category_id: int | None, product_id: int, sku_id: int) -> bool:
        if sku_id in self.exclude_sku_ids:
            return False
        if self.level == "platform":
            return True
        if store_id != self.store_id:
            return False
        if self.level == "store":
            return True
        if self.level == "category":
            return category_id in self.ids
        if self.level == "product":
            return product_id in self.ids
        return sku_id in self.ids


@dataclass(frozen=True)
class Audience:
    """Who may have it: member level, new or returning customers, birthday month, a targeted list, the store's fans."""

    min_member_level: str | None = None
    customer: Literal["any", "new", "returning"] = "any"
    birthday_month: bool = False
    buyer_ids: frozenset[int] = frozenset()  # 定向: empty means everyone
    fans_only: bool = False  # 粉丝专享: buyers who follow the promotion's store now (Store Club, RULES.md §4.3)


# --- benefits: one module per kind under benefits/, registered in benefits/__init__.py ---------------

# A kind added as plain Python while the engine runs compiled (`benefits.register`) still inherits the answers below.
@mypyc_attr(allow_interpreted_subclasses=True)
class BenefitTerms:
    """What the engine asks of every benefit kind, with the answer most kinds give.

    Each kind's terms (the frozen dataclass in `benefits/<kind>.py`) inherit these and override only what
    their kind answers differently, so that the engine asks the kind instead of naming it. Each answer is a
    property: compiled, reading one on a benefit of the engine's kinds is a direct call, as cheap as the
    `isinstance` it replaced (a class attribute would be a dictionary look-up).
    """

    @property
    def only_skus(self) -> Collection[int] | None:
        """The only SKUs it looks at, whatever its scope (a bundle: its items); None: its scope decides alone."""
        return None

    @property
    def per_line(self) -> bool:
        """What it does to a line does not depend on its other lines, so that, where several such item prices
        cover one line, the cheapest alone on that line can take it (`passes.separable`); `line_alone` says how much."""
        return False

    def line_alone(self, line: CartLine, units: int, now: datetime) -> int:
        """For a `per_line` kind: what `line` costs under it alone, at most `units` of it at the new price."""
        raise NotImplementedError(f"{type(self).__name__} does not price a line alone")

    @property
    def spends_points(self) -> bool:
        """It draws on the buyer's one points balance, so two such promotions compete even on different lines."""
        return False

    @property
    def is_threshold(self) -> bool:
        """It has a threshold on a basis that earlier promotions on its lines feed (it records a `Threshold`)."""
        return False

    @property
    def lowers_payable(self) -> bool:
        """What reaching its threshold gives comes off the payable (a gift's does not: it costs the buyer nothing,
        so giving something up to reach it never pays off)."""
        return True

    @property
    def bounded_at_list(self) -> bool:
        """What it could give in any branch is at most what its threshold gives at list prices (`Threshold.at_list`)."""
        return False

    @property
    def frees_shipping(self) -> bool:
        """Reaching its threshold makes shipping free (the 凑单 hint says so)."""
        return False

    def tier_gain(self, achieved: int, basis: int, gap: int, amount: int, shipping: int) -> int:
        """What its next money tier, `gap` further on than its `basis` stands, would give beyond the `achieved` it
        gives now: `amount` is what its lines cost, `shipping` the fees it could free. 0: not a money threshold
        worth reaching on purpose (`search.way_up` gives up other promotions only for a gain)."""
        return 0



@dataclass(frozen=True)
class Promotion:
    """One live promotion or one coupon the buyer holds, as the engine sees it.

    `allowance` limits the units a buyer may still get at this price (flash-sale
    cap, per-buyer limit, first-N-buyers slot); the service computes it from the
    counters, the engine honours it. None means no limit.
    """

    id: int
    name: str
    benefit: Benefit
    scope: Scope = Scope()
    audience: Audience = Audience()
    kind: str = ""  # the business name shown to people: "threshold_reduction", "flash_sale", ...
    funder: Funder = "store"
    priority: int = 0
    stacking: Stacking = "stacks"
    tags: frozenset[str] = frozenset()  # e.g. {"flash_sale"}
    excludes_tags: frozenset[str] = frozenset()  # skip lines touched by promotions tagged so
    full_price_only: bool = False  # 消费券 only on original-price products (RULES.md §3.2)
    earns_points: bool = True
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    coupon_id: int | None = None  # set when this is a coupon the buyer holds
    coupon_group: str | None = None  # at most one coupon of a group per cart (one store coupon, one platform voucher)
    allowance: int | None = None

    stage: Stage = field(init=False, repr=False, compare=False)  # derived once: the engine reads it at every step

    def __post_init__(self) -> None:
        object.__setattr__(self, "stage", stage_of(self.benefit, self.funder, self.coupon_id))


def stage_of(benefit: Benefit, funder: Funder, coupon_id: int | None) -> Stage:
    """A coupon runs with coupons; a platform-funded promotion other than an item price runs last; else
    the stage its kind names (`stage` of each benefit: item, order or shipping)."""
    if coupon_id is not None:
        return "platform" if funder == "platform" else "coupon"
    if funder == "platform" and benefit.stage != "item":
        return "platform"
    return benefit.stage


# --- the cart the engine prices -------------------------------------------------------------------


@dataclass(frozen=True)
class CartLine:
    sku_id: int
    product_id: int
    store_id: int
    unit_price: int  # list price, minor units
    quantity: int
    category_id: int | None = None


@dataclass(frozen=True)
class Shopper:
    buyer_id: int | None = None
    member_level: str = "regular"
    paid_orders: int = 0  # orders paid before this one, anywhere on the platform: 0 means a new customer
    paid_orders_by_store: Mapping[int, int] = field(default_factory=dict)  # the same, per store (店铺新客)
    birthday_month: bool = False
    points_balance: int = 0
    fan_of: frozenset[int] = frozenset()  # the stores of this cart the buyer follows now (粉丝)


@dataclass(frozen=True)
class GiftSku:
    """What the engine needs to add a gift line: where it comes from, its list price, and the units in stock."""

    product_id: int
    store_id: int
    unit_price: int
    available: int


@dataclass(frozen=True)
class PricingRequest:
    currency: str
    now: datetime
    lines: tuple[CartLine, ...]
    promotions: tuple[Promotion, ...]
    shopper: Shopper = Shopper()
    shipping: Mapping[int, int] = field(default_factory=dict)  # store id → quoted shipping fee
    gifts: Mapping[int, GiftSku] = field(default_factory=dict)  # gift SKU id → its facts
    points_per_unit: int = 1  # points earned per major currency unit paid (0: the store gives none)
