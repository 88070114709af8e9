"""Fulfillment use cases for now: shipping templates, quotes at checkout, shipments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal
from shopkeeper.fulfillment import carrier_service, rules
from shopkeeper.fulfillment.models import AllocationSettings, Shipment, ShippingTemplateRow
from shopkeeper.money import Money
from shopkeeper.scope import require_store_manager

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Product, Sku, Store
    from shopkeeper.customers.models import Address


def create_template(session: Session, now: datetime, actor: Principal, store_id: int, spec: dict[str, Any],
                    is_default: bool = False) -> ShippingTemplateRow:
    require_store_manager(actor, store_id)
    template = rules.template_from_dict(spec)  # validates; raises InvalidInput
    if is_default:
        session.execute(update(ShippingTemplateRow).where(ShippingTemplateRow.store_id == store_id).values(is_default=False))
    row = ShippingTemplateRow(store_id=store_id, name=template.name, is_default=is_default, spec=rules.template_to_dict(template))
    session.add(row)
    session.flush()
    events.record(session, now, "shipping_template.created", f"shipping_template:{row.id}", store_id, name=template.name)
    return row


def list_templates(session: Session, store_id: int) -> list[ShippingTemplateRow]:
    return list(session.scalars(select(ShippingTemplateRow).where(ShippingTemplateRow.store_id == store_id).order_by(ShippingTemplateRow.id)))


def quote_order(session: Session, store: Store, items: Sequence[tuple[Product, Sku, int]], address: Address) -> Money:
    """Goods + shipping: each product ships under its own template, else the store's default.

    A store with no template at all ships free.
    """
    templates = {row.id: row for row in list_templates(session, store.id)}
    default_id = next((row.id for row in templates.values() if row.is_default), None)
    groups: dict[int, list[rules.ShippableLine]] = {}
    for product, sku, quantity in items:
        template_id = product.shipping_template_id or default_id
        if template_id is None:
            continue
        groups.setdefault(template_id, []).append(
            rules.ShippableLine(quantity=quantity, weight_grams=sku.weight_grams, amount_minor=sku.price_minor * quantity))
    destination = rules.Destination(country=address.country, region=address.region or None)
    return rules.quote([(rules.template_from_dict(templates[tid].spec), lines) for tid, lines in groups.items()],
                       destination, store.currency)


def record_shipment(session: Session, now: datetime, store_id: int, order_id: int, carrier: str, tracking_number: str) -> Shipment:
    """A parcel left; its shipping class is fixed now, from the store's carriers and its rulebook (RULES.md §5.6)."""
    shipment = Shipment(order_id=order_id, store_id=store_id, carrier=carrier, tracking_number=tracking_number, shipped_at=now,
                        shipping_class=carrier_service.shipping_class(session, store_id, carrier))
    session.add(shipment)
    return shipment


def shipping_class_of(session: Session, order_id: int) -> tuple[datetime, str | None] | None:
    """When an order's first parcel left and its shipping class; None when it never shipped."""
    shipment = session.scalar(select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.id).limit(1))
    return None if shipment is None else (shipment.shipped_at, shipment.shipping_class)


def record_delivery(session: Session, now: datetime, order_id: int) -> None:
    session.execute(update(Shipment).where(Shipment.order_id == order_id, Shipment.delivered_at.is_(None)).values(delivered_at=now))


def template_store(session: Session, template_id: int) -> int | None:
    """The store a shipping template belongs to, None when there is none: the catalog checks the template a product
    names with it (the composition root hands it to `catalog.service.use_shipping_templates`)."""
    template = session.get(ShippingTemplateRow, template_id)
    return template.store_id if template is not None else None


def promised_days_for(session: Session, store_id: int, country: str) -> int | None:
    """The store's promised delivery days (承诺运达时间) to `country`, capped when stored (RULES.md §5.5); None: no
    promise set. Cross-border after-sales windows are measured from it."""
    settings = session.get(AllocationSettings, store_id)
    value = settings.promised_days.get(country) if settings else None
    return int(value) if value is not None else None
