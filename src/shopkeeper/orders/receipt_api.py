"""延长收货: the buyer or the seller extends the time until receipt confirms itself (RULES.md §17.1)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import ConfigDict, Field

from shopkeeper.api.deps import Ctx, IdPath
from shopkeeper.api.schemas import In
from shopkeeper.orders import receipt
from shopkeeper.orders.schemas import OrderOut

router = APIRouter(tags=["orders"])


class ReceiptExtensionIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"days": 3}]})

    days: int = Field(ge=1, le=365, description="the buyer: 3 (once); the seller: one of 3, 5, 7, 10 (once) on Taobao/Tmall")


@router.post("/orders/{order_id}/receipt-extension")
def extend_receipt(order_id: IdPath, body: ReceiptExtensionIn, ctx: Ctx) -> OrderOut:
    """The order's `confirm_by` moves by `days`; the numbers are the store's rulebook's (`receipt.extension`)."""
    with ctx.transaction() as session:
        return OrderOut.of(receipt.extend_receipt(session, ctx.now(), ctx.actor, order_id, body.days))
