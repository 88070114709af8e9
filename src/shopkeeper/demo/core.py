"""What the demo keeps in memory (its shops, their items and shoppers) and the event loop every actor schedules on."""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable

from shopkeeper import rulebooks, timers
from shopkeeper.auth import Principal
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database

if TYPE_CHECKING:
    from shopkeeper.demo.aftersales import AfterSalesDesk
    from shopkeeper.demo.backoffice import BackOfficeDesk
    from shopkeeper.demo.warehouse import WarehouseDesk

# --- what the simulation keeps in memory -----------------------------------------------------

@dataclass
class Item:
    sku_id: int
    list_price: int
    price: int
    popularity: float
    warehouse_id: int
    scarce: bool
    split: dict[int, float]  # warehouse → share of the opening stock
    restock_at: int = 0
    restock_by: int = 0


@dataclass
class DemoShopper:
    principal: Principal
    address_id: int
    utc_offset: int
    appetite: float
    remote: bool = False


@dataclass
class DemoShop:
    store_id: int
    currency: str
    book: rulebooks.Rulebook
    staff: Principal
    orders_per_day: float
    staff_offset: int
    items: list[Item] = field(default_factory=list)
    shoppers: list[DemoShopper] = field(default_factory=list)
    warehouse_country: dict[int, str] = field(default_factory=dict)
    item_cum: list[float] = field(default_factory=list)
    shopper_cum: list[float] = field(default_factory=list)
    promo_code: str | None = None  # a creator's code some buyers type at checkout
    carriers: dict[str, tuple[str, tuple[int, int]]] | None = None  # None: by market, as `ship` picks

    @property
    def cross_border(self) -> bool:
        return self.currency != "CNY"


class DemoCore:
    """The state of one run and its queue of things to do later; the actors (`staff`, `buyers`, `opening`) build on it."""

    desk: AfterSalesDesk  # set by `DemoRun`, which the desk works for
    warehouse_desk: WarehouseDesk  # likewise: the floor's scans before an order ships, restocks by scan
    backoffice_desk: BackOfficeDesk  # likewise: customs holds on parcels abroad, marketplace orders

    def __init__(self, db: Database, clock: SimulatedClock, rng: random.Random, secret: str, scale: float,
                 start: datetime, end: datetime) -> None:
        self.db, self.clock, self.rng, self.secret, self.scale = db, clock, rng, secret, scale
        self.start, self.end = start, end
        self.queue: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self.sequence = itertools.count()
        self.shops: list[DemoShop] = []
        self.tally: Counter[str] = Counter()
        self.fired = 0
        self.barcodes = itertools.count(10001)

    # --- the event loop ---------------------------------------------------------------------

    def later(self, at: datetime, action: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self.queue, (at, next(self.sequence), action, args))

    def run_until(self, moment: datetime) -> None:
        while self.queue and self.queue[0][0] <= moment:
            at, _, action, args = heapq.heappop(self.queue)
            self.fired += timers.advance_to(self.db, self.clock, at)
            action(*args)
        self.fired += timers.advance_to(self.db, self.clock, moment)

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def staff_hours(self, shop: DemoShop, at: datetime, offset: int | None = None) -> datetime:
        """Staff work 09:00–21:00 local time; later work waits for the next morning."""
        local_hour = (at.hour + (shop.staff_offset if offset is None else offset)) % 24
        if 9 <= local_hour < 21:
            return at
        wait = (9 - local_hour) % 24
        return at.replace(minute=0, second=0) + timedelta(hours=wait, minutes=self.rng.randrange(90))


def about(rng: random.Random, mean: float) -> int:
    """A day's count of something that happens about `mean` times a day (never fewer than none)."""
    return max(0, round(rng.gauss(mean, mean ** 0.5)))


def shelf_price(minor: int, currency: str) -> int:
    """Prices as shops write them: ¥89.90 and ¥168.00 in China, $24.99 elsewhere."""
    if currency == "CNY":
        if minor < 10000:
            return max(990, round(minor / 100) * 100 - 10)
        return round(minor / 1000) * 1000 - 200
    return max(99, round(minor / 100) * 100 - 1)
