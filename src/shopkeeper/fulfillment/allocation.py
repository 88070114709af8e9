"""Order allocation (订单分配): the store's own rules send each order to a warehouse and a logistics channel.

RULES.md §5.1: "user-defined allocation rules (用户自定义的分配规则)" assign every order to a warehouse for picking
and to a logistics channel. A store keeps an ordered list of rules; the first rule whose conditions all hold wins.
Conditions look at what the seed names as deciding the route: the destination country, the order's weight (a
channel's weight limits, §5.4), its value, the sales channel it came in by (§5.1 intake: own store, Amazon, Shopify,
eBay, AliExpress) and the goods themselves: batteries and powders that ordinary logistics will not carry, liquids,
fragile goods (§5.3). Pure: no database, no clock; the caller passes the order, the stock and the store's choices.

Readings where RULES.md is silent (our choices):
- Weight and value ranges include both ends; an empty bound is open. Rules overlap freely: order decides.
- A value condition in another currency than the order's does not match (reason `value-other-currency`); the rules
  never convert money.
- An order's weight is the sum of quantity × catalogued piece weight, packaging not counted.
- When the matched warehouse cannot cover the order and the store splits, the order is served by the fewest
  warehouses that together cover it; among as few, the matched warehouse comes first, then the store's priority
  order. Every parcel keeps the matched rule's logistics channel. A line may be split across warehouses.
- With `split`, an order that no set of warehouses can cover waits (held), like with `hold`, naming what is short.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Literal, Mapping, Sequence, get_args

from shopkeeper.countries import is_country_code
from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money

SalesChannel = Literal["own", "amazon", "shopify", "ebay", "aliexpress"]
SkuProperty = Literal["battery", "powder", "liquid", "fragile"]  # RULES.md §5.3: what ordinary channels refuse
OnShort = Literal["split", "hold"]
SALES_CHANNELS: tuple[str, ...] = get_args(SalesChannel)
SKU_PROPERTIES: tuple[str, ...] = get_args(SkuProperty)

MissCode = Literal[
    "country-not-listed", "weight-below-min", "weight-above-max", "value-below-min", "value-above-max",
    "value-other-currency", "channel-not-listed", "no-line-has-property", "line-has-excluded-property",
]
# warehouse and SKU → pieces on hand
Stock = Mapping[str, Mapping[str, int]]


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field=field)


def _check_code(value: object, field: str, what: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(field, f"{what} must be a non-blank string, got {value!r}")


def _check_properties(values: object, field: str) -> None:
    if not isinstance(values, (tuple, frozenset)):
        raise _invalid(field, f"{field} must be a tuple of SKU properties")
    unknown = sorted(str(v) for v in values if v not in SKU_PROPERTIES)
    if unknown:
        raise _invalid(field, f"unknown SKU property {', '.join(unknown)}; known: {', '.join(SKU_PROPERTIES)}")


def _check_range(low: int | None, high: int | None, field: str) -> None:
    for name, bound in ((f"min_{field}", low), (f"max_{field}", high)):
        if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool) or bound < 0):
            raise _invalid(name, f"{name} must be a whole number >= 0, got {bound!r}")
    if low is not None and high is not None and low > high:
        raise _invalid(f"min_{field}", f"min_{field} {low} is above max_{field} {high}: no order could match")


@dataclass(frozen=True)
class OrderLine:
    """One line as allocation sees it: `weight_grams` is ONE piece's catalogued weight."""

    sku_code: str
    quantity: int
    weight_grams: int
    properties: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _check_code(self.sku_code, "sku_code", "a line's SKU code")
        if not isinstance(self.quantity, int) or isinstance(self.quantity, bool) or self.quantity < 1:
            raise _invalid("quantity", f"quantity must be a whole number >= 1, got {self.quantity!r}")
        if not isinstance(self.weight_grams, int) or isinstance(self.weight_grams, bool) or self.weight_grams < 0:
            raise _invalid("weight_grams", f"weight_grams must be a whole number >= 0, got {self.weight_grams!r}")
        _check_properties(self.properties, "properties")


