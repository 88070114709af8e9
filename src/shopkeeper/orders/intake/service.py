"""Bring parsed marketplace orders into our order lifecycle (RULES.md §5.1 stage 1 "order intake", §17.4).

Each `ImportedOrder` becomes one of our orders through the orders domain's own steps (`orders.service.mark_paid`,
`ship`, `complete`), so it has the same ship-by deadline, timers, after-sales and ledger as an order placed here.
One savepoint per order: a refused order leaves no row behind, and the others still import.

Readings (RULES.md §5.1 and §17.4 are silent on these):
- Money the marketplace collected: the marketplace is the order's payment provider. An order paid there enters
  as paid with a succeeded `Payment` (provider = the channel) and the usual `provider → escrow` posting; escrow is
  released to the store's balance when the order completes, as for our own orders, so the ledger sums to zero and
  escrow always holds what the open paid orders took. The total is goods + shipping + gift wrap − discounts;
  taxes stay out of it (marketplaces collect and remit them) and are kept on the imported order's row, with the
  file's own total.
- The ship-by clock starts at the import: the store learns of the order only then (`paid_at` = import time;
  `placed_at` keeps the channel's moment).
- Stock: reserved like our own paid orders; a line no warehouse can cover refuses the whole order with the
  reason (the store sees it oversold on the channel and decides), never a half-stocked order.
- Shipped on the channel: shipped here through `ship`, consuming the reserved stock. The files carry no tracking
  number, so the carrier is the channel's shipping service (or the channel) and the tracking number
  "<channel>:<order id>"; completed orders then complete, releasing escrow.
- Cancelled, not yet payable, and Amazon-fulfilled (FBA: neither our stock nor our parcel) orders are skipped:
  counted and reported, not refused. Refused counts orders refused and file lines that did not parse.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.service import skus_by_code, store_by_id
from shopkeeper.customers.service import create_buyer
from shopkeeper.db import newest_first
from shopkeeper.errors import DomainError, InvalidInput, NotFound
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.orders import service as orders
from shopkeeper.orders.intake import imported as parsed_orders
from shopkeeper.orders.intake.imported import LayoutName, ProblemCode
from shopkeeper.orders.intake.layouts import sniff
from shopkeeper.orders.intake.models import ChannelBuyer, ImportBatch
from shopkeeper.orders.intake.models import ImportedOrder as ImportedRow
from shopkeeper.orders.intake.statuses import IntakeStatus
from shopkeeper.orders.models import Order, OrderLine, Payment
from shopkeeper.orders.rules import OrderStatus, pay_by
from shopkeeper.scope import SYSTEM, require_role, require_store_manager, scoped

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Sku, Store

MAX_CHANNEL_ORDER_ID = 64  # imported_orders.channel_order_id
SKIPPED_STATUSES: dict[IntakeStatus, tuple[ProblemCode, str]] = {
    IntakeStatus.CANCELLED: ("cancelled", "cancelled on the channel"),
    IntakeStatus.NOT_IMPORTABLE: ("not-paid-yet", "not paid yet on the channel; a later import brings it in"),
}
FULFILLED_BY_CHANNEL: tuple[ProblemCode, str] = ("fulfilled-by-channel",
                                                 "fulfilled by the channel: neither our stock nor our shipment")


@dataclass(frozen=True)
class ImportSource:
    layout: str
    file_name: str = ""


@dataclass(frozen=True)
class Reported:
    """A file line refused or skipped: where, which column (or "order"), why (in English, and as a code with the
    values its wording needs, for the console to say in the reader's language), and the channel's order id if known."""

    line: int
    column: str
    message: str
    code: ProblemCode
    params: dict[str, str] = field(default_factory=dict)
    outcome: str = "refused"  # refused | skipped
    channel_order_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message, "code": self.code,
                "params": self.params, "outcome": self.outcome, "channel_order_id": self.channel_order_id}


@dataclass
class ImportReport:
    batch_id: int = 0
    imported: int = 0
    already_there: int = 0
    skipped: int = 0
    refused: int = 0
    reported: list[Reported] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)


class Refused(Exception):
    def __init__(self, column: str, message: str, code: ProblemCode, **params: object) -> None:
        super().__init__(message)
        self.column, self.message, self.code = column, message, code
        self.params = {k: str(v) for k, v in params.items()}


def read_export(data: bytes, wanted: LayoutName | None) -> tuple[LayoutName, str]:
    """An uploaded export's layout (sniffed from its header; `wanted`, when given, must match it) and its text.

    A file whose header no layout knows is no export, whatever the uploader chose."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text") from None
    sniffed = sniff(text)
    if sniffed is None:
        raise InvalidInput("not an Amazon, Shopify or eBay export")
    if wanted is not None and wanted != sniffed:
        raise InvalidInput(f"the file is a {sniffed} export, not {wanted}")
    return sniffed, text


