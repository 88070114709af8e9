"""A store's own carriers and their shipping classes (RULES.md §5.6, §15 #6): staff of the store or the operator."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.deps import Ctx, IdPath
from shopkeeper.api.schemas import In, stripped
from shopkeeper.fulfillment import carrier_service as service
from shopkeeper.fulfillment.models import StoreCarrier

router = APIRouter(tags=["fulfillment"])

CarrierName = Annotated[str, StringConstraints(min_length=1, max_length=service.MAX_NAME), stripped(1)]
ClassName = Annotated[str, StringConstraints(min_length=1, max_length=16), stripped(1)]


class CarrierIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "YunExpress", "aliases": ["云途", "云途物流"], "shipping_class": "standard"}]})

    name: CarrierName
    aliases: list[CarrierName] = Field(default_factory=list, max_length=service.MAX_ALIASES,
                                       description="other names it goes by, in Chinese and English; matched whole, "
                                                   "case-insensitively after trimming")
    shipping_class: ClassName = Field(description="one of the rulebook's classes, e.g. express, standard, post")

    def entry(self) -> service.CarrierEntry:
        return service.CarrierEntry(self.name, tuple(self.aliases), self.shipping_class)


class CarrierOut(BaseModel):
    id: int
    store_id: int
    name: str
    aliases: list[str]
    shipping_class: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: StoreCarrier) -> "CarrierOut":
        return cls(id=row.id, store_id=row.store_id, name=row.name, aliases=list(row.aliases), shipping_class=row.shipping_class,
                   created_at=row.created_at, updated_at=row.updated_at)


@router.get("/stores/{store_id}/carriers")
def list_carriers(store_id: IdPath, ctx: Ctx) -> list[CarrierOut]:
    """The carriers the store filed; they come before its rulebook's list of carriers."""
    with ctx.read() as session:
        return [CarrierOut.of(row) for row in service.list_carriers(session, ctx.actor, store_id)]


@router.post("/stores/{store_id}/carriers", status_code=201)
def file_carrier(store_id: IdPath, body: CarrierIn, ctx: Ctx) -> CarrierOut:
    """File a carrier under a shipping class: shipments by it take that class's auto-confirm time and case window.

    A name or alias the store already uses for another carrier answers 409; a class the store's rulebook does not
    have answers 422.
    """
    with ctx.transaction() as session:
        return CarrierOut.of(service.file_carrier(session, ctx.now(), ctx.actor, store_id, body.entry()))


@router.put("/stores/{store_id}/carriers/{carrier_id}")
def change_carrier(store_id: IdPath, carrier_id: IdPath, body: CarrierIn, ctx: Ctx) -> CarrierOut:
    """Orders shipped already keep the class they shipped with."""
    with ctx.transaction() as session:
        return CarrierOut.of(service.change_carrier(session, ctx.now(), ctx.actor, store_id, carrier_id, body.entry()))


@router.delete("/stores/{store_id}/carriers/{carrier_id}", status_code=204)
def remove_carrier(store_id: IdPath, carrier_id: IdPath, ctx: Ctx) -> Response:
    """Forget a filed carrier: its names fall back to the rulebook's list; orders shipped already keep their class."""
    with ctx.transaction() as session:
        service.remove_carrier(session, ctx.now(), ctx.actor, store_id, carrier_id)
    return Response(status_code=204)
