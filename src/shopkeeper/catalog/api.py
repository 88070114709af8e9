from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.schemas import cut_page, to_minor
from shopkeeper.catalog import service
from shopkeeper.catalog.models import Sku, Store
from shopkeeper.catalog.schemas import (
    CategoryIn,
    CategoryOut,
    ListingIn,
    PriceChangeOut,
    PriceIn,
    ProductIn,
    ProductOut,
    ProductPage,
    SkuOut,
    StoreIn,
    StoreOut,
)
from shopkeeper.scope import get_or_404

router = APIRouter(tags=["catalog"])


@router.post("/stores", status_code=201)
def create_store(body: StoreIn, ctx: Ctx) -> StoreOut:
    """Open a store (operator only): its rulebook sets the platform rules it runs by, its currency every price."""
    with ctx.transaction() as session:
        return StoreOut.of(service.create_store(session, ctx.now(), ctx.actor, body.name, body.rulebook, body.currency,
                                                  body.timezone))


@router.get("/stores")
def list_stores(ctx: Ctx) -> list[StoreOut]:
    """The stores this key may see: all for the operator, its own for staff."""
    with ctx.read() as session:
        return [StoreOut.of(s) for s in service.list_stores(session, ctx.actor)]


@router.get("/stores/{store_id}")
def get_store(store_id: IdPath, ctx: Ctx) -> StoreOut:
    """One store; another tenant's store answers 404."""
    with ctx.read() as session:
        return StoreOut.of(service.get_store(session, ctx.actor, store_id))


@router.post("/stores/{store_id}/categories", status_code=201)
def create_category(store_id: IdPath, body: CategoryIn, ctx: Ctx) -> CategoryOut:
    """Add a category to the store's tree, under `parent_id` when given."""
    with ctx.transaction() as session:
        return CategoryOut.of(service.create_category(session, ctx.actor, store_id, body.name, body.name_en, body.parent_id))


@router.get("/stores/{store_id}/categories")
def list_categories(store_id: IdPath, ctx: Ctx) -> list[CategoryOut]:
    """The store's categories in the order they were made."""
    with ctx.read() as session:
        return [CategoryOut.of(c) for c in service.list_categories(session, ctx.actor, store_id)]


@router.post("/stores/{store_id}/products", status_code=201)
def create_product(store_id: IdPath, body: ProductIn, ctx: Ctx) -> ProductOut:
    """List a product with its SKUs (options, price, weight); SKU codes are unique within the store."""
    with ctx.transaction() as session:
        store = service.get_store(session, ctx.actor, store_id)
        product, skus = service.create_product(session, ctx.now(), ctx.actor, store_id, body.spec(store.currency))
        return ProductOut.of(product, skus, store.currency)


# Routes that answer outsiders leave out what is unset: the customs fields they may not see.
@router.get("/stores/{store_id}/products", response_model_exclude_unset=True)
def list_products(store_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> ProductPage:
    """The listing is public to every principal, like a shop window: listed products, without customs data.
    The store's staff and the operator also see delisted products (下架) and customs data."""
    with ctx.read() as session:
        store = get_or_404(session, Store, store_id, "store")
        products, next_cursor = cut_page(service.list_products(session, ctx.actor, store_id, limit + 1, cursor), limit)
        skus = service.skus_of(session, [p.id for p in products])
        customs = service.sees_back_office(ctx.actor, store_id)
        return ProductPage(items=[ProductOut.of(p, skus[p.id], store.currency, customs) for p in products],
                           next_cursor=next_cursor)


def _product_out(session: Session, ctx: Ctx, product_id: int) -> ProductOut:
    product, skus = service.get_product(session, ctx.actor, product_id)
    currency = get_or_404(session, Store, product.store_id, "store").currency
    return ProductOut.of(product, skus, currency, customs=service.sees_back_office(ctx.actor, product.store_id))


@router.get("/products/{product_id}", response_model_exclude_unset=True)
def get_product(product_id: IdPath, ctx: Ctx) -> ProductOut:
    """One product with its SKUs and their current prices."""
    with ctx.read() as session:
        return _product_out(session, ctx, product_id)


@router.put("/products/{product_id}/status")
def set_listing(product_id: IdPath, body: ListingIn, ctx: Ctx) -> ProductOut:
    """List (上架) or delist (下架) a product."""
    with ctx.transaction() as session:
        service.set_listing(session, ctx.now(), ctx.actor, product_id, body.status)
        return _product_out(session, ctx, product_id)


@router.put("/skus/{sku_id}/price")
def change_price(sku_id: IdPath, body: PriceIn, ctx: Ctx) -> SkuOut:
    """Set a SKU's price; the change is kept in its price history (the basis of campaign prices)."""
    with ctx.transaction() as session:
        sku = get_or_404(session, Sku, sku_id, "SKU")
        store = get_or_404(session, Store, sku.store_id, "store")
        sku = service.change_price(session, ctx.now(), ctx.actor, sku_id, to_minor(body.price, store.currency, "price"))
        return SkuOut.of(sku, store.currency)


@router.get("/skus/{sku_id}/price-history")
def price_history(sku_id: IdPath, ctx: Ctx) -> list[PriceChangeOut]:
    """Every price a SKU has had, oldest first."""
    with ctx.read() as session:
        sku = get_or_404(session, Sku, sku_id, "SKU")
        store = service.get_store(session, ctx.actor, sku.store_id)
        return [PriceChangeOut.of(c, store.currency) for c in service.price_history(session, ctx.actor, sku_id)]
