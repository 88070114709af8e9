"""An order as a marketplace file states it, before it enters our order lifecycle (RULES.md §5.1 stage 1).

Plain frozen values, so the import step can dedupe by (channel, channel_order_id) against the
database, map `sku` to our SKUs and create the order without reading the file again. Amounts are
exact `Money` in the file's currency; nothing here is recomputed or rounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from shopkeeper.money import Money
from shopkeeper.orders.intake.statuses import IntakeStatus

ChannelName = Literal["amazon", "shopify", "ebay", "aliexpress"]
LayoutName = Literal["amazon", "shopify", "ebay"]


@dataclass(frozen=True)
class ShipTo:
    """Where the buyer wants the goods; any part but the country may be unknown (None or empty)."""

    country: str  # ISO 3166-1 alpha-2
    name: str | None = None
    lines: tuple[str, ...] = ()
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ImportedLine:
    """One item line: the channel's SKU code, how many, and the price of one."""

    sku: str
    quantity: int
    unit_price: Money
    title: str
    discount: Money  # this line's share of the discounts when the file states it, else zero
    channel_status: str | None = None  # Amazon's item-status

    @property
    def amount(self) -> Money:
        return self.unit_price.times(self.quantity)


@dataclass(frozen=True)
class ImportedOrder:
    channel: ChannelName
    channel_order_id: str
    placed_at: datetime  # aware, UTC
    channel_status: str
    status: IntakeStatus
    currency: str
    lines: tuple[ImportedLine, ...]
    shipping: Money
    discounts: Money  # all discounts on the order, goods and shipping, as a positive amount
    taxes: Money
    ship_to: ShipTo
    total: Money | None = None  # the total the file states; Amazon's all-orders file has none
    gift_wrap: Money | None = None
    buyer_name: str | None = None
    buyer_email: str | None = None
    shipping_service: str | None = None
    fulfilled_by_channel: bool = False  # Amazon FBA: the marketplace ships, not us
    first_line: int = field(default=0, compare=False)  # the file line of its first row, for messages

    @property
    def goods(self) -> Money:
        return sum((line.amount for line in self.lines), Money.zero(self.currency))

    def computed_total(self) -> Money:
        """Goods + shipping + gift wrap + taxes − discounts, the sum a channel's total should equal.

        Taxes count on top of the prices; a store whose prices include tax (Shopify's "taxes
        included") states a total that does not reconcile, and `reconciles` says so.
        """
        extras = self.shipping + self.taxes + (self.gift_wrap or Money.zero(self.currency))
        return self.goods + extras - self.discounts

    @property
    def reconciles(self) -> bool:
        return self.total is None or self.total == self.computed_total()


# Why a line was refused or skipped, as a stable code; the interfaces word each one (the console in zh and en,
# console/i18n_backoffice.py) from the code and its params, the API and the CLI also carry `message` in English.
ProblemCode = Literal[
    "missing-column", "no-header", "not-an-export", "value-required", "sku-required", "not-an-amount",
    "too-many-decimals", "not-a-quantity", "unknown-currency", "amount-other-currency", "unknown-country",
    "not-a-date", "unknown-status", "price-not-even", "no-order-row", "no-total-row", "no-item-row", "conflict",
    # what the import step says of a whole order (service.py)
    "cancelled", "not-paid-yet", "fulfilled-by-channel", "order-id-too-long", "unknown-sku", "discounts-exceed",
    "line-discount-exceeds", "refused-by-rule",
]


@dataclass(frozen=True)
class RowError:
    """A row that did not parse: its physical line in the file (1-based, header and preamble
    counted), the column at fault (or "file" / "order"), and why: in English (`message`) and as a code with
    the values its wording needs (`params`, as text)."""

    line_number: int
    column: str
    message: str
    code: ProblemCode = field(compare=False)
    params: tuple[tuple[str, str], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class ParseResult:
    orders: tuple[ImportedOrder, ...]
    errors: tuple[RowError, ...]