@dataclass(frozen=True)
class OrderToAllocate:
    order_number: str
    country: str
    sales_channel: str
    value: Money
    lines: tuple[OrderLine, ...]

    def __post_init__(self) -> None:
        _check_code(self.order_number, "order_number", "an order number")
        if not is_country_code(self.country):
            raise _invalid("country", f"not an ISO 3166 alpha-2 country code: {self.country!r}")
        if self.sales_channel not in SALES_CHANNELS:
            raise _invalid("sales_channel", f"unknown sales channel {self.sales_channel!r}; known: {', '.join(SALES_CHANNELS)}")
        if not isinstance(self.value, Money):
            raise _invalid("value", f"an order's value must be Money, got {self.value!r}")
        if not self.lines:
            raise _invalid("lines", f"order {self.order_number} has no lines to allocate")

    @property
    def weight_grams(self) -> int:
        return sum(line.quantity * line.weight_grams for line in self.lines)

    def needs(self) -> dict[str, int]:
        """Pieces per SKU; a SKU on two lines is picked as one."""
        wanted: dict[str, int] = {}
        for line in self.lines:
            wanted[line.sku_code] = wanted.get(line.sku_code, 0) + line.quantity
        return wanted


@dataclass(frozen=True)
class ConditionMiss:
    """Why one condition failed: a stable code, what the rule asks and what the order has, as plain text."""

    code: MissCode
    expected: str
    actual: str


@dataclass(frozen=True)
class Conditions:
    """All given conditions must hold; an empty tuple or None bound does not restrict.

    `any_line_has`: some line carries one of these properties ("any line has battery").
    `no_line_has`: no line carries any of these (the ordinary channel for goods without battery).
    """

    countries: tuple[str, ...] = ()
    min_weight_grams: int | None = None
    max_weight_grams: int | None = None
    min_value: Money | None = None
    max_value: Money | None = None
    sales_channels: tuple[str, ...] = ()
    any_line_has: tuple[str, ...] = ()
    no_line_has: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        bad = [c for c in self.countries if not is_country_code(c)]
        if not isinstance(self.countries, tuple) or bad:
            raise _invalid("countries", f"countries must be ISO 3166 alpha-2 codes, got {bad or self.countries!r}")
        _check_range(self.min_weight_grams, self.max_weight_grams, "weight_grams")
        low, high = self.min_value, self.max_value
        for name, bound in (("min_value", low), ("max_value", high)):
            if bound is not None and (not isinstance(bound, Money) or bound.minor < 0):
                raise _invalid(name, f"{name} must be Money >= 0, got {bound!r}")
        if low is not None and high is not None:
            if low.currency != high.currency:
                raise _invalid("max_value", f"min_value is in {low.currency} but max_value in {high.currency}")
            if low > high:
                raise _invalid("min_value", f"min_value {low} is above max_value {high}: no order could match")
        unknown = [c for c in self.sales_channels if c not in SALES_CHANNELS]
        if not isinstance(self.sales_channels, tuple) or unknown:
            raise _invalid("sales_channels", f"unknown sales channel {unknown}; known: {', '.join(SALES_CHANNELS)}")
        _check_properties(self.any_line_has, "any_line_has")
        _check_properties(self.no_line_has, "no_line_has")
        both = sorted(set(self.any_line_has) & set(self.no_line_has))
        if both:
            raise _invalid("no_line_has", f"{', '.join(both)} is both required and excluded: no order could match")

    def misses(self, order: OrderToAllocate) -> tuple[ConditionMiss, ...]:
        """Every condition the order fails, in the order the conditions are declared; empty means a match."""
        found: list[ConditionMiss] = []
        if self.countries and order.country not in self.countries:
            found.append(ConditionMiss("country-not-listed", ",".join(self.countries), order.country))
        weight = order.weight_grams
        if self.min_weight_grams is not None and weight < self.min_weight_grams:
            found.append(ConditionMiss("weight-below-min", str(self.min_weight_grams), str(weight)))
        if self.max_weight_grams is not None and weight > self.max_weight_grams:
            found.append(ConditionMiss("weight-above-max", str(self.max_weight_grams), str(weight)))
        found.extend(self._value_misses(order.value))
        if self.sales_channels and order.sales_channel not in self.sales_channels:
            found.append(ConditionMiss("channel-not-listed", ",".join(self.sales_channels), order.sales_channel))
        carried = frozenset().union(*(line.properties for line in order.lines))
        if self.any_line_has and not carried & set(self.any_line_has):
            found.append(ConditionMiss("no-line-has-property", ",".join(self.any_line_has), ",".join(sorted(carried))))
        excluded = carried & set(self.no_line_has)
        if excluded:
            found.append(ConditionMiss("line-has-excluded-property", ",".join(self.no_line_has), ",".join(sorted(excluded))))
        return tuple(found)

    def _value_misses(self, value: Money) -> list[ConditionMiss]:
        bounds = [b for b in (self.min_value, self.max_value) if b is not None]
        if bounds and bounds[0].currency != value.currency:
            return [ConditionMiss("value-other-currency", bounds[0].currency, value.currency)]
        found: list[ConditionMiss] = []
        if self.min_value is not None and value < self.min_value:
            found.append(ConditionMiss("value-below-min", str(self.min_value), str(value)))
        if self.max_value is not None and value > self.max_value:
            found.append(ConditionMiss("value-above-max", str(self.max_value), str(value)))
        return found