def import_orders(session: Session, now: datetime, actor: Principal, store_id: int,
                  parsed: parsed_orders.ParseResult, source: ImportSource,
                  on_order: Callable[[], None] | None = None) -> ImportReport:
    """Import every order of a parsed file for the store; the operator or the store's staff only."""
    require_store_manager(actor, store_id)
    store = store_by_id(session, store_id)
    batch = ImportBatch(store_id=store_id, key_id=actor.key_id, role=actor.role.value, at=now, layout=source.layout,
                        file_name=source.file_name[:200], errors=[])
    session.add(batch)
    session.flush()
    report = ImportReport(batch_id=batch.id)
    for error in parsed.errors:
        report.reported.append(Reported(error.line_number, error.column, error.message, error.code, dict(error.params)))
    report.refused += len({error.line_number for error in parsed.errors})
    for imported in parsed.orders:
        _take(session, now, actor, store, batch, imported, report)
        if on_order is not None:
            on_order()
    report.reported.sort(key=lambda r: r.line)
    batch.imported, batch.already_there = report.imported, report.already_there
    batch.skipped, batch.refused = report.skipped, report.refused
    batch.errors = [r.as_json() for r in report.reported]
    events.record(session, now, "import.finished", f"import:{batch.id}", store_id, layout=source.layout,
                  file_name=batch.file_name, imported=report.imported, already_there=report.already_there,
                  skipped=report.skipped, refused=report.refused)
    return report


def _take(session: Session, now: datetime, actor: Principal, store: Store, batch: ImportBatch,
          imported: parsed_orders.ImportedOrder, report: ImportReport) -> None:
    if _already_there(session, store.id, imported):
        report.already_there += 1
        return
    reason = _skip_reason(imported)
    if reason is not None:
        report.skipped += 1
        report.reported.append(Reported(imported.first_line, "order", reason[1], reason[0], {}, "skipped",
                                        imported.channel_order_id))
        return
    try:
        with session.begin_nested():  # one savepoint per order: a refusal leaves nothing of it behind
            order = _bring_in(session, now, actor, store, batch, imported)
    except Refused as refusal:
        report.refused += 1
        report.reported.append(Reported(imported.first_line, refusal.column, refusal.message, refusal.code,
                                        refusal.params, "refused", imported.channel_order_id))
        return
    except DomainError as error:
        report.refused += 1
        said = str(error.detail or error.title)  # the engine's own problem: worded by the API's problem catalog
        report.reported.append(Reported(imported.first_line, "order", said, "refused-by-rule",
                                        {"error": error.code, "detail": said}, "refused", imported.channel_order_id))
        return
    except IntegrityError:  # the savepoint is rolled back; a concurrent import of the same order won the race
        if not _already_there(session, store.id, imported):
            raise
        report.already_there += 1
        return
    report.imported += 1
    report.order_ids.append(order.id)


