"""Seller-metrics route: a store's after-sales figures for a period, as its rulebook defines them (RULES.md §8.1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from shopkeeper.aftersales.metrics import service
from shopkeeper.aftersales.metrics.schemas import MetricsOut
from shopkeeper.api.deps import Ctx, IdPath, query_time
from shopkeeper.scope import require_store_manager

router = APIRouter(tags=["after-sales"])


@router.get("/stores/{store_id}/aftersales/metrics")
def metrics(store_id: IdPath, ctx: Ctx, start: Annotated[datetime, Query(alias="from", description="period start, included")],
            end: Annotated[datetime, Query(alias="to", description="period end, excluded")]) -> MetricsOut:
    """Staff of the store, operator: dispute rate (platform-stage cases / orders; agreement-stage cases are not
    disputes), seller-responsible dispute rate, refund rate, on-time shipping rate, not-received dispute rate and
    sold-but-not-shipped (成交不卖), as the store's rulebook defines them (RULES.md §8.1). Naive times are UTC."""
    require_store_manager(ctx.actor, store_id)
    period = query_time(start, "from"), query_time(end, "to")
    with ctx.read() as session:
        return MetricsOut.of(service.store_metrics(session, store_id, *period))