@dataclass(frozen=True)
class AllocationRule:
    name: str
    conditions: Conditions
    warehouse_code: str
    channel_code: str

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise _invalid("name", "an allocation rule needs a non-blank name")
        if not isinstance(self.conditions, Conditions):
            raise _invalid("conditions", f"rule {self.name!r}: conditions must be Conditions")
        _check_code(self.warehouse_code, "warehouse_code", f"rule {self.name!r}: the warehouse code")
        _check_code(self.channel_code, "channel_code", f"rule {self.name!r}: the logistics channel code")


def check_rules(rules: Sequence[AllocationRule]) -> None:
    """A store's list as a whole: names identify rules in every explanation, so they must be unique."""
    seen: set[str] = set()
    for rule in rules:
        key = rule.name.strip().casefold()
        if key in seen:
            raise _invalid("name", f"two allocation rules are named {rule.name!r}")
        seen.add(key)


@dataclass(frozen=True)
class StockPolicy:
    """The store's choice when the matched warehouse is short: `split` across warehouses or `hold` the order."""

    on_short: OnShort
    warehouse_priority: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.on_short not in get_args(OnShort):
            raise _invalid("on_short", f"on_short must be split or hold, got {self.on_short!r}")
        for code in self.warehouse_priority:
            _check_code(code, "warehouse_priority", "a warehouse code")


@dataclass(frozen=True)
class RuleMiss:
    """An earlier rule passed over, with every condition the order failed."""

    rule: str
    misses: tuple[ConditionMiss, ...]


@dataclass(frozen=True)
class Parcel:
    """What one warehouse picks and ships: (SKU code, pieces), SKUs in the order's line order."""

    warehouse_code: str
    channel_code: str
    items: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Shortfall:
    sku_code: str
    wanted: int
    available: int


@dataclass(frozen=True)
class Allocated:
    order_number: str
    rule: str
    parcels: tuple[Parcel, ...]
    passed_over: tuple[RuleMiss, ...]
    status: Literal["allocated"] = "allocated"

    @property
    def split(self) -> bool:
        return len(self.parcels) > 1


@dataclass(frozen=True)
class Held:
    """A rule matched but the goods are not there: `warehouse-short` under `hold`, `stock-short` under `split`."""

    order_number: str
    rule: str
    warehouse_code: str
    reason: Literal["warehouse-short", "stock-short"]
    short: tuple[Shortfall, ...]
    passed_over: tuple[RuleMiss, ...]
    status: Literal["held"] = "held"


