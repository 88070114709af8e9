"""Warehouse routes (RULES.md §1.1, §5.2, §5.3): shelf locations, scans on the floor, stocktakes, transfers, stock by
country. Staff of the store and the operator only (buyers 403, another store's objects 404). Every call that moves
stock, or counts an item, takes an `Idempotency-Key`, so a scanner that retries never counts twice."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import cut_page
from shopkeeper.errors import NotFound
from shopkeeper.scope import require_store_manager
from shopkeeper.warehouse import rules, scan_service, service, stocktake_service, transfer_service
from shopkeeper.warehouse.schemas import (
    CountOut,
    CountryStockOut,
    CountScanIn,
    CountsIn,
    HomeCountryIn,
    ItemIn,
    ItemOut,
    OrderRefIn,
    PickIn,
    PickTimeOut,
    ReceiveIn,
    ReceiveOut,
    ReportOut,
    ScanOut,
    ScanPage,
    SchemeIn,
    SchemeOut,
    ShelfIn,
    ShelfOut,
    StockByCountryOut,
    StocktakeIn,
    StocktakeOut,
    StocktakePage,
    TransferIn,
    TransferOut,
    TransferPage,
    TransferReceiveIn,
    WeighIn,
    WeighOut,
)

router = APIRouter(tags=["warehouse"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
ScanKindQuery = Annotated[Literal["receive", "weigh", "pack", "outbound_verify", "pick_start", "pick_end", "stocktake",
                                  "transfer_out", "transfer_in"] | None, Query()]
ResultQuery = Annotated[Literal["ok", "flagged", "blocked"] | None, Query()]


# --- shelf locations and the store's countries --------------------------------------------------------

@router.put("/warehouses/{warehouse_id}/shelf-scheme")
def set_scheme(warehouse_id: IdPath, body: SchemeIn, ctx: Ctx) -> SchemeOut:
    """The one numbering rule of the warehouse's shelf locations (RULES.md §1.1), e.g. `A-99-99`."""
    with ctx.transaction() as session:
        w = service.set_shelf_scheme(session, ctx.now(), ctx.actor, warehouse_id, body.scheme)
        return SchemeOut(warehouse_id=w.id, shelf_scheme=w.shelf_scheme)


@router.put("/warehouses/{warehouse_id}/shelves")
def assign_shelf(warehouse_id: IdPath, body: ShelfIn, ctx: Ctx) -> ShelfOut:
    """A SKU's home location (库位) in the warehouse; the code must follow the warehouse's scheme."""
    with ctx.transaction() as session:
        return ShelfOut.of(service.assign_shelf(session, ctx.now(), ctx.actor, warehouse_id, body.sku_id, body.code))


@router.get("/warehouses/{warehouse_id}/shelves")
def list_shelves(warehouse_id: IdPath, ctx: Ctx) -> list[ShelfOut]:
    """The warehouse's shelf slots in shelf-code order (the order a picker walks)."""
    with ctx.read() as session:
        return [ShelfOut.of(s) for s in service.list_shelves(session, ctx.actor, warehouse_id)]


@router.put("/stores/{store_id}/warehouses/home-country")
def set_home_country(store_id: IdPath, body: HomeCountryIn, ctx: Ctx) -> dict[str, Any]:
    """Where the store's goods leave from (CN unless set): a warehouse elsewhere is overseas (海外仓, §5.3)."""
    with ctx.transaction() as session:
        return {"store_id": store_id, "home_country": service.set_home_country(session, ctx.now(), ctx.actor, store_id,
                                                                               body.home_country)}


@router.get("/stores/{store_id}/warehouses/by-country")
def stock_by_country(store_id: IdPath, ctx: Ctx) -> StockByCountryOut:
    """The store's stock per warehouse grouped by country, home first, overseas marked; and what is in transit."""
    with ctx.read() as session:
        home, countries = service.stock_by_country(session, ctx.actor, store_id)
        moving = transfer_service.in_transit(session, ctx.actor, store_id)
        return StockByCountryOut(home_country=home, countries=[CountryStockOut(
            country=c.country, overseas=c.overseas, available=c.available, reserved=c.reserved, warehouses=c.warehouses)
            for c in countries], in_transit={str(k): v for k, v in sorted(moving.items())})


