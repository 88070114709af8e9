"""Where imported orders come from: a marketplace, an export file, or a sandbox (RULES.md §5.1 stage 1).

RULES.md §5.1 has orders arrive through the marketplaces' official APIs and shipments go back
the same way. A `Channel` is that seam: the import step asks it for orders placed since a moment
and tells it what shipped, without knowing whether a marketplace API, a file or the sandbox answers.

- `FileChannel` reads one export file (the one place in intake that touches the file system).
  A file cannot take a shipment back; it keeps the pushed shipments so they can be written out as
  the marketplace's shipping-confirmation upload (our reading; that writer is a later step).
- `SandboxChannel(seed)` makes deterministic, plausible orders for the demo and tests, and keeps
  the shipments pushed to it; a shipped order then comes back as shipped.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Protocol

from shopkeeper.errors import NotFound
from shopkeeper.money import Money
from shopkeeper.orders.intake.imported import (
    ChannelName,
    ImportedLine,
    ImportedOrder,
    LayoutName,
    ParseResult,
    RowError,
    ShipTo,
)
from shopkeeper.orders.intake.layouts import parse, sniff
from shopkeeper.orders.intake.statuses import IntakeStatus


class Channel(Protocol):
    @property
    def name(self) -> ChannelName: ...

    def fetch_orders(self, since: datetime) -> ParseResult: ...

    def push_shipment(self, channel_order_id: str, carrier: str, tracking_number: str, shipped_at: datetime) -> None: ...


@dataclass(frozen=True)
class PushedShipment:
    channel_order_id: str
    carrier: str
    tracking_number: str
    shipped_at: datetime


class FileChannel:
    """One export file of one layout (given, or sniffed from its header)."""

    def __init__(self, path: Path, layout: LayoutName | None = None, *, zone: tzinfo = UTC) -> None:
        self.path = path
        self.layout = layout
        self.zone = zone
        self.shipments: list[PushedShipment] = []

    @property
    def name(self) -> ChannelName:
        return self.layout or self._sniffed()

    def fetch_orders(self, since: datetime) -> ParseResult:
        """The file's orders placed at or after `since`, and every row error in the file."""
        text = self.path.read_text(encoding="utf-8-sig")
        layout = self.layout or sniff(text)
        if layout is None:
            return ParseResult((), (RowError(1, "file", f"{self.path.name}: not an Amazon, Shopify or eBay export",
                                                "not-an-export", (("file", self.path.name),)),))
        result = parse(text, layout, zone=self.zone)
        return ParseResult(tuple(o for o in result.orders if o.placed_at >= since), result.errors)

    def push_shipment(self, channel_order_id: str, carrier: str, tracking_number: str, shipped_at: datetime) -> None:
        self.shipments.append(PushedShipment(channel_order_id, carrier, tracking_number, shipped_at))

    def _sniffed(self) -> LayoutName:
        with self.path.open(encoding="utf-8-sig") as lines:
            found = sniff(lines)
        if found is None:
            raise ValueError(f"{self.path.name}: not an Amazon, Shopify or eBay export")
        return found


# The sandbox's shelf: (channel SKU, title, unit price in minor units).
SANDBOX_CATALOG: tuple[tuple[str, str, int], ...] = (
    ("MUG-BLUE-12", "Harbor mug - Blue", 1200),
    ("TEA-GREEN-100", "Green tea 100 g", 850),
    ("POT-CAST-1", "Cast iron teapot", 3000),
    ("WHISK-80", "Matcha whisk", 1495),
    ("STRAINER-S", "Tea strainer", 950),
)

_PLACES = (
    ShipTo("US", "Ada Lovelace", ("12 Beacon St",), "Boston", "MA", "02134", "+1 617 555 0100"),
    ShipTo("GB", "Alan Turing", ("78 High St",), "Wilmslow", "Cheshire", "SK9 1AA"),
    ShipTo("DE", "Emmy Noether", ("Bunsenstr. 3",), "Göttingen", "NI", "37073"),
    ShipTo("CA", "Grace Hopper", ("1 Front St W",), "Toronto", "ON", "M5J 2X6"),
)

# Mostly orders to ship, a few still held or unpaid, the odd cancellation.
_STATUSES = (IntakeStatus.AWAITING_SHIPMENT,) * 6 + (
    IntakeStatus.PAID,
    IntakeStatus.NOT_IMPORTABLE,
    IntakeStatus.CANCELLED,
)


class SandboxChannel:
    """`count` orders spread over the days after `start`, the same for the same seed."""

    def __init__(
        self,
        seed: int,
        *,
        channel: ChannelName = "shopify",
        start: datetime = datetime(2026, 11, 1, tzinfo=UTC),
        count: int = 20,
        currency: str = "USD",
        catalog: Sequence[tuple[str, str, int]] = SANDBOX_CATALOG,
    ) -> None:
        self._channel: ChannelName = channel
        rng = random.Random(seed)
        self._orders = [self._order(rng, n, start, currency, catalog) for n in range(count)]
        self.shipments: list[PushedShipment] = []

    @property
    def name(self) -> ChannelName:
        return self._channel

    def fetch_orders(self, since: datetime) -> ParseResult:
        return ParseResult(tuple(o for o in self._orders if o.placed_at >= since), ())

    def push_shipment(self, channel_order_id: str, carrier: str, tracking_number: str, shipped_at: datetime) -> None:
        for index, order in enumerate(self._orders):
            if order.channel_order_id == channel_order_id:
                self._orders[index] = replace(order, status=IntakeStatus.SHIPPED, channel_status="shipped")
                self.shipments.append(PushedShipment(channel_order_id, carrier, tracking_number, shipped_at))
                return
        raise NotFound(f"no {self._channel} sandbox order {channel_order_id}")

    def _order(
        self, rng: random.Random, n: int, start: datetime, currency: str, catalog: Sequence[tuple[str, str, int]]
    ) -> ImportedOrder:
        picks = rng.sample(list(catalog), k=rng.randint(1, min(3, len(catalog))))
        lines = tuple(
            ImportedLine(sku, rng.randint(1, 3), Money(price, currency), title, Money.zero(currency))
            for sku, title, price in picks
        )
        shipping = Money(rng.choice((0, 0, 495, 800)), currency)
        goods = sum((line.amount for line in lines), Money.zero(currency))
        discounts = goods.percent("0.10") if rng.random() < 0.25 else Money.zero(currency)
        status = rng.choice(_STATUSES)
        ship_to = rng.choice(_PLACES)
        return ImportedOrder(
            channel=self._channel,
            channel_order_id=f"SBX-{n + 1:05d}",
            placed_at=start + timedelta(hours=6 * n, minutes=rng.randint(0, 359)),
            channel_status=status.value,
            status=status,
            currency=currency,
            lines=lines,
            shipping=shipping,
            discounts=discounts,
            taxes=Money.zero(currency),
            total=goods + shipping - discounts,
            ship_to=ship_to,
            buyer_name=ship_to.name,
            buyer_email=f"buyer{n + 1}@example.com",
            shipping_service=rng.choice(("Standard", "Expedited")),
        )
