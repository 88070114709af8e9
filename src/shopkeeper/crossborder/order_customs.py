"""Customs use cases that start from an order id: its customs view, its duty payer, its commercial invoice, a customs
seizure reported on it (RULES.md §6.1, §6.3). They find the order through orders' use cases (so the caller's scope
applies: another tenant's order is a 404) and leave its money to after-sales.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.aftersales.cases import seizure as seizure_case
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.crossborder import invoice as invoice_pdf
from shopkeeper.crossborder import service
from shopkeeper.crossborder.models import CustomsSeizure, OrderDutyPayer
from shopkeeper.crossborder.rules import duty_payer_change_allowed
from shopkeeper.crossborder.seizures import SeizureCause, responsible_for_seizure
from shopkeeper.crossborder.table import load_table
from shopkeeper.errors import Conflict, InvalidInput, NotAllowedInState
from shopkeeper.money import Money
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.scope import SYSTEM, require_role, require_store_manager

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order


@dataclass(frozen=True)
class OrderCustoms:
    order: Order
    cross_border: bool
    estimate: service.Estimate | None
    duty_payer: str | None
    payer_fixed: bool
    payer_may_change: bool
    seizure: CustomsSeizure | None


def _seizure_of(session: Session, order_id: int) -> CustomsSeizure | None:
    return session.scalar(select(CustomsSeizure).where(CustomsSeizure.order_id == order_id))


def order_customs(session: Session, actor: Principal, order_id: int) -> OrderCustoms:
    """What customs means for one order: its buyer, its store's staff and the operator may read it."""
    order = orders.get_order(session, actor, order_id)
    profile = service.order_abroad(session, order)
    if profile is None:
        return OrderCustoms(order, False, None, None, False, False, _seizure_of(session, order.id))
    row = service.duty_payer_of(session, order)
    return OrderCustoms(order, True, service.order_estimate(session, order), row.duty_payer if row else profile.duty_payer,
                        service.payer_fixed(session, order),
                        duty_payer_change_allowed(service.destination_of(order), picked_up=order.picked_up_at is not None),
                        _seizure_of(session, order.id))


def set_duty_payer(session: Session, now: datetime, actor: Principal, order_id: int, payer: service.DutyPayer) -> OrderDutyPayer:
    """Staff of the store or the operator say who pays duties; Canada refuses a change after pickup (§6.1)."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    order = orders.get_order(session, actor, order_id, for_update=True)
    require_store_manager(actor, order.store_id)
    if order.status in (OrderStatus.CLOSED, OrderStatus.COMPLETED):
        raise NotAllowedInState(f"order {order.number} is {order.status}: its duty payer no longer matters",
                                current_status=order.status)
    return service.change_duty_payer(session, now, order, payer)


# --- the commercial invoice ------------------------------------------------------------------------

def commercial_invoice(session: Session, actor: Principal, order_id: int) -> bytes:
    """The order's commercial invoice as PDF, for its store's staff and the operator; only for a cross-border order."""
    view = order_customs(session, actor, order_id)
    order = view.order
    require_store_manager(actor, order.store_id)
    profile = service.profile_of(session, order.store_id)
    if not view.cross_border or profile is None:
        raise NotAllowedInState(f"order {order.number} does not cross a border: it has no commercial invoice")
    store = catalog.store_by_id(session, order.store_id)
    skus = {sku.id: sku for sku in catalog.skus_with_products(session, [line.sku_id for line in order.lines])[0].values()}
    origins = service.origins_of(session, list(skus))
    lines = []
    for line in order.lines:
        sku = skus[line.sku_id]
        paid = Money(line.payable_minor, order.currency)
        value = Money(sku.declared_value_minor * line.quantity, order.currency) if sku.declared_value_minor is not None else paid
        origin = origins.get(line.sku_id)
        lines.append(invoice_pdf.InvoiceLine(
            description=sku.customs_name_en or line.title, hs_code=sku.hs_code or "", quantity=line.quantity,
            origin=origin.origin_country if origin else profile.home_country, value=value,
            unit_value=Money(value.minor // line.quantity, order.currency)))
    goods = sum((line.value for line in lines), Money.zero(order.currency))
    paid_goods = Money(sum(line.payable_minor for line in order.lines), order.currency)
    ship_to = order.ship_to
    buyer = tuple(str(ship_to.get(k) or "") for k in ("recipient", "line1", "city", "region", "postcode", "country"))
    seller = (profile.seller_name or store.name, *[part.strip() for part in profile.seller_address.split("\n") if part.strip()],
              profile.home_country)
    restrictions = load_table().destination(service.destination_of(order)).restrictions
    document = invoice_pdf.Invoice(
        number=order.number, date=(order.shipped_at or order.placed_at).date().isoformat(), seller=seller,
        buyer=tuple(part for part in buyer if part), destination=service.destination_of(order), lines=tuple(lines),
        goods=goods, shipping=Money(order.total_minor, order.currency) - paid_goods, duty_payer=view.duty_payer or "buyer",
        payer_fixed=view.payer_fixed, original="needs-original-invoice" in restrictions)
    return invoice_pdf.render(document)


# --- customs seizures (§6.3) ------------------------------------------------------------------------

def _cause(cause: str | None) -> str | None:
    if cause is None:
        return None
    try:
        return SeizureCause(cause).value
    except ValueError:
        raise InvalidInput(f"unknown seizure cause {cause}; one of {', '.join(c.value for c in SeizureCause)}") from None


def _crosses_border(session: Session, order: Order) -> bool:
    return service.order_abroad(session, order) is not None


def _seize(session: Session, now: datetime, order: Order, cause: str | None, source: str, note: str) -> CustomsSeizure:
    if not _crosses_border(session, order):
        raise NotAllowedInState(f"order {order.number} does not cross a border: no customs hold it")
    if _seizure_of(session, order.id) is not None:
        raise Conflict(f"a customs seizure is recorded on order {order.number} already")
    responsible = responsible_for_seizure(cause)
    case = seizure_case.settle_seizure(session, now, order, responsible, cause)
    row = CustomsSeizure(order_id=order.id, store_id=order.store_id, cause=cause, responsible=responsible, source=source,
                         note=note[:500], case_id=case.id, recorded_at=now)
    session.add(row)
    session.flush()
    events.record(session, now, "order.seized", f"order:{order.id}", order.store_id, cause=cause, responsible=responsible,
                  source=source, case_id=case.id, refunded_minor=case.refund_minor or 0, resolution=case.resolution)
    return row


def report_seizure(session: Session, now: datetime, actor: Principal, order_id: int, cause: str | None, note: str = "") -> CustomsSeizure:
    """Staff of the store or the operator report that customs seized the order's goods, and why (RULES.md §6.3)."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    checked = _cause(cause)
    order = orders.get_order(session, actor, order_id, for_update=True)
    require_store_manager(actor, order.store_id)
    return _seize(session, now, order, checked, "operator" if actor.role is Role.OPERATOR else "staff", note)


def held_by_customs(session: Session, now: datetime, order_id: int, cause: str | None = None, note: str = "") -> CustomsSeizure | None:
    """A tracking event said customs hold the parcel (`shipment.held_by_customs`): the same seizure, reported by the
    carrier. A repeated or late event changes nothing (None)."""
    order = orders.get_order(session, SYSTEM, order_id, for_update=True)
    if (_seizure_of(session, order.id) is not None or order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
            or not _crosses_border(session, order)):
        return None
    return _seize(session, now, order, _cause(cause), "tracking", note)
