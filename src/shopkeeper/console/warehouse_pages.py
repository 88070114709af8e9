"""The warehouse pages (RULES.md §5.2): the stocktakes (盘点) the principal may see, one stocktake's variance report
with its close button, and the scan log (every scan, the blocked and flagged ones too).

Reads and the one write go through `warehouse.stocktake_service` and `warehouse.service`, the calls the API makes:
staff see their store's, the operator every store's; another store's stocktake is a 404 like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.console import filters
from shopkeeper.console.marketing import Stores, messages_of, page_of, pager, stores_of
from shopkeeper.console.web import detail, lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.inventory import service as inventory
from shopkeeper.warehouse import rules, service, stocktake_service

if TYPE_CHECKING:
    from shopkeeper.warehouse.models import Stocktake, WarehouseScan

router = APIRouter(include_in_schema=False)
STATUSES = ["open", "closed"]
KINDS = [k.value for k in rules.ScanKind]
RESULTS = ["ok", "flagged", "blocked"]


def _warehouse_codes(session: Session, ids: set[int]) -> dict[int, str]:
    return {i: inventory.warehouse_by_id(session, i).code for i in ids}


@dataclass(frozen=True)
class StocktakeLine:
    take: Stocktake
    store: str
    zone: str
    warehouse: str


@router.get("/warehouse/stocktakes")
def stocktakes(request: Request) -> Response:
    """The stocktakes the principal may see, newest first, filtered by store and status."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), STATUSES)
        f = parsed.list_filter
        found = [] if parsed.problems else stocktake_service.list_stocktakes(
            session, who, f.store_id, None, f.status, filters.PAGE_SIZE + 1, f.before_id)
        page, next_cursor = page_of(found)
        codes = _warehouse_codes(session, {t.warehouse_id for t in page})
        lines = [StocktakeLine(t, stores.owner(t.store_id, lang), stores.zone(t.store_id), codes[t.warehouse_id])
                 for t in page]
    messages = messages_of(lang, parsed.problems)
    return render(request, "warehouse_stocktakes.html", status=400 if messages else 200, principal=who, nav="warehouse",
                  stores=list(stores.by_id.values()), statuses=STATUSES, takes=lines, messages=messages,
                  form=dict(request.query_params), **pager(request, next_cursor))


def _load(session: Session, who: Principal, stocktake_id: int) -> stocktake_service.Report:
    return stocktake_service.report(session, who, stocktake_id)


@router.get("/warehouse/stocktakes/{stocktake_id}")
def stocktake_page(request: Request, stocktake_id: str) -> Response:
    done = request.query_params.get("done")
    return _page(request, stocktake_id, notice="wh.done.closed" if done == "closed" else None)


def _page(request: Request, stocktake_id: str, principal: Principal | None = None, status: int = 200,
          error: str | None = None, notice: str | None = None) -> Response:
    with detail(request, stocktake_id, "stocktake", _load, principal) as found:
        if isinstance(found, Response):
            return found
        who, session, report = found.principal, found.session, found.row
        stores: Stores = stores_of(session, who, request)
        take = report.stocktake
        warehouse = inventory.warehouse_by_id(session, take.warehouse_id)
        lang = lang_of(request)
    return render(request, "warehouse_stocktake.html", status=status, principal=who, nav="warehouse", r=report,
                  take=take, warehouse=warehouse, store=stores.owner(take.store_id, lang), zone=stores.zone(take.store_id),
                  may_close=take.status == "open" and stores.may_manage(take.store_id),
                  varied=[line for line in report.lines if line.variance.units], error=error, notice=notice)


@router.post("/warehouse/stocktakes/{stocktake_id}/close")
def close(request: Request, stocktake_id: str) -> Response:
    """Close the stocktake: stock moves by every variance (stocktake_service.close); a refusal is shown on the page."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(stocktake_id)
    if wanted is None:
        return not_found(request, who, "stocktake")
    try:
        with request.app.state.db.transaction() as session:
            stocktake_service.close(session, request.app.state.clock.now(), who, wanted)
    except NotFound:
        return not_found(request, who, "stocktake")
    except DomainError as refused:
        return _page(request, stocktake_id, who, status=refused.status,
                     error=problem_text.detail(refused.detail, lang_of(request)))
    return RedirectResponse(f"/warehouse/stocktakes/{wanted}?done=closed", status_code=303)


@dataclass(frozen=True)
class ScanLine:
    scan: WarehouseScan
    store: str
    zone: str
    warehouse: str


@router.get("/warehouse/scans")
def scan_log(request: Request) -> Response:
    """Every scan the principal may see, newest first, filtered by store, kind and result."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    params = request.query_params
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(params, list(stores.by_id), KINDS)  # `status` carries the kind here
        problems = list(parsed.problems)
        result = params.get("result", "").strip()
        if result and result not in RESULTS:
            problems.append(filters.Problem("list.bad.status", {"value": result}))
        f = parsed.list_filter
        found = [] if problems else service.scan_log(session, who, None, f.store_id, f.status, result or None,
                                                     filters.PAGE_SIZE + 1, f.before_id)
        page, next_cursor = page_of(found)
        codes = _warehouse_codes(session, {s.warehouse_id for s in page})
        lines = [ScanLine(s, stores.owner(s.store_id, lang), stores.zone(s.store_id), codes[s.warehouse_id]) for s in page]
    messages = messages_of(lang, problems)
    return render(request, "warehouse_scans.html", status=400 if messages else 200, principal=who, nav="warehouse",
                  stores=list(stores.by_id.values()), kinds=KINDS, results=RESULTS, scans=lines, messages=messages,
                  form=dict(params), **pager(request, next_cursor))
