"""Order allocation (订单分配, RULES.md §5.1) and the buyer's shipping method (§5.5).

Rules, settings and runs: staff of the store and the operator (buyers 403, other stores 404). The shipping-method
read: the order's buyer and staff; proposing a change: staff; accepting or refusing it: the buyer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.deps import Ctx, IdPath
from shopkeeper.api.schemas import In, stripped
from shopkeeper.fulfillment import allocation_service as service
from shopkeeper.fulfillment import shipping_method_service as shipping
from shopkeeper.fulfillment.models import AllocationRuleRow, AllocationSettings, ShippingMethodChange

router = APIRouter(tags=["fulfillment"])

Code = Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)]


class RuleIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "batteries to the US by DHL", "conditions": {"countries": ["US"], "any_line_has": ["battery"]},
         "warehouse_code": "HZ1", "channel_code": "DHL", "enabled": True}]})

    name: Annotated[str, StringConstraints(min_length=1, max_length=120), stripped(1)]
    conditions: dict[str, Any] = Field(default_factory=dict, description=(
        "countries, sales_channels (own, amazon, shopify, ebay, aliexpress), any_line_has / no_line_has (battery, "
        "powder, liquid, fragile), min/max_weight_grams, min/max_value as {minor, currency}; all given must hold"))
    warehouse_code: Annotated[str, StringConstraints(min_length=1, max_length=32), stripped(1)]
    channel_code: Code
    enabled: bool = True

    def spec(self) -> service.RuleSpec:
        return service.RuleSpec(self.name, self.conditions, self.warehouse_code, self.channel_code, self.enabled)


class RuleOut(BaseModel):
    id: int
    store_id: int
    position: int
    name: str
    conditions: dict[str, Any]
    warehouse_code: str
    channel_code: str
    enabled: bool
    updated_at: datetime

    @classmethod
    def of(cls, row: AllocationRuleRow) -> "RuleOut":
        return cls(id=row.id, store_id=row.store_id, position=row.position, name=row.name, conditions=row.conditions,
                   warehouse_code=row.warehouse_code, channel_code=row.channel_code, enabled=row.enabled,
                   updated_at=row.updated_at)


class ReorderIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"rule_ids": [3, 1, 2]}]})

    rule_ids: list[int] = Field(max_length=500, description="every rule of the store, once, in the new order")


class SettingsIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"on_short": "split", "promised_days": {"RU": 90, "US": 30}}]})

    on_short: Literal["split", "hold"]
    promised_days: dict[str, int] = Field(default_factory=dict, max_length=300,
                                          description="destination → promised delivery days; RU, BR, AR are capped at 90")


class SettingsOut(BaseModel):
    store_id: int
    on_short: str
    promised_days: dict[str, int]

    @classmethod
    def of(cls, row: AllocationSettings) -> "SettingsOut":
        return cls(store_id=row.store_id, on_short=row.on_short, promised_days=dict(row.promised_days))


class PropertiesIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"properties": ["battery"]}]})

    properties: list[Literal["battery", "powder", "liquid", "fragile"]] = Field(max_length=4)


class OutcomeOut(BaseModel):
    order_id: int
    order_number: str
    destination: str
    weight_grams: int
    value: str
    outcome: dict[str, Any] = Field(description="status allocated | held | unallocated, rule, parcels or reason and "
                                                "what is short, and why each earlier rule did not match")

    @classmethod
    def of(cls, result: service.OrderOutcome) -> "OutcomeOut":
        return cls(order_id=result.order.id, order_number=result.order.number,
                   destination=str(result.order.ship_to.get("country", "")), weight_grams=result.weight_grams,
                   value=str(result.value), outcome=result.outcome)


class AllocationOut(BaseModel):
    order_id: int
    status: str | None
    allocated_at: datetime | None
    outcome: dict[str, Any] | None


class ChangeIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"to_method": "DHL", "note": "faster; the buyer asked by message"}]})

    to_method: Code
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class AnswerIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"accept": True}]})

    accept: bool


class ChangeOut(BaseModel):
    id: int
    order_id: int
    from_method: str | None
    to_method: str
    note: str
    status: str
    proposed_at: datetime
    answered_at: datetime | None

    @classmethod
    def of(cls, row: ShippingMethodChange) -> "ChangeOut":
        return cls(id=row.id, order_id=row.order_id, from_method=row.from_method, to_method=row.to_method, note=row.note,
                   status=row.status, proposed_at=row.proposed_at, answered_at=row.answered_at)


class ShippingOut(BaseModel):
    order_id: int
    shipping_method: str | None
    pending_change: ChangeOut | None
    promised_delivery_days: int | None = Field(description="the store's promise for the destination (RULES.md §5.5)")


@router.get("/stores/{store_id}/allocation-rules")
def list_rules(store_id: IdPath, ctx: Ctx) -> list[RuleOut]:
    """The store's allocation rules in the order they are tried: the first that matches an order wins."""
    with ctx.read() as session:
        return [RuleOut.of(row) for row in service.list_rules(session, ctx.actor, store_id)]