def _already_there(session: Session, store_id: int, imported: parsed_orders.ImportedOrder) -> bool:
    return session.scalar(select(ImportedRow.id).where(
        ImportedRow.store_id == store_id, ImportedRow.channel == imported.channel,
        ImportedRow.channel_order_id == imported.channel_order_id)) is not None


def _skip_reason(imported: parsed_orders.ImportedOrder) -> tuple[ProblemCode, str] | None:
    if imported.status in SKIPPED_STATUSES:
        return SKIPPED_STATUSES[imported.status]
    if imported.fulfilled_by_channel:
        return FULFILLED_BY_CHANNEL
    return None


def _bring_in(session: Session, now: datetime, actor: Principal, store: Store, batch: ImportBatch,
              imported: parsed_orders.ImportedOrder) -> Order:
    if len(imported.channel_order_id) > MAX_CHANNEL_ORDER_ID:
        raise Refused("order", f"a channel order id longer than {MAX_CHANNEL_ORDER_ID} characters", "order-id-too-long",
                      limit=MAX_CHANNEL_ORDER_ID)
    skus = _skus(session, store.id, imported)
    buyer_id = _buyer(session, now, store.id, imported)
    order = _order(session, now, store, buyer_id, imported)
    for line in imported.lines:
        order.lines.append(_line(session, now, order, skus[line.sku], line))
    session.flush()
    events.record(session, now, "order.imported", orders.subject(order), store.id, number=order.number,
                  channel=imported.channel, channel_order_id=imported.channel_order_id, batch_id=batch.id,
                  channel_status=imported.channel_status, total_minor=order.total_minor, currency=order.currency,
                  lines=len(order.lines))
    payment = Payment(order_id=order.id, store_id=store.id, provider=imported.channel, amount_minor=order.total_minor,
                      currency=order.currency, status="succeeded", created_at=now, settled_at=now,
                      note=f"paid on {imported.channel}: order {imported.channel_order_id}"[:200])
    session.add(payment)
    session.flush()
    orders.mark_paid(session, now, order, payment)
    if imported.status in (IntakeStatus.SHIPPED, IntakeStatus.COMPLETED):
        carrier = (imported.shipping_service or imported.channel)[:64]
        orders.ship(session, now, actor, order.id, carrier, f"{imported.channel}:{imported.channel_order_id}"[:64])
    if imported.status is IntakeStatus.COMPLETED:
        orders.complete(session, now, order, by=imported.channel)
    session.add(ImportedRow(store_id=store.id, channel=imported.channel, channel_order_id=imported.channel_order_id,
                            channel_status=imported.channel_status[:40], taxes_minor=imported.taxes.minor,
                            stated_total_minor=imported.total.minor if imported.total is not None else None,
                            shipping_service=(imported.shipping_service or "")[:64] or None, order_id=order.id,
                            batch_id=batch.id, imported_at=now))
    session.flush()
    return order


def _skus(session: Session, store_id: int, imported: parsed_orders.ImportedOrder) -> dict[str, Sku]:
    codes = {line.sku for line in imported.lines}
    found = skus_by_code(session, store_id, codes)
    unknown = sorted(codes - found.keys())
    if unknown:
        raise Refused("sku", f"no SKU of this store has the code {', '.join(unknown)}", "unknown-sku",
                      codes=", ".join(unknown))
    return found


def _buyer(session: Session, now: datetime, store_id: int, imported: parsed_orders.ImportedOrder) -> int:
    """The channel's customer, by email, else by name (the buyer's, else the recipient's)."""
    name = imported.buyer_name or imported.ship_to.name or f"{imported.channel} buyer"
    key = (imported.buyer_email or name).strip().casefold()[:200]
    known = session.scalar(select(ChannelBuyer.buyer_id).where(
        ChannelBuyer.store_id == store_id, ChannelBuyer.channel == imported.channel, ChannelBuyer.buyer_key == key))
    if known is not None:
        return known
    # the engine creates the buyer: the importing staff may not, yet the order needs one
    buyer = create_buyer(session, now, SYSTEM, name[:120], (imported.buyer_email or None) and imported.buyer_email[:200],
                         imported.ship_to.phone and imported.ship_to.phone[:40])
    session.add(ChannelBuyer(store_id=store_id, channel=imported.channel, buyer_key=key, buyer_id=buyer.id))
    return buyer.id