@dataclass(frozen=True)
class Unallocated:
    """No rule matched (`no-rule-matched`) or the store has none (`no-rules`); `passed_over` says why each failed."""

    order_number: str
    reason: Literal["no-rule-matched", "no-rules"]
    passed_over: tuple[RuleMiss, ...]
    status: Literal["unallocated"] = "unallocated"


Outcome = Allocated | Held | Unallocated


def match_rule(rules: Sequence[AllocationRule], order: OrderToAllocate) -> tuple[AllocationRule | None, tuple[RuleMiss, ...]]:
    """First match wins (RULES.md §5.1); the rules before it come back with the reasons they failed."""
    passed: list[RuleMiss] = []
    for rule in rules:
        misses = rule.conditions.misses(order)
        if not misses:
            return rule, tuple(passed)
        passed.append(RuleMiss(rule.name, misses))
    return None, tuple(passed)


def allocate(rules: Sequence[AllocationRule], order: OrderToAllocate, stock: Stock, policy: StockPolicy) -> Outcome:
    """Where `order` ships from and by which channel, or why it cannot ship yet. Decides; moves no stock."""
    rule, passed = match_rule(rules, order)
    if rule is None:
        return Unallocated(order.order_number, "no-rule-matched" if rules else "no-rules", passed)
    wanted = order.needs()
    home = rule.warehouse_code
    short = _shortfalls(wanted, {sku: _on_hand(stock, home, sku) for sku in wanted})
    if not short:
        return Allocated(order.order_number, rule.name, (Parcel(home, rule.channel_code, tuple(wanted.items())),), passed)
    if policy.on_short == "hold":
        return Held(order.order_number, rule.name, home, "warehouse-short", short, passed)
    candidates = (home,) + tuple(dict.fromkeys(w for w in policy.warehouse_priority if w != home))
    total = {sku: sum(_on_hand(stock, w, sku) for w in candidates) for sku in wanted}
    chosen = None if _shortfalls(wanted, total) else fewest_warehouses(wanted, candidates, stock)
    if chosen is None:  # checked first: when all warehouses together are short, no set of them needs trying
        return Held(order.order_number, rule.name, home, "stock-short", _shortfalls(wanted, total), passed)
    return Allocated(order.order_number, rule.name, _parcels(wanted, chosen, stock, rule.channel_code), passed)


def _on_hand(stock: Stock, warehouse: str, sku: str) -> int:
    return max(0, stock.get(warehouse, {}).get(sku, 0))


def _shortfalls(wanted: Mapping[str, int], available: Mapping[str, int]) -> tuple[Shortfall, ...]:
    return tuple(Shortfall(sku, n, available[sku]) for sku, n in wanted.items() if available[sku] < n)


def fewest_warehouses(wanted: Mapping[str, int], candidates: Sequence[str], stock: Stock) -> tuple[str, ...] | None:
    """The smallest set of warehouses whose stock together covers `wanted`; ties go to the earlier candidates.

    `combinations` yields sets of one size in lexicographic order of position, so the first set that covers is the
    one that keeps to the store's priority order. A store has a handful of warehouses, so trying sets is cheap.
    """
    for size in range(1, len(candidates) + 1):
        for chosen in combinations(candidates, size):
            if all(sum(_on_hand(stock, w, sku) for w in chosen) >= n for sku, n in wanted.items()):
                return chosen
    return None


def _parcels(wanted: Mapping[str, int], chosen: Sequence[str], stock: Stock, channel: str) -> tuple[Parcel, ...]:
    """Each warehouse, in order, takes what it can of what is still wanted; a warehouse left with nothing sends nothing."""
    left = dict(wanted)
    parcels: list[Parcel] = []
    for warehouse in chosen:
        items: list[tuple[str, int]] = []
        for sku, n in left.items():
            take = min(n, _on_hand(stock, warehouse, sku))
            if take:
                items.append((sku, take))
                left[sku] = n - take
        if items:
            parcels.append(Parcel(warehouse, channel, tuple(items)))
    return tuple(parcels)
