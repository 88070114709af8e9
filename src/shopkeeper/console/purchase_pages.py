"""Purchasing pages (采购建议, 采购单, RULES.md §5.1): the replenishment table of one store, every input of the formula
per SKU, the §3.3 flags, CSV/XLSX exports and "draft purchase orders from the selected"; the purchase orders list and
one order with its lines, deliveries and payment requests, placed, received, closed or cancelled from its page.

Reads and writes go through `purchasing.replenishment` and `purchasing.service`, the calls the API makes; a store the
principal may not see is a 404 like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timezone
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper.api import problem_text
from shopkeeper.api.schemas import AMOUNT_TEXT
from shopkeeper.auth import Principal
from shopkeeper.catalog.service import skus_with_products
from shopkeeper.console import display, filters
from shopkeeper.console.marketing import page_of, pager, stores_of
from shopkeeper.console.web import detail, lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, InvalidInput, NotFound
from shopkeeper.inventory.service import list_warehouses
from shopkeeper.purchasing import exports, replenishment, service
from shopkeeper.purchasing.moves import OrderStatus, allowed_actions
from shopkeeper.purchasing.rules import Flag

router = APIRouter(include_in_schema=False)
FLAGS: tuple[Flag, ...] = ("below-reorder-point", "half-sold", "surge")
STATUSES = [s.value for s in OrderStatus]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def store_id_of(request: Request, who: Principal, session: Session) -> int | None:
    """The store asked for (?store=), else the staff's own or the operator's first; None when none may be seen."""
    stores = stores_of(session, who, request)
    wanted = filters.parse_id(request.query_params.get("store", ""))
    if wanted is not None:
        return wanted if wanted in stores.by_id else None
    return who.store_id if who.store_id in stores.by_id else next(iter(stores.by_id), None)


def _plan(request: Request, zone: str) -> tuple[replenishment.Request, dict[str, str]]:
    """The filters from the query string; a value out of range falls back to the default, as a form would send it.
    A campaign's first day (§3.3) is a date on the store's clock, from its midnight; without one the store's signed-up
    campaign turns the trigger on unless `campaigns=none`."""
    params = request.query_params
    flag = params.get("flag", "")
    window = min(filters.parse_id(params.get("window", "")) or 14, 90)
    campaign = _day(params.get("campaign", ""))
    surge = params.get("surge", "").strip()
    factor = Decimal(surge) if AMOUNT_TEXT.fullmatch(surge) and Decimal(1) <= Decimal(surge) <= 100 else Decimal(2)
    form = {"show": "due" if params.get("show") == "due" else "all", "flag": flag if flag in FLAGS else "",
            "supplier": str(filters.parse_id(params.get("supplier", "")) or ""), "q": params.get("q", "")[:64],
            "window": str(window), "campaign": campaign.isoformat() if campaign else "", "surge": str(factor),
            "campaigns": "none" if params.get("campaigns") == "none" else "auto"}
    start = None if campaign is None else datetime.combine(campaign, time(0), ZoneInfo(zone)).astimezone(timezone.utc)
    return replenishment.Request(window_days=window, campaign_start=start, surge_factor=factor,
                                 show="due" if form["show"] == "due" else "all",
                                 supplier_id=filters.parse_id(form["supplier"]),
                                 flag=next((f for f in FLAGS if f == form["flag"]), None), search=form["q"],
                                 campaign="none" if form["campaigns"] == "none" else "auto"), form


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


@router.get("/purchasing/replenishment")
def replenishment_table(request: Request) -> Response:
    """One store's purchase suggestions, filtered; the selected SKUs become draft purchase orders."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    with request.app.state.db.read() as session:
        store_id = store_id_of(request, who, session)
        if store_id is None:
            return not_found(request, who, "purchasing")
        stores = stores_of(session, who, request)
        plan, form = _plan(request, stores.zone(store_id))
        error = request.query_params.get("error")
        try:
            rows = replenishment.suggestions(session, request.app.state.clock.now(), who, store_id, plan)
        except InvalidInput as refused:  # a campaign that started too long ago
            rows, error = [], problem_text.detail(refused.detail, lang_of(request))
        # the campaign in force is the same for every row; with no rows shown it is read on its own
        in_force = rows[0].campaign if rows else replenishment.campaign_in_force(
            session, request.app.state.clock.now(), store_id, plan)
        suppliers = service.list_suppliers(session, who, store_id)
        warehouses = list_warehouses(session, store_id)
    query = request.url.query
    return render(request, "purchasing_replenishment.html", principal=who, nav="purchasing", money=display.money, rows=rows,
                  store_id=store_id, stores=list(stores.by_id.values()), suppliers=suppliers, warehouses=warehouses,
                  flags=FLAGS, form=form, query=query, error=error, in_force=in_force, zone=stores.zone(store_id))


