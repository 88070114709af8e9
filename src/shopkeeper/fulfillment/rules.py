"""Shipping templates (运费模板): what the buyer pays to have goods delivered.

A template prices a parcel by pieces or by grams: a first fee for the first block
and an extra fee for every started block after it, per destination. Sellers on
Taobao/Tmall and independent stores attach one template to each product; these
rules price the lines that share a template, then an order made of several.
Fees are stored as minor-unit ints without a currency: a template belongs to a
store, and the store's currency is passed in when a fee becomes `Money`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Callable, Literal, Sequence, TypeVar

from shopkeeper.countries import is_country_code
from shopkeeper.errors import DomainError, InvalidInput
from shopkeeper.money import Money

R = TypeVar("R", "FeeRule", "FreeRule")
Mode = Literal["piece", "weight"]
_MODES: tuple[Mode, ...] = ("piece", "weight")


class NotDeliverable(DomainError):
    code = "not-deliverable"
    status = 422
    title = "The store does not deliver to this address"


def _region_key(entry: str) -> tuple[str, str | None]:
    """Parse "US" or "CN/Xinjiang"; names compare case-insensitively because sellers type them."""
    if not isinstance(entry, str):
        raise InvalidInput(f"a region must be a string, not {entry!r}")
    country, sep, region = entry.partition("/")
    if not is_country_code(country) or (sep and (not region or region != region.strip() or "/" in region)):
        raise InvalidInput(f"region {entry!r} is not 'CC' or 'CC/Region' with an ISO 3166 alpha-2 code")
    return country, (region.casefold() if sep else None)


def _check_regions(regions: object, where: str) -> None:
    if not isinstance(regions, tuple):
        raise InvalidInput(f"{where}: regions must be a tuple of strings")
    for entry in regions:
        _region_key(entry)


def _check_int(value: object, name: str, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise InvalidInput(f"{name} must be an integer >= {minimum}, got {value!r}")


@dataclass(frozen=True)
class Destination:
    """Where the parcel goes: ISO 3166 alpha-2 country, optional province/state ("Xinjiang")."""

    country: str
    region: str | None = None

    def __post_init__(self) -> None:
        if not is_country_code(self.country):
            raise InvalidInput(f"not an ISO 3166 alpha-2 country code: {self.country!r}")
        if self.region is not None and (not isinstance(self.region, str) or not self.region.strip()):
            raise InvalidInput(f"region must be a non-blank string or None, got {self.region!r}")

    def specificity(self, entry: str) -> int:
        """0 no match, 1 country match, 2 "COUNTRY/Region" match: the more specific entry wins."""
        country, region = _region_key(entry)
        if country != self.country:
            return 0
        if region is None:
            return 1
        return 2 if self.region is not None and self.region.strip().casefold() == region else 0

    def matches(self, regions: Sequence[str]) -> bool:
        return any(self.specificity(entry) for entry in regions)


@dataclass(frozen=True)
class FeeRule:
    """首件/首重 + 续件/续重: first fee for `first_units`, extra fee per started block of `extra_units`.

    Units are pieces in piece mode and grams in weight mode. Blocks are rounded up
    because a carrier charges a started kilogram as a whole one.
    """

    regions: tuple[str, ...]
    first_units: int
    first_fee_minor: int
    extra_units: int
    extra_fee_minor: int

    def __post_init__(self) -> None:
        _check_regions(self.regions, "fee rule")
        _check_int(self.first_units, "first_units", 1)
        _check_int(self.first_fee_minor, "first_fee_minor", 0)
        _check_int(self.extra_units, "extra_units", 1)
        _check_int(self.extra_fee_minor, "extra_fee_minor", 0)

    def fee_minor(self, units: int) -> int:
        """Zero units still pays the first fee: a parcel is a parcel, even of weightless goods."""
        blocks = -(-max(0, units - self.first_units) // self.extra_units)
        return self.first_fee_minor + blocks * self.extra_fee_minor


@dataclass(frozen=True)
class FreeRule:
    """包邮 conditions: free when goods amount >= `min_amount_minor` or items >= `min_items` (满N件包邮).

    Either condition suffices. Empty `regions` means everywhere the template delivers,
    so a seller can say "free shipping over 99, except to remote provinces" with two rules.
    """

    regions: tuple[str, ...]
    min_amount_minor: int | None
    min_items: int | None

    def __post_init__(self) -> None:
        _check_regions(self.regions, "free rule")
        if self.min_amount_minor is None and self.min_items is None:
            raise InvalidInput("a free rule needs min_amount_minor or min_items")
        if self.min_amount_minor is not None:
            _check_int(self.min_amount_minor, "min_amount_minor", 0)
        if self.min_items is not None:
            _check_int(self.min_items, "min_items", 1)

    def applies(self, destination: Destination, amount_minor: int, items: int) -> bool:
        if self.regions and not destination.matches(self.regions):
            return False
        by_amount = self.min_amount_minor is not None and amount_minor >= self.min_amount_minor
        return by_amount or (self.min_items is not None and items >= self.min_items)


@dataclass(frozen=True)
class ShippingTemplate:
    """A seller's freight template. `default` prices every destination no rule names.

    A region entry may appear in one rule only, and never in a rule and in
    `excluded_regions` (不配送区域) at once, so the price of an address is never a
    matter of rule order.
    """

    name: str
    mode: Mode
    default: FeeRule
    rules: tuple[FeeRule, ...] = ()
    free: tuple[FreeRule, ...] = ()
    excluded_regions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidInput("a shipping template needs a non-blank name")
        if self.mode not in _MODES:
            raise InvalidInput(f"mode must be one of {_MODES}, got {self.mode!r}")
        if not isinstance(self.default, FeeRule) or self.default.regions:
            raise InvalidInput("the default rule applies everywhere; its regions must be empty")
        _check_regions(self.excluded_regions, "excluded_regions")
        excluded = [_region_key(e) for e in self.excluded_regions]
        seen: set[tuple[str, str | None]] = set()
        for rule in self.rules:
            for entry in rule.regions:
                key = _region_key(entry)
                if key in seen:
                    raise InvalidInput(f"region {entry!r} appears in more than one rule")
                seen.add(key)
                if any(c == key[0] and r in (None, key[1]) for c, r in excluded):
                    raise InvalidInput(f"region {entry!r} is priced but also excluded")

    def rule_for(self, destination: Destination) -> FeeRule:
        """The most specific match: "COUNTRY/Region" beats "COUNTRY" beats the default."""
        best, best_rank = self.default, 0
        for rule in self.rules:
            rank = max((destination.specificity(e) for e in rule.regions), default=0)
            if rank > best_rank:
                best, best_rank = rule, rank
        return best


@dataclass(frozen=True)
class ShippableLine:
    """One order line as shipping sees it.

    `weight_grams` is the weight of ONE piece (as catalogued on the SKU); the line
    weighs quantity × weight_grams. `amount_minor` is the whole line's goods amount
    after item-level discounts, which is what 满额包邮 thresholds are read against.
    """

    quantity: int
    weight_grams: int
    amount_minor: int

    def __post_init__(self) -> None:
        _check_int(self.quantity, "quantity", 1)
        _check_int(self.weight_grams, "weight_grams", 0)
        _check_int(self.amount_minor, "amount_minor", 0)


Lines = Sequence[ShippableLine]


def shipping_fee(template: ShippingTemplate, lines: Lines, destination: Destination, currency: str) -> Money:
    """The fee for the lines that share `template`, sent to `destination`.

    Free rules look at these lines only (their goods amount and item count), not at the
    whole order: a threshold belongs to the template that states it. No lines, no parcel.
    """
    if destination.matches(template.excluded_regions):
        where = destination.country + (f"/{destination.region}" if destination.region else "")
        raise NotDeliverable(f"template {template.name!r} does not deliver to {where}")
    if not lines:
        return Money.zero(currency)
    items = sum(line.quantity for line in lines)
    amount = sum(line.amount_minor for line in lines)
    if any(rule.applies(destination, amount, items) for rule in template.free):
        return Money.zero(currency)
    units = items if template.mode == "piece" else sum(ln.quantity * ln.weight_grams for ln in lines)
    return Money(template.rule_for(destination).fee_minor(units), currency)


def quote(groups: Sequence[tuple[ShippingTemplate, Lines]], destination: Destination, currency: str) -> Money:
    """The shipping of an order whose lines fall under several templates: the sum of each fee.

    Our choice, the simplest to explain to a buyer. Taobao is often described as
    combining instead (the largest first fee once, every other line at its extra-fee
    rate), which costs the buyer less; a rulebook may switch to that later. Pass one
    group per template: a template given twice is charged twice. One undeliverable
    group makes the whole order undeliverable.
    """
    total = Money.zero(currency)
    for template, lines in groups:
        total = total + shipping_fee(template, lines, destination, currency)
    return total


_FEE_KEYS = ("regions", "first_units", "first_fee_minor", "extra_units", "extra_fee_minor")
_FREE_KEYS = ("regions", "min_amount_minor", "min_items")
_TEMPLATE_KEYS = ("name", "mode", "default", "rules", "free", "excluded_regions")


def _fields(data: object, keys: tuple[str, ...], where: str) -> dict[str, Any]:
    """Exact keys only: a typo in stored JSON should fail loudly, not price at a default."""
    if not isinstance(data, dict):
        raise InvalidInput(f"{where} must be an object")
    missing = [k for k in keys if k not in data]
    unknown = [k for k in data if k not in keys]
    if missing or unknown:
        raise InvalidInput(f"{where}: missing keys {missing}, unknown keys {unknown}")
    return data


def _items(value: object, where: str, of: type = object) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, of) for v in value):
        raise InvalidInput(f"{where} must be a list" + (" of strings" if of is str else ""))
    return tuple(value)


def _rule(cls: Callable[..., R], keys: tuple[str, ...], data: object, where: str) -> R:
    d = _fields(data, keys, where)
    regions = _items(d["regions"], f"{where}.regions", str)
    try:
        return cls(regions, *(d[k] for k in keys[1:]))
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc.detail}") from None


def template_from_dict(data: dict[str, Any]) -> ShippingTemplate:
    """Rebuild a template from its JSON form; any invalid field raises `InvalidInput`."""
    d = _fields(data, _TEMPLATE_KEYS, "template")
    default = _rule(FeeRule, _FEE_KEYS, d["default"], "default")
    rules = tuple(_rule(FeeRule, _FEE_KEYS, r, f"rules[{i}]") for i, r in enumerate(_items(d["rules"], "rules")))
    free = tuple(_rule(FreeRule, _FREE_KEYS, f, f"free[{i}]") for i, f in enumerate(_items(d["free"], "free")))
    excluded = _items(d["excluded_regions"], "excluded_regions", str)
    return ShippingTemplate(d["name"], d["mode"], default, rules, free, excluded)


def template_to_dict(template: ShippingTemplate) -> dict[str, Any]:
    """The JSON form: field names as keys, lists for tuples, minor-unit ints for money."""
    stored: dict[str, Any] = _plain(template)
    return stored


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return [_plain(v) for v in value] if isinstance(value, tuple) else value