@router.post("/stores/{store_id}/allocation-rules", status_code=201)
def create_rule(store_id: IdPath, body: RuleIn, ctx: Ctx) -> RuleOut:
    """Add a rule at the end. A condition the engine refuses, an unknown warehouse or a name in use answers 422."""
    with ctx.transaction() as session:
        return RuleOut.of(service.create_rule(session, ctx.now(), ctx.actor, store_id, body.spec()))


@router.put("/allocation-rules/{rule_id}")
def change_rule(rule_id: IdPath, body: RuleIn, ctx: Ctx) -> RuleOut:
    """Change a rule in place; its position stays."""
    with ctx.transaction() as session:
        return RuleOut.of(service.change_rule(session, ctx.now(), ctx.actor, rule_id, body.spec()))


@router.delete("/allocation-rules/{rule_id}", status_code=204)
def remove_rule(rule_id: IdPath, ctx: Ctx) -> Response:
    """Remove a rule; outcomes recorded already keep its name."""
    with ctx.transaction() as session:
        service.remove_rule(session, ctx.now(), ctx.actor, rule_id)
    return Response(status_code=204)


@router.post("/stores/{store_id}/allocation-rules/order")
def reorder_rules(store_id: IdPath, body: ReorderIn, ctx: Ctx) -> list[RuleOut]:
    """Put the store's rules in a new order; the list names each rule once."""
    with ctx.transaction() as session:
        return [RuleOut.of(row) for row in service.reorder_rules(session, ctx.now(), ctx.actor, store_id, body.rule_ids)]


@router.put("/stores/{store_id}/allocation-settings")
def change_settings(store_id: IdPath, body: SettingsIn, ctx: Ctx) -> SettingsOut:
    """Split across warehouses or hold an order its matched warehouse cannot cover; promised delivery days."""
    with ctx.transaction() as session:
        return SettingsOut.of(service.change_settings(session, ctx.now(), ctx.actor, store_id, body.on_short,
                                                      body.promised_days))


@router.put("/skus/{sku_id}/allocation-properties")
def change_sku_properties(sku_id: IdPath, body: PropertiesIn, ctx: Ctx) -> dict[str, Any]:
    """What the SKU is for logistics (RULES.md §5.3): battery, powder, liquid, fragile."""
    with ctx.transaction() as session:
        sku = service.change_sku_properties(session, ctx.now(), ctx.actor, sku_id, body.properties)
        return {"sku_id": sku.id, "properties": list(sku.properties)}


@router.post("/stores/{store_id}/allocations")
def allocate(store_id: IdPath, ctx: Ctx, dry_run: Annotated[bool, Query()] = True) -> list[OutcomeOut]:
    """Run the rules over the store's paid, unshipped orders. A dry run (the default) records nothing; otherwise each
    outcome is recorded with an event. Deciding moves no stock."""
    if dry_run:
        with ctx.read() as session:
            return [OutcomeOut.of(r) for r in service.allocate_open_orders(session, ctx.now(), ctx.actor, store_id, True)]
    with ctx.transaction() as session:
        return [OutcomeOut.of(r) for r in service.allocate_open_orders(session, ctx.now(), ctx.actor, store_id, False)]


@router.get("/orders/{order_id}/allocation")
def get_allocation(order_id: IdPath, ctx: Ctx) -> AllocationOut:
    """The outcome last recorded for the order, or nulls when none is."""
    with ctx.read() as session:
        order, row = service.order_allocation(session, ctx.actor, order_id)
        return AllocationOut(order_id=order.id, status=row.status if row else None,
                             allocated_at=row.allocated_at if row else None, outcome=row.outcome if row else None)


@router.get("/orders/{order_id}/shipping-method")
def get_shipping(order_id: IdPath, ctx: Ctx) -> ShippingOut:
    """The buyer's method, a change waiting for the buyer's answer, and the promised delivery days."""
    with ctx.read() as session:
        view = shipping.shipping_view(session, ctx.actor, order_id)
        return ShippingOut(order_id=view.order.id, shipping_method=view.order.shipping_method,
                           pending_change=ChangeOut.of(view.pending) if view.pending else None,
                           promised_delivery_days=view.promised_delivery_days)


@router.post("/orders/{order_id}/shipping-method/changes", status_code=201)
def propose_change(order_id: IdPath, body: ChangeIn, ctx: Ctx) -> ChangeOut:
    """Staff propose another method; nothing changes until the buyer accepts (RULES.md §5.5)."""
    with ctx.transaction() as session:
        return ChangeOut.of(shipping.propose_change(session, ctx.now(), ctx.actor, order_id, body.to_method, body.note))


@router.post("/shipping-method-changes/{change_id}/answer")
def answer_change(change_id: IdPath, body: AnswerIn, ctx: Ctx) -> ChangeOut:
    """The order's buyer accepts (the order then ships by it) or refuses the proposed method."""
    with ctx.transaction() as session:
        return ChangeOut.of(shipping.answer_change(session, ctx.now(), ctx.actor, change_id, body.accept))
