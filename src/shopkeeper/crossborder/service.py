"""Customs as the running engine uses it: a store's customs profile, the landed-cost estimate at checkout, the check
at shipment, the duty payer fixed at pickup, the promise that bounds the buyer's protection (RULES.md §5.5, §6).

These use cases take rows the caller has loaded and authorised (an order, a store), so orders may call them while
shipping without a cycle; the ones that start from an order id live in `order_customs.py`. The rules are the pure
modules beside this one (`rules`, `hs_codes`, `seizures`, `protection`) over `customs.toml`.

Readings chosen (our choices where RULES.md is silent):
- A store is cross-border once it has a customs profile naming its home country; an order is cross-border when its
  destination is another country. Without a profile nothing here applies.
- The channel is the order's shipping method (the buyer's logistics choice, §5.5) when it has one, else the
  profile's usual channel; channel codes are lower-case slugs, so "HK-DHL" and "hk-dhl" are one channel.
- The estimate never changes what the buyer pays at checkout. Duties collect (buyer pays, the default): the buyer
  pays the duty to the carrier at the door. Prepaid (seller pays): the seller pays it to the carrier and the buyer owes
  nothing more; what the seller charges for that is its price. Either way the block is an estimate (§6.1).
- The dutiable value is what the buyer pays for the goods after discounts, in the store's currency; converted to the
  threshold's currency with the profile's rate. No rate: no duty figure (`no-exchange-rate`), never a guessed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal
from shopkeeper.catalog import service as catalog
from shopkeeper.crossborder import hs_codes, protection, rules
from shopkeeper.crossborder.models import CustomsProfile, OrderDutyPayer, SkuOrigin
from shopkeeper.crossborder.table import DestinationRules, Threshold, check_country, load_table
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.rulebooks import Rulebook
from shopkeeper.scope import require_store_manager

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

DutyPayer = Literal["buyer", "seller"]
DUTY_PAYERS: tuple[str, ...] = ("buyer", "seller")

# What each refusal says; the codes are the table's (RULES.md §6.1, Pakistan), the words the problem's detail.
REFUSAL_WORDS: Mapping[str, str] = {
    "needs-original-invoice": "the original commercial invoice is required",
    "used-goods-refused": "used goods are not accepted",
    "goods-or-invoice-type-wrong": "the goods type or invoice type is wrong",
}


# --- the store's profile and its SKUs' origins ----------------------------------------------------

def profile_of(session: Session, store_id: int) -> CustomsProfile | None:
    return session.get(CustomsProfile, store_id)


def get_profile(session: Session, actor: Principal, store_id: int) -> CustomsProfile:
    require_store_manager(actor, store_id)
    profile = profile_of(session, store_id)
    if profile is None:
        raise NotFound(f"store {store_id} has no customs profile")
    return profile


def _rates(raw: Mapping[str, str]) -> dict[str, str]:
    checked: dict[str, str] = {}
    for currency, text in raw.items():
        try:
            rate = Decimal(text)
        except InvalidOperation:
            rate = Decimal(0)
        if not rate.is_finite() or rate <= 0:
            raise InvalidInput(f"the rate to {currency} must be a positive number, not {text}")
        checked[currency] = str(rate)
    return checked


def change_profile(session: Session, now: datetime, actor: Principal, store_id: int, home_country: str,
                   channel: str | None, duty_payer: DutyPayer, rates: Mapping[str, str], seller_name: str,
                   seller_address: str) -> CustomsProfile:
    """Staff of the store or the operator make the store cross-border, or change how it ships abroad."""
    require_store_manager(actor, store_id)
    catalog.store_by_id(session, store_id)
    check_country(home_country)
    profile = profile_of(session, store_id)
    if profile is None:
        profile = CustomsProfile(store_id=store_id, updated_at=now)
        session.add(profile)
    profile.home_country, profile.channel, profile.duty_payer = home_country, _channel(channel), duty_payer
    profile.rates, profile.seller_name, profile.seller_address = _rates(rates), seller_name, seller_address
    profile.updated_at = now
    events.record(session, now, "customs_profile.changed", f"store:{store_id}", store_id, home_country=home_country,
                  channel=profile.channel, duty_payer=duty_payer, rates=profile.rates)
    return profile


def change_sku_origin(session: Session, now: datetime, actor: Principal, sku_id: int, origin_country: str,
                      used_goods: bool) -> SkuOrigin:
    """Where a SKU was made (the invoice's origin) and whether it is second-hand (Pakistan refuses those, §6.1)."""
    sku = catalog.sku_by_id(session, sku_id)
    if not actor.may_see_store(sku.store_id):
        raise NotFound(f"SKU {sku_id} does not exist")
    require_store_manager(actor, sku.store_id)
    check_country(origin_country)
    row = session.get(SkuOrigin, sku_id)
    if row is None:
        row = SkuOrigin(sku_id=sku_id, store_id=sku.store_id, updated_at=now)
        session.add(row)
    row.origin_country, row.used_goods, row.updated_at = origin_country, used_goods, now
    events.record(session, now, "sku.customs_origin_changed", f"sku:{sku_id}", sku.store_id,
                  origin_country=origin_country, used_goods=used_goods)
    return row


def origins_of(session: Session, sku_ids: list[int]) -> dict[int, SkuOrigin]:
    return {row.sku_id: row for row in session.scalars(select(SkuOrigin).where(SkuOrigin.sku_id.in_(sku_ids)))}


# --- reading the rules ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DestinationView:
    country: str
    channel: str | None
    on: date
    threshold: Threshold | None
    rules: DestinationRules


def destination(country: str, channel: str | None, on: date) -> DestinationView:
    """What the table says of a destination on a day: its threshold for the channel, restrictions, duty payer rule."""
    country = check_country(country)
    return DestinationView(country, _channel(channel), on, rules.threshold_on(country, _channel(channel), on),
                           load_table().destination(country))


@dataclass(frozen=True)
class HsCodeView:
    code: str
    on: date
    entry: hs_codes.HsEntry
    conditions: frozenset[hs_codes.Condition]


def hs_code(code: str, on: date) -> HsCodeView:
    """An HS code's inspection conditions on a day (A import, B export, RULES.md §6.2); unknown codes are refused."""
    conditions = hs_codes.conditions_on(code, on)
    return HsCodeView(code, on, hs_codes.SAMPLE_CATALOGUE[code], conditions)


# --- the landed-cost estimate -------------------------------------------------------------------------

@dataclass(frozen=True)
class Estimate:
    destination: str
    channel: str | None
    on: date
    duty_payer: DutyPayer
    goods: Money
    shipping: Money
    duty: Money | None  # None: no exchange rate to compare with the threshold
    basis: str  # rules.DutyBasis or "no-exchange-rate"
    threshold: Threshold | None

    @property
    def buyer_pays_at_door(self) -> Money | None:
        """Duties collect: the duty, to the carrier; prepaid: nothing."""
        if self.duty is None:
            return None
        return self.duty if self.duty_payer == "buyer" else Money.zero(self.duty.currency)

    @property
    def total(self) -> Money | None:
        return None if self.duty is None else self.goods + self.shipping + self.duty


def _channel(channel: str | None) -> str | None:
    return channel.strip().lower() or None if channel else None


def cross_border(profile: CustomsProfile | None, country: str) -> bool:
    return profile is not None and bool(country) and country != profile.home_country


def estimate(profile: CustomsProfile, goods: Money, shipping: Money, country: str, channel: str | None, on: date,
             duty_payer: DutyPayer | None = None) -> Estimate:
    """Goods + shipping + the duty the destination's rule gives on `on` (RULES.md §6.1); an estimate only."""
    channel = _channel(channel) or _channel(profile.channel)
    payer: DutyPayer = duty_payer or ("seller" if profile.duty_payer == "seller" else "buyer")
    fx = rules.Fx({(goods.currency, currency): Decimal(rate) for currency, rate in profile.rates.items()})
    try:
        landed = rules.landed_cost(goods, shipping, country, channel, on, fx)
    except InvalidInput:  # no rate to the threshold's currency: say so rather than guess
        threshold = rules.threshold_on(country, channel, on)
        return Estimate(country, channel, on, payer, goods, shipping, None, "no-exchange-rate", threshold)
    return Estimate(country, channel, on, payer, goods, shipping, landed.duty.amount, landed.duty.basis, landed.duty.threshold)


def quote_estimate(session: Session, store_id: int, country: str, goods: Money, shipping: Money, now: datetime) -> Estimate | None:
    """The estimate a cart's quote shows for one store; None for a domestic store or destination."""
    profile = profile_of(session, store_id)
    if profile is None or not cross_border(profile, country):
        return None
    return estimate(profile, goods, shipping, country, None, now.date())


def destination_of(order: Order) -> str:
    return str(order.ship_to.get("country", ""))


def ships_from(session: Session, order: Order) -> set[str]:
    """The countries of the warehouses that hold the order's units or shipped them (none once they are released)."""
    places = {w for _, w in inventory.held_for(session, order.id)} | {w for _, w in inventory.shipped_from(session, order.id)}
    return {w.country for w in inventory.list_warehouses(session, order.store_id) if w.id in places}


def order_abroad(session: Session, order: Order) -> CustomsProfile | None:
    """The store's customs profile when this order's parcel crosses a border, else None: its destination differs from
    a country it ships from, the countries of its warehouses, else the profile's home. An overseas warehouse selling
    in its own country ships domestically (RULES.md §5.3): no duty, no customs."""
    profile = profile_of(session, order.store_id)
    country = destination_of(order)
    if profile is None or not country:
        return None
    return profile if any(origin != country for origin in ships_from(session, order) or {profile.home_country}) else None


def order_estimate(session: Session, order: Order) -> Estimate | None:
    """The estimate for an order as placed: its goods after discounts, its shipping, the rule in force that day."""
    profile = order_abroad(session, order)
    if profile is None:
        return None
    goods = Money(sum(line.payable_minor for line in order.lines), order.currency)
    shipping = Money(order.total_minor, order.currency) - goods
    row = duty_payer_of(session, order)
    payer: DutyPayer | None = None if row is None else "seller" if row.duty_payer == "seller" else "buyer"
    return estimate(profile, goods, shipping, destination_of(order), order.shipping_method, order.placed_at.date(), payer)


# --- shipping and pickup ---------------------------------------------------------------------------

def check_shipment(session: Session, order: Order, original_invoice: bool) -> None:
    """Refuse a parcel the destination refuses (Pakistan: the original commercial invoice, no used goods, §6.1)."""
    if order_abroad(session, order) is None:
        return
    origins = origins_of(session, [line.sku_id for line in order.lines])
    facts = rules.ShipmentFacts(original_commercial_invoice=original_invoice,
                                used_goods=any(origins[s].used_goods for s in origins))
    refusals = rules.check_shipment(destination_of(order), facts)
    if refusals:
        words = ", ".join(REFUSAL_WORDS[r.code] for r in refusals)
        raise rules.ShipmentRefused(f"{destination_of(order)} refuses this shipment: {words}",
                                    refusals=[r.code for r in refusals], cites=refusals[0].cites)


def protection_of(session: Session, order: Order, shipped_at: datetime, ordinary_confirm_by: datetime, book: Rulebook,
                  shipping_class: str | None) -> protection.Protection | None:
    """A cross-border order with a promised delivery time: when its promise ends and receipt may confirm (§5.5)."""
    country = destination_of(order)
    days = fulfillment.promised_days_for(session, order.store_id, country) if order_abroad(session, order) else None
    if days is None:
        return None
    return protection.protection(shipped_at, days, ordinary_confirm_by, book.receipt.auto_confirm_after(shipping_class))


def duty_payer_of(session: Session, order: Order) -> OrderDutyPayer | None:
    return session.get(OrderDutyPayer, order.id)


def fix_duty_payer_at_pickup(session: Session, now: datetime, order: Order, picked_up_at: datetime) -> None:
    """The pickup scan records who pays duties; where the destination fixes it then (Canada, §6.1) it stays so."""
    profile = order_abroad(session, order)
    if profile is None:
        return
    row = duty_payer_of(session, order)
    if row is None:
        row = OrderDutyPayer(order_id=order.id, store_id=order.store_id, duty_payer=profile.duty_payer, changed_at=now)
        session.add(row)
    row.fixed_at = picked_up_at
    fixed = not rules.duty_payer_change_allowed(destination_of(order), picked_up=True)
    events.record(session, now, "order.duty_payer_recorded", f"order:{order.id}", order.store_id,
                  duty_payer=row.duty_payer, fixed=fixed)


def change_duty_payer(session: Session, now: datetime, order: Order, payer: DutyPayer) -> OrderDutyPayer:
    """Who pays duties on this order; after pickup Canada refuses a change (§6.1). The caller has authorised."""
    profile = order_abroad(session, order)
    if profile is None:
        raise NotAllowedInState(f"order {order.number} does not cross a border: it has no duty payer")
    if not rules.duty_payer_change_allowed(destination_of(order), picked_up=order.picked_up_at is not None):
        raise NotAllowedInState(f"the duty payer of an order to {destination_of(order)} cannot change once the carrier "
                                "has picked it up", current_status=order.status)
    row = duty_payer_of(session, order)
    before = row.duty_payer if row else profile.duty_payer
    if row is None:
        row = OrderDutyPayer(order_id=order.id, store_id=order.store_id, duty_payer=payer, changed_at=now)
        session.add(row)
    row.duty_payer, row.changed_at = payer, now
    events.record(session, now, "order.duty_payer_changed", f"order:{order.id}", order.store_id, before=before,
                  duty_payer=payer)
    return row


def payer_fixed(session: Session, order: Order) -> bool:
    """The duty payer can no longer change (Canada after pickup): the invoice says so."""
    return order.picked_up_at is not None and not rules.duty_payer_change_allowed(destination_of(order), picked_up=True)
