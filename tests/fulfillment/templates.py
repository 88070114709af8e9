"""Shipping templates the fulfillment rule tests share: destinations, lines of pieces, the standard piece
template and its regional rules, and hypothesis strategies for random templates, destinations and orders."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from shopkeeper.fulfillment.rules import Destination, FeeRule, FreeRule, ShippableLine, ShippingTemplate
from shopkeeper.money import Money

ZHEJIANG = Destination("CN", "Zhejiang")
XINJIANG = Destination("CN", "Xinjiang")
US = Destination("US", "California")

REMOTE = FeeRule(("CN/Xinjiang", "CN/Tibet"), 1, 2000, 1, 2000)
CHINA = FeeRule(("CN",), 1, 800, 1, 200)
ABROAD = FeeRule(("US", "CA"), 1, 9000, 1, 3000)


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


def pieces(quantity: int, amount: str = "10.00") -> list[ShippableLine]:
    """One line of `quantity` weightless pieces worth `amount` in all."""
    return [ShippableLine(quantity=quantity, weight_grams=0, amount_minor=cny(amount).minor)]


def piece_template(**overrides: Any) -> ShippingTemplate:
    """First piece 10.00, then 5.00 for every started 2 pieces."""
    fields: dict[str, Any] = {"name": "standard", "mode": "piece", "default": FeeRule((), 1, 1000, 2, 500)}
    fields.update(overrides)
    return ShippingTemplate(**fields)


# --- hypothesis strategies ----------------------------------------------------------------------

countries = st.sampled_from(["CN", "US", "DE", "JP"])
provinces = st.sampled_from(["Zhejiang", "Xinjiang", "Tibet", "Guangdong", "New York"])
regions = st.one_of(countries, st.builds(lambda c, p: f"{c}/{p}", countries, provinces))
# Kept apart from `regions`, so an exclusion never collides with a priced region.
excluded = st.lists(st.sampled_from(["BR", "AU/Tasmania", "AU/Northern Territory", "NG"]), unique=True, max_size=3)
minor = st.integers(min_value=0, max_value=1_000_000)
destinations = st.builds(Destination, countries, st.one_of(st.none(), provinces))
lines = st.lists(st.builds(ShippableLine, st.integers(1, 20), st.integers(0, 5000), minor), min_size=1, max_size=5)


def fee_rules(region_list: st.SearchStrategy[tuple[str, ...]]) -> st.SearchStrategy[FeeRule]:
    return st.builds(FeeRule, region_list, st.integers(1, 5000), minor, st.integers(1, 5000), minor)


@st.composite
def free_rules(draw: st.DrawFn) -> FreeRule:
    amount = draw(st.one_of(st.none(), minor))
    items = draw(st.integers(1, 50) if amount is None else st.one_of(st.none(), st.integers(1, 50)))
    return FreeRule(tuple(draw(st.lists(regions, max_size=3))), amount, items)


@st.composite
def templates(draw: st.DrawFn, with_free: bool = True) -> ShippingTemplate:
    priced = draw(st.lists(regions, unique_by=str.casefold, max_size=8))
    rules = []
    while priced:  # cut the priced regions into consecutive rules: no region in two rules
        take = draw(st.integers(1, len(priced)))
        rules.append(draw(fee_rules(st.just(tuple(priced[:take])))))
        priced = priced[take:]
    return ShippingTemplate(
        name=draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        mode=draw(st.sampled_from(["piece", "weight"])),
        default=draw(fee_rules(st.just(()))),
        rules=tuple(rules),
        free=tuple(draw(st.lists(free_rules(), max_size=3))) if with_free else (),
        excluded_regions=tuple(draw(excluded)),
    )
