"""活动价/秒杀价/会员价: a new price on every covered unit (RULES.md §3.6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Mapping, final

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, per_unit, percent_of
from shopkeeper.promotions.engine.terms import BenefitTerms, CartLine, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@final
@dataclass(frozen=True)
class UnitPrice(BenefitTerms):
    """A new unit price on every covered unit.

    Exactly one of `price` (活动价/秒杀价/会员价, or 全场两元 for a store scope),
    `prices` (one price per SKU), `percent_off` or `amount_off`; or only `cap`
    (全场50封顶: nothing costs more than the cap). `floor_percent` keeps a price
    at or above that fraction of list (N折起: "from 10%" never goes below 10%).
    """

    price: int | None = None
    prices: Mapping[int, int] = field(default_factory=dict)
    percent_off: Decimal | None = None
    amount_off: int | None = None
    cap: int | None = None
    floor_percent: Decimal | None = None

    @property
    def stage(self) -> Stage:
        return "item"  # where it runs (`terms.stage_of`)

    @property
    def per_line(self) -> bool:
        return True  # each line's new price depends on that line alone

    def line_alone(self, line: CartLine, units: int, now: datetime) -> int:
        unit = line.unit_price
        return unit * line.quantity - max(0, unit - unit_price_after(self, unit, line.sku_id)) * units


def unit_price_after(b: UnitPrice, unit: int, sku_id: int) -> int:
    if b.prices:
        price = b.prices.get(sku_id, unit)
    elif b.price is not None:
        price = b.price
    elif b.percent_off is not None:
        price = unit - percent_of(unit, b.percent_off)
    elif b.amount_off is not None:
        price = unit - b.amount_off
    else:
        price = unit
    if b.cap is not None:
        price = min(price, b.cap)
    if b.floor_percent is not None:
        price = max(price, unit - percent_of(unit, 1 - b.floor_percent))
    return max(0, min(price, unit))


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, UnitPrice)
    return per_unit(run, promo, lines, lambda line: unit_price_after(b, line.src.unit_price, line.src.sku_id))