def _order(session: Session, now: datetime, store: Store, buyer_id: int, imported: parsed_orders.ImportedOrder) -> Order:
    zero = Money.zero(imported.currency)
    shipping = imported.shipping + (imported.gift_wrap or zero)
    total = imported.goods + shipping - imported.discounts
    if total.minor < 0:
        raise Refused("order", f"the discounts ({imported.discounts.minor}) exceed goods and shipping", "discounts-exceed",
                      amount=imported.discounts)
    order = Order(
        number=f"{now:%y%m%d}{secrets.randbelow(10**12):012d}", store_id=store.id, buyer_id=buyer_id,
        status=OrderStatus.AWAITING_PAYMENT.value, currency=imported.currency, goods_minor=imported.goods.minor,
        shipping_minor=shipping.minor, discount_minor=imported.discounts.minor, total_minor=total.minor,
        ship_to=_ship_to(imported.ship_to), placed_at=imported.placed_at,
        pay_by=pay_by(imported.placed_at, rulebooks.load(store.rulebook)), lines=[],
        pricing=None,  # no promotion of ours priced it: the channel did
        sales_channel=imported.channel,  # allocation rules may route by it (fulfillment.allocation, RULES.md §5.1)
    )
    session.add(order)
    session.flush()
    return order


def _line(session: Session, now: datetime, order: Order, sku: Sku, line: parsed_orders.ImportedLine) -> OrderLine:
    if line.discount.minor > line.amount.minor:
        raise Refused("discount", f"line {line.sku}: the discount exceeds the line's amount", "line-discount-exceeds",
                      sku=line.sku)
    # reserved as our own paid orders are; a line no warehouse covers refuses the order (OutOfStock)
    warehouse_id = inventory.reserve(session, now, order.store_id, sku.id, line.quantity, order.id)
    return OrderLine(store_id=order.store_id, sku_id=sku.id, product_id=sku.product_id, warehouse_id=warehouse_id,
                     sku_code=sku.code, title=line.title[:200], options=dict(sku.options),
                     unit_price_minor=line.unit_price.minor, quantity=line.quantity, line_total_minor=line.amount.minor,
                     discount_minor=line.discount.minor, payable_minor=line.amount.minor - line.discount.minor,
                     discounts=[])


def _ship_to(ship_to: parsed_orders.ShipTo) -> dict[str, str]:
    """The same snapshot keys as checkout's, the further address lines joined into line1."""
    return {"recipient": ship_to.name or "", "phone": ship_to.phone or "", "country": ship_to.country,
            "region": ship_to.region or "", "city": ship_to.city or "", "line1": ", ".join(ship_to.lines),
            "postcode": ship_to.postal_code or ""}


# --- reading batches ----------------------------------------------------------------------------

def list_batches(session: Session, actor: Principal, store_id: int, limit: int,
                 before_id: int | None = None) -> list[ImportBatch]:
    """A store's imports, newest first: its staff and the operator."""
    require_store_manager(actor, store_id)
    query = newest_first(select(ImportBatch).where(ImportBatch.store_id == store_id), ImportBatch.id, limit, before_id)
    return list(session.scalars(scoped(query, actor, ImportBatch.store_id)))


def get_batch(session: Session, actor: Principal, batch_id: int) -> ImportBatch:
    """One import; buyers may not read imports, and another store's answers like a missing one."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    batch = session.scalar(scoped(select(ImportBatch).where(ImportBatch.id == batch_id), actor, ImportBatch.store_id))
    if batch is None:
        raise NotFound(f"import {batch_id} does not exist")
    return batch
