from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from shopkeeper.api.deps import Ctx, IdPath
from shopkeeper.api.schemas import In
from shopkeeper.catalog.service import get_store
from shopkeeper.fulfillment import service
from shopkeeper.fulfillment.models import ShippingTemplateRow

router = APIRouter(tags=["fulfillment"])


class TemplateIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "is_default": True,
        "spec": {
            "name": "Mainland by piece", "mode": "piece", "excluded_regions": ["CN/Xizang"],
            "default": {"regions": [], "first_units": 1, "first_fee_minor": 800, "extra_units": 1, "extra_fee_minor": 200},
            "rules": [{"regions": ["CN/Zhejiang"], "first_units": 1, "first_fee_minor": 500, "extra_units": 1, "extra_fee_minor": 100}],
            "free": [{"regions": [], "min_amount_minor": 9900, "min_items": None}],
        },
    }]})

    spec: dict[str, Any]
    is_default: bool = False


class TemplateOut(BaseModel):
    id: int
    store_id: int
    name: str
    is_default: bool
    spec: dict[str, Any]

    @classmethod
    def of(cls, row: ShippingTemplateRow) -> "TemplateOut":
        return cls(id=row.id, store_id=row.store_id, name=row.name, is_default=row.is_default, spec=row.spec)


@router.post("/stores/{store_id}/shipping-templates", status_code=201)
def create_template(store_id: IdPath, body: TemplateIn, ctx: Ctx) -> TemplateOut:
    """运费模板. `spec` as in `fulfillment.rules.template_from_dict`: by piece or by weight,
    fees per destination region, free-shipping conditions, excluded regions."""
    with ctx.transaction() as session:
        get_store(session, ctx.actor, store_id)
        return TemplateOut.of(service.create_template(session, ctx.now(), ctx.actor, store_id, body.spec, body.is_default))


@router.get("/stores/{store_id}/shipping-templates")
def list_templates(store_id: IdPath, ctx: Ctx) -> list[TemplateOut]:
    """The store's shipping templates (运费模板) with their regional rules."""
    with ctx.read() as session:
        get_store(session, ctx.actor, store_id)
        return [TemplateOut.of(row) for row in service.list_templates(session, store_id)]