def _export(request: Request, make: Callable[[list[replenishment.Row]], bytes], media: str, suffix: str) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    with request.app.state.db.read() as session:
        store_id = store_id_of(request, who, session)
        if store_id is None:
            return not_found(request, who, "purchasing")
        plan, _ = _plan(request, stores_of(session, who, request).zone(store_id))
        rows = replenishment.suggestions(session, request.app.state.clock.now(), who, store_id, plan)
    return Response(make(rows), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="replenishment-{store_id}.{suffix}"'})


@router.get("/purchasing/replenishment.csv")
def replenishment_csv(request: Request) -> Response:
    return _export(request, lambda rows: exports.to_csv(rows, lang_of(request)), "text/csv; charset=utf-8", "csv")


@router.get("/purchasing/replenishment.xlsx")
def replenishment_xlsx(request: Request) -> Response:
    return _export(request, lambda rows: exports.to_xlsx(rows, lang_of(request)), XLSX, "xlsx")


@router.post("/purchasing/replenishment/draft")
async def draft_selected(request: Request) -> Response:
    """Draft one purchase order per supplier from the ticked SKUs' suggestions (replenishment.draft_from_suggestions)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    form = await request.form()
    sku_ids = [i for i in (filters.parse_id(str(v)) for v in form.getlist("sku")) if i is not None]
    store_id = filters.parse_id(str(form.get("store", "")))
    warehouse_id = filters.parse_id(str(form.get("warehouse", "")))
    try:
        with request.app.state.db.transaction() as session:
            if store_id is None or warehouse_id is None:
                raise NotFound(f"store {form.get('store', '')} does not exist")
            drafted = replenishment.draft_from_suggestions(session, request.app.state.clock.now(), who, store_id,
                                                           sku_ids, warehouse_id)
            ids = [o.id for o in drafted]
    except NotFound:
        return not_found(request, who, "purchasing")
    except DomainError as refused:
        message = problem_text.detail(refused.detail, lang_of(request))
        return RedirectResponse(f"/purchasing/replenishment?store={store_id}&error={_quote(message)}", status_code=303)
    if len(ids) == 1:
        return RedirectResponse(f"/purchasing/orders/{ids[0]}?done=drafted", status_code=303)
    return RedirectResponse(f"/purchasing/orders?store={store_id}&done=drafted", status_code=303)


def _quote(text: str) -> str:
    return quote(text[:300])


@router.get("/purchasing/orders")
def orders(request: Request) -> Response:
    """A store's purchase orders, newest first, filtered by status."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    status = request.query_params.get("status", "")
    before = filters.parse_id(request.query_params.get("before", ""))
    with request.app.state.db.read() as session:
        store_id = store_id_of(request, who, session)
        if store_id is None:
            return not_found(request, who, "purchasing")
        stores = stores_of(session, who, request)
        found = service.list_orders(session, who, store_id, status if status in STATUSES else None,
                                    filters.PAGE_SIZE + 1, before)
        page, next_cursor = page_of(found)
        names = {s.id: s.name for s in service.list_suppliers(session, who, store_id)}
        lines = [(o, names.get(o.supplier_id, ""), service.order_amount(o)) for o in page]
    return render(request, "purchasing_orders.html", status=200, principal=who, nav="purchasing", money=display.money, orders=lines,
                  store_id=store_id, stores=list(stores.by_id.values()), statuses=STATUSES,
                  form=dict(request.query_params), zone=stores.zone(store_id), done=request.query_params.get("done"),
                  **pager(request, next_cursor))


def _show(request: Request, who: Principal | None, raw_id: str, status: int = 200, error: str | None = None) -> Response:
    with detail(request, raw_id, "purchase_order", service.get_order, principal=who) as found:
        if isinstance(found, Response):
            return found
        order, session = found.row, found.session
        stores = stores_of(session, found.principal, request)
        supplier = service.get_supplier(session, found.principal, order.supplier_id)
        receipts = service.receipts_of(session, order.id)
        payments = service.payment_requests_of(session, order.id)
        skus, _ = skus_with_products(session, [line.sku_id for line in order.lines])
        codes = {sku_id: sku.code for sku_id, sku in skus.items()}
        return render(request, "purchasing_order.html", status=status, principal=found.principal, nav="purchasing", money=display.money,
                      o=order, supplier=supplier, receipts=receipts, payments=payments, codes=codes,
                      amount=service.order_amount(order), zone=stores.zone(order.store_id),
                      actions=allowed_actions(order.status), error=error, done=request.query_params.get("done"))


@router.get("/purchasing/orders/{order_id}")
def order_page(request: Request, order_id: str) -> Response:
    """One purchase order: lines with what has come, deliveries, payment requests, and what may be done next."""
    return _show(request, None, order_id)


@router.post("/purchasing/orders/{order_id}/{action}")
async def order_action(request: Request, order_id: str, action: str) -> Response:
    """Place, close or cancel the order, or receive a delivery (a quantity per line, blank lines skipped)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(order_id)
    steps: dict[str, Callable[[Session, datetime, int], object]] = {
        "place": lambda s, now, i: service.place(s, now, who, i),
        "close": lambda s, now, i: service.close(s, now, who, i),
        "cancel": lambda s, now, i: service.cancel(s, now, who, i),
    }
    form = await request.form()
    if action == "receive":
        received = {line: quantity for line, quantity in (
            (filters.parse_id(key.removeprefix("line-")), filters.parse_id(str(value)))
            for key, value in form.items() if key.startswith("line-") and str(value).strip()) if line and quantity}
        steps["receive"] = lambda s, now, i: service.receive(s, now, who, i, received)
    if wanted is None or action not in steps:
        return not_found(request, who, "purchase_order")
    try:
        with request.app.state.db.transaction() as session:
            steps[action](session, request.app.state.clock.now(), wanted)
    except NotFound:
        return not_found(request, who, "purchase_order")
    except DomainError as refused:
        return _show(request, who, order_id, status=refused.status,
                     error=problem_text.detail(refused.detail, lang_of(request)))
    return RedirectResponse(f"/purchasing/orders/{wanted}?done={action}", status_code=303)