# --- scans on the floor --------------------------------------------------------------------------------

@router.post("/warehouses/{warehouse_id}/receipts", status_code=201, response_model=ReceiveOut)
def receive(warehouse_id: IdPath, body: ReceiveIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Goods in by scan (入库): the SKU code and count, optionally its shelf. A return into an overseas warehouse
    counts as an import (§5.3). Send an `Idempotency-Key` to retry safely."""

    def use_case(session: Session) -> tuple[int, dict[str, Any]]:
        found = scan_service.receive(session, ctx.now(), ctx.actor, warehouse_id, body.code, body.quantity, body.shelf,
                                     body.is_return)
        return 201, ReceiveOut(scan=ScanOut.of(found.scan), available=found.level.available,
                               reserved=found.level.reserved,
                               counts_as_import=bool(found.scan.facts.get("counts_as_import"))).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:warehouse-receive", idempotency_key,
                    {"warehouse_id": warehouse_id, **body.model_dump(mode="json")}, use_case)


@router.post("/warehouses/{warehouse_id}/weighings", status_code=201)
def weigh(warehouse_id: IdPath, body: WeighIn, ctx: Ctx) -> WeighOut:
    """Weight check (核重): expected = goods + 50 g packaging; beyond ±max(10 %, 50 g) the scan is flagged."""
    with ctx.transaction() as session:
        scan, check = scan_service.weigh(session, ctx.now(), ctx.actor, warehouse_id, body.order_id, body.measured_grams)
        return WeighOut(scan=ScanOut.of(scan), expected_grams=check.expected_grams, measured_grams=check.measured_grams,
                        difference_grams=check.difference_grams, tolerance_grams=check.tolerance_grams,
                        within=check.within)


@router.post("/warehouses/{warehouse_id}/item-scans", status_code=201, response_model=ItemOut)
def scan_item(warehouse_id: IdPath, body: ItemIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """One item of an order scanned while packing (装箱) or at the door (出库核验). An item not on the order, or more
    than it ordered, is recorded as blocked and answered 409 `scan-blocked`. Send an `Idempotency-Key`."""

    def use_case(session: Session) -> tuple[int, dict[str, Any]]:
        found = scan_service.scan_item(session, ctx.now(), ctx.actor, warehouse_id, body.order_id, body.stage, body.code,
                                       body.quantity)
        return 201, ItemOut(scan=ScanOut.of(found.scan),
                            still_to_scan={str(k): v for k, v in found.still_to_scan.items()}).model_dump(mode="json")

    response = run_once(ctx, f"key:{ctx.actor.key_id}:warehouse-item", idempotency_key,
                        {"warehouse_id": warehouse_id, **body.model_dump(mode="json")}, use_case)
    answer = json.loads(bytes(response.body))
    if answer["scan"]["result"] == "blocked":  # recorded and committed; the packer is told to take the item out
        scan = answer["scan"]
        raise rules.ScanBlocked(f"{scan['code']} is blocked on order {scan['order_id']}: {scan['reason']}",
                                scan_id=scan["id"], reason=scan["reason"])
    return response


@router.post("/warehouses/{warehouse_id}/verifications", status_code=201)
def verify(warehouse_id: IdPath, body: OrderRefIn, ctx: Ctx) -> ScanOut:
    """The order passes outbound verification (出库核验) once the items scanned at the door equal its lines; until
    then 409 `order-not-verified` with what is missing."""
    with ctx.transaction() as session:
        return ScanOut.of(scan_service.verify(session, ctx.now(), ctx.actor, warehouse_id, body.order_id))


@router.post("/warehouses/{warehouse_id}/pick-scans", status_code=201)
def pick(warehouse_id: IdPath, body: PickIn, ctx: Ctx) -> ScanOut:
    """The picker starts or ends an order's pick."""
    kind = rules.ScanKind.PICK_START if body.step == "start" else rules.ScanKind.PICK_END
    with ctx.transaction() as session:
        return ScanOut.of(scan_service.pick_scan(session, ctx.now(), ctx.actor, warehouse_id, body.order_id, kind))


@router.get("/warehouses/{warehouse_id}/pick-times")
def pick_times(warehouse_id: IdPath, ctx: Ctx) -> list[PickTimeOut]:
    """Minutes per picked order against §5.2's ten-minute guide (shown, never enforced)."""
    with ctx.read() as session:
        return [PickTimeOut.of(p) for p in scan_service.pick_times(session, ctx.actor, warehouse_id)]


@router.get("/warehouses/{warehouse_id}/scans")
def scans(warehouse_id: IdPath, ctx: Ctx, kind: ScanKindQuery = None, result: ResultQuery = None, limit: Limit = 50,
          cursor: IdQuery = None) -> ScanPage:
    """The warehouse's scan log, newest first, the blocked and flagged ones too."""
    with ctx.read() as session:
        service.get_warehouse(session, ctx.actor, warehouse_id)
        rows, next_cursor = cut_page(service.scan_log(session, ctx.actor, warehouse_id, None, kind, result, limit + 1,
                                                      cursor), limit)
        return ScanPage(items=[ScanOut.of(s) for s in rows], next_cursor=next_cursor)


# --- stocktakes (盘点) ------------------------------------------------------------------------------------

@router.post("/warehouses/{warehouse_id}/stocktakes", status_code=201)
def open_stocktake(warehouse_id: IdPath, body: StocktakeIn, ctx: Ctx) -> StocktakeOut:
    """Open a count of the warehouse, or of the shelves under some prefixes; one open per warehouse."""
    with ctx.transaction() as session:
        return StocktakeOut.of(stocktake_service.open_stocktake(session, ctx.now(), ctx.actor, warehouse_id, body.shelves))


@router.get("/stores/{store_id}/warehouses/stocktakes")
def list_stocktakes(store_id: IdPath, ctx: Ctx, status: Annotated[Literal["open", "closed"] | None, Query()] = None,
                    warehouse_id: IdQuery = None, limit: Limit = 50, cursor: IdQuery = None) -> StocktakePage:
    """The store's stocktakes, newest first."""
    with ctx.read() as session:
        require_store_manager(ctx.actor, store_id)
        rows, next_cursor = cut_page(stocktake_service.list_stocktakes(session, ctx.actor, store_id, warehouse_id, status,
                                                                       limit + 1, cursor), limit)
        return StocktakePage(items=[StocktakeOut.of(t) for t in rows], next_cursor=next_cursor)


@router.get("/stocktakes/{stocktake_id}")
def stocktake_report(stocktake_id: IdPath, ctx: Ctx) -> ReportOut:
    """The variance report: system against counted per SKU, in units and value; uncounted SKUs listed."""
    with ctx.read() as session:
        return ReportOut.of(stocktake_service.report(session, ctx.actor, stocktake_id))


@router.post("/stocktakes/{stocktake_id}/scans", response_model=CountOut)
def count_by_scan(stocktake_id: IdPath, body: CountScanIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """One scan on the shelf adds to the SKU's count. Send an `Idempotency-Key` to retry safely."""

    def use_case(session: Session) -> tuple[int, dict[str, Any]]:
        row = stocktake_service.count_by_scan(session, ctx.now(), ctx.actor, stocktake_id, body.code, body.quantity)
        return 200, CountOut.of(row).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:stocktake-scan", idempotency_key,
                    {"stocktake_id": stocktake_id, **body.model_dump(mode="json")}, use_case)


@router.put("/stocktakes/{stocktake_id}/counts")
def count_in_bulk(stocktake_id: IdPath, body: CountsIn, ctx: Ctx) -> list[CountOut]:
    """Counts in bulk, each replacing the SKU's count; one bad line refuses them all."""
    with ctx.transaction() as session:
        rows = stocktake_service.count_in_bulk(session, ctx.now(), ctx.actor, stocktake_id,
                                               [(c.code, c.counted) for c in body.counts])
        return [CountOut.of(r) for r in rows]


@router.post("/stocktakes/{stocktake_id}/close", response_model=ReportOut)
def close_stocktake(stocktake_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Adjust stock by every variance (movements `adjust`, event `stocktake.closed`) and close. A count below the
    units reserved for orders refuses it: 409 `count-below-reserved`. Send an `Idempotency-Key`."""

    def use_case(session: Session) -> tuple[int, dict[str, Any]]:
        return 200, ReportOut.of(stocktake_service.close(session, ctx.now(), ctx.actor, stocktake_id)).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:stocktake-close", idempotency_key, {"stocktake_id": stocktake_id},
                    use_case)


# --- transfers (货品调拨) ----------------------------------------------------------------------------------

def _transfer_out(session: Session, transfer: Any) -> dict[str, Any]:
    return TransferOut.of(transfer, transfer_service.lines_of(session, transfer.id)).model_dump(mode="json")


@router.post("/stores/{store_id}/warehouses/transfers", status_code=201)
def create_transfer(store_id: IdPath, body: TransferIn, ctx: Ctx) -> TransferOut:
    """A transfer between two warehouses of the store; nothing moves until it ships."""
    with ctx.transaction() as session:
        require_store_manager(ctx.actor, store_id)
        source = service.get_warehouse(session, ctx.actor, body.from_warehouse_id)
        if source.store_id != store_id:
            raise NotFound(f"warehouse {body.from_warehouse_id} does not exist")
        transfer = transfer_service.create(session, ctx.now(), ctx.actor, body.from_warehouse_id, body.to_warehouse_id,
                                           [(line.sku_id, line.quantity) for line in body.lines], body.note)
        return TransferOut.model_validate(_transfer_out(session, transfer))


@router.get("/stores/{store_id}/warehouses/transfers")
def list_transfers(store_id: IdPath, ctx: Ctx,
                   status: Annotated[Literal["created", "in_transit", "received"] | None, Query()] = None,
                   limit: Limit = 50, cursor: IdQuery = None) -> TransferPage:
    """The store's transfers, newest first; `in_transit` ones carry what is on the road."""
    with ctx.read() as session:
        require_store_manager(ctx.actor, store_id)
        rows, next_cursor = cut_page(transfer_service.list_transfers(session, ctx.actor, store_id, status, limit + 1,
                                                                     cursor), limit)
        return TransferPage(items=[TransferOut.model_validate(_transfer_out(session, t)) for t in rows],
                            next_cursor=next_cursor)


@router.get("/transfers/{transfer_id}")
def get_transfer(transfer_id: IdPath, ctx: Ctx) -> TransferOut:
    """One transfer with its lines: shipped, in transit, received and short per SKU."""
    with ctx.read() as session:
        return TransferOut.model_validate(_transfer_out(session, transfer_service.get(session, ctx.actor, transfer_id)))


@router.post("/transfers/{transfer_id}/ship", response_model=TransferOut)
def ship_transfer(transfer_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """The goods leave the source warehouse (its available stock drops); 409 when it has too few. Idempotency-Key."""

    def use_case(session: Session) -> tuple[int, dict[str, Any]]:
        return 200, _transfer_out(session, transfer_service.ship(session, ctx.now(), ctx.actor, transfer_id))

    return run_once(ctx, f"key:{ctx.actor.key_id}:transfer-ship", idempotency_key, {"transfer_id": transfer_id}, use_case)


@router.post("/transfers/{transfer_id}/receive", response_model=TransferOut)
def receive_transfer(transfer_id: IdPath, body: TransferReceiveIn, ctx: Ctx,
                     idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """The goods arrive at the destination; fewer than shipped is a short receipt, recorded. Idempotency-Key."""
    received = None if body.lines is None else {line.sku_id: line.received for line in body.lines}

    def use_case(session: Session) -> tuple[int, dict[str, Any]]:
        return 200, _transfer_out(session, transfer_service.receive(session, ctx.now(), ctx.actor, transfer_id, received))

    return run_once(ctx, f"key:{ctx.actor.key_id}:transfer-receive", idempotency_key,
                    {"transfer_id": transfer_id, **body.model_dump(mode="json")}, use_case)
