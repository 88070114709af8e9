"""Catalog use cases: stores, categories, products with SKUs, prices."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.models import Category, PriceChange, Product, Sku, Store
from shopkeeper.clock import valid_zone
from shopkeeper.errors import Conflict, InvalidInput, NotFound
from shopkeeper.money import valid_currency
from shopkeeper.scope import get_or_404, require_role, require_store_manager


@dataclass(frozen=True)
class SkuSpec:
    code: str
    price_minor: int
    options: dict[str, str] = field(default_factory=dict)
    weight_grams: int = 0
    barcode: str | None = None
    customs_name_zh: str | None = None
    customs_name_en: str | None = None
    hs_code: str | None = None
    declared_value_minor: int | None = None


@dataclass(frozen=True)
class ProductSpec:
    title: str
    skus: list[SkuSpec]
    title_en: str = ""
    description: str = ""
    category_id: int | None = None
    shipping_template_id: int | None = None


def create_store(session: Session, now: datetime, actor: Principal, name: str, rulebook: str, currency: str,
                 timezone: str | None = None) -> Store:
    """A store; its time zone defaults to its platform's (Taobao and Tmall: Beijing time)."""
    require_role(actor, Role.OPERATOR)
    book = rulebooks.load(rulebook)  # refuses an unknown rulebook
    if not valid_currency(currency):
        raise InvalidInput(f"{currency!r} is not an ISO 4217 currency code")
    zone = timezone or book.timezone
    if not valid_zone(zone):
        raise InvalidInput(f"{zone!r} is not an IANA time zone such as Asia/Shanghai")
    store = Store(name=name, rulebook=rulebook, currency=currency, timezone=zone, created_at=now)
    session.add(store)
    session.flush()
    events.record(session, now, "store.created", f"store:{store.id}", store.id, name=name, rulebook=rulebook)
    return store


def get_store(session: Session, actor: Principal, store_id: int) -> Store:
    store = get_or_404(session, Store, store_id, "store")
    if actor.role is Role.STAFF and actor.store_id != store_id:
        raise NotFound(f"store {store_id} does not exist")
    return store


def list_stores(session: Session, actor: Principal) -> list[Store]:
    query = select(Store).order_by(Store.id)
    if actor.role is Role.STAFF:
        query = query.where(Store.id == actor.store_id)
    return list(session.scalars(query))


def create_category(session: Session, actor: Principal, store_id: int, name: str, name_en: str = "", parent_id: int | None = None) -> Category:
    require_store_manager(actor, store_id)
    get_store(session, actor, store_id)
    if parent_id is not None:
        parent = session.get(Category, parent_id)
        if parent is None or parent.store_id != store_id:
            raise NotFound(f"category {parent_id} does not exist")
    category = Category(store_id=store_id, name=name, name_en=name_en, parent_id=parent_id)
    session.add(category)
    session.flush()
    return category


def list_categories(session: Session, actor: Principal, store_id: int) -> list[Category]:
    get_store(session, actor, store_id)
    return list(session.scalars(select(Category).where(Category.store_id == store_id).order_by(Category.id)))


def create_product(session: Session, now: datetime, actor: Principal, store_id: int, spec: ProductSpec) -> tuple[Product, list[Sku]]:
    require_store_manager(actor, store_id)
    get_store(session, actor, store_id)
    _check_references(session, store_id, spec)
    codes = [s.code for s in spec.skus]
    if not codes:
        raise InvalidInput("a product needs at least one SKU")
    if len(set(codes)) != len(codes):
        raise InvalidInput("SKU codes must be unique within the product")
    taken = session.scalars(select(Sku.code).where(Sku.store_id == store_id, Sku.code.in_(codes))).all()
    if taken:
        raise Conflict(f"SKU code already used in this store: {', '.join(sorted(taken))}")
    product = Product(store_id=store_id, title=spec.title, title_en=spec.title_en, description=spec.description,
                      category_id=spec.category_id, shipping_template_id=spec.shipping_template_id,
                      status="active", created_at=now)
    session.add(product)
    session.flush()
    skus = [Sku(store_id=store_id, product_id=product.id, **vars(s)) for s in spec.skus]
    session.add_all(skus)
    try:
        session.flush()
    except IntegrityError as exc:  # two writers raced for the same code
        raise Conflict("SKU code already used in this store") from exc
    for sku in skus:
        session.add(PriceChange(store_id=store_id, sku_id=sku.id, at=now, old_minor=None, new_minor=sku.price_minor))
    events.record(session, now, "product.created", f"product:{product.id}", store_id, title=spec.title, skus=codes)
    return product, skus


def _check_references(session: Session, store_id: int, spec: ProductSpec) -> None:
    if spec.category_id is not None:
        category = session.get(Category, spec.category_id)
        if category is None or category.store_id != store_id:
            raise NotFound(f"category {spec.category_id} does not exist")
    if spec.shipping_template_id is not None:
        if _store_of_template(session, spec.shipping_template_id) != store_id:
            raise NotFound(f"shipping template {spec.shipping_template_id} does not exist")


def sees_back_office(actor: Principal, store_id: int) -> bool:
    """The operator and the store's own staff see what the shop window does not show: delisted products (下架)
    and a SKU's customs data (declared value, HS code, customs names). Buyers and other stores see neither."""
    return actor.may_see_store(store_id)


def get_product(session: Session, actor: Principal, product_id: int) -> tuple[Product, list[Sku]]:
    """A listed product is public: any principal may read it. A delisted one is "not found" outside its store."""
    product = get_or_404(session, Product, product_id, "product")
    if product.status != "active" and not sees_back_office(actor, product.store_id):
        raise NotFound(f"product {product_id} does not exist")
    skus = list(session.scalars(select(Sku).where(Sku.product_id == product_id).order_by(Sku.id)))
    return product, skus


def list_products(session: Session, actor: Principal, store_id: int, limit: int, after: int | None) -> list[Product]:
    """The shop window; the store's staff and the operator also see what is delisted."""
    query = select(Product).where(Product.store_id == store_id).order_by(Product.id).limit(limit)
    if not sees_back_office(actor, store_id):
        query = query.where(Product.status == "active")
    if after is not None:
        query = query.where(Product.id > after)
    return list(session.scalars(query))


def skus_of(session: Session, product_ids: list[int]) -> dict[int, list[Sku]]:
    grouped: dict[int, list[Sku]] = {pid: [] for pid in product_ids}
    for sku in session.scalars(select(Sku).where(Sku.product_id.in_(product_ids)).order_by(Sku.id)):
        grouped[sku.product_id].append(sku)
    return grouped


def set_listing(session: Session, now: datetime, actor: Principal, product_id: int, status: str) -> Product:
    """上架 / 下架: a delisted product stays in past orders but can no longer be bought."""
    product = get_or_404(session, Product, product_id, "product")
    require_store_manager(actor, product.store_id)
    if status not in ("active", "delisted"):
        raise InvalidInput("status must be 'active' or 'delisted'")
    if status != product.status:
        product.status = status
        events.record(session, now, f"product.{'listed' if status == 'active' else 'delisted'}", f"product:{product.id}", product.store_id)
    return product


def change_price(session: Session, now: datetime, actor: Principal, sku_id: int, price_minor: int) -> Sku:
    sku = get_or_404(session, Sku, sku_id, "SKU")
    require_store_manager(actor, sku.store_id)
    if price_minor < 0:
        raise InvalidInput("a price cannot be negative")
    if price_minor != sku.price_minor:
        session.add(PriceChange(store_id=sku.store_id, sku_id=sku.id, at=now, old_minor=sku.price_minor, new_minor=price_minor))
        events.record(session, now, "sku.price_changed", f"sku:{sku.id}", sku.store_id, old=sku.price_minor, new=price_minor)
        sku.price_minor = price_minor
    return sku


def price_history(session: Session, actor: Principal, sku_id: int) -> list[PriceChange]:
    sku = get_or_404(session, Sku, sku_id, "SKU")
    get_product(session, actor, sku.product_id)  # a delisted product's SKUs are not found outside its store
    return list(session.scalars(select(PriceChange).where(PriceChange.sku_id == sku_id).order_by(PriceChange.at, PriceChange.id)))



# --- reads for orders and promotions ---

CatalogKind = Literal["category", "product", "sku"]
_KIND_TABLES: dict[CatalogKind, type[Category] | type[Product] | type[Sku]] = {"category": Category, "product": Product, "sku": Sku}


def store_by_id(session: Session, store_id: int) -> Store:
    """A store for a use case that has already settled who may act (checkout, a promotion's owner, an order's
    rulebook, a store's carriers, its after-sales figures); the session's identity map answers a store loaded before
    without a second statement."""
    return get_or_404(session, Store, store_id, "store")


def product_by_id(session: Session, product_id: int) -> Product:
    """A product, listed or not, for a use case that checks the caller itself (a campaign sign-up)."""
    return get_or_404(session, Product, product_id, "product")


def sellable_sku(session: Session, store_id: int, sku_id: int) -> Sku:
    """A SKU a buyer may put in this store's cart: sold by the store, its product listed."""
    sku = session.get(Sku, sku_id)
    if sku is None or sku.store_id != store_id:
        raise NotFound(f"SKU {sku_id} is not sold by store {store_id}")
    if session.get(Product, sku.product_id).status != "active":  # type: ignore[union-attr]
        raise InvalidInput(f"SKU {sku_id} is no longer on sale", sku_id=sku_id)
    return sku


def skus_for_sale(session: Session, store_id: int, sku_ids: list[int]) -> tuple[dict[int, Sku], dict[int, Product]]:
    """The SKUs one store's basket names, with their products, in two statements whatever the basket's size: each
    must be sold by the store and listed, or the basket cannot be priced."""
    skus = {s.id: s for s in session.scalars(select(Sku).where(Sku.id.in_(sku_ids), Sku.store_id == store_id))}
    missing = [sku_id for sku_id in sku_ids if sku_id not in skus]
    if missing:
        raise NotFound(f"SKU {missing[0]} is not sold by store {store_id}", sku_id=missing[0])
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_({s.product_id for s in skus.values()})))}
    for sku in skus.values():
        if products[sku.product_id].status != "active":
            raise InvalidInput(f"SKU {sku.id} is no longer on sale", sku_id=sku.id)
    return skus, products


def skus_with_products(session: Session, sku_ids: list[int]) -> tuple[dict[int, Sku], dict[int, Product]]:
    """SKUs with their products, listed or not, in two statements: an order line snapshots a gift's code, title and
    options whichever store gives it."""
    skus = {s.id: s for s in session.scalars(select(Sku).where(Sku.id.in_(sku_ids)))}
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_({s.product_id for s in skus.values()})))}
    return skus, products


def skus_with_listing(session: Session, sku_ids: list[int]) -> list[tuple[Sku, str]]:
    """SKUs with their product's listing status (active | delisted), in one statement: a delisted gift is not given."""
    rows = session.execute(select(Sku, Product.status).join(Product, Product.id == Sku.product_id).where(Sku.id.in_(sku_ids)))
    return [(sku, status) for sku, status in rows.all()]


def existing_ids(session: Session, kind: CatalogKind, ids: set[int] | frozenset[int], store_id: int | None = None) -> set[int]:
    """Which of these categories, products or SKUs exist (in `store_id`'s catalog, when given), in one statement:
    what a promotion or a campaign names must be there."""
    table = _KIND_TABLES[kind]
    query = select(table.id).where(table.id.in_(ids))
    if store_id is not None:
        query = query.where(table.store_id == store_id)
    return set(session.scalars(query))


def category_children(session: Session, store_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each category's direct sub-categories in these stores, in one statement (a promotion on 茶叶 covers 绿茶 below it)."""
    children: dict[int, list[int]] = {}
    for category_id, parent_id in session.execute(select(Category.id, Category.parent_id).where(Category.store_id.in_(store_ids))):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(category_id)
    return children


def categories_under(session: Session, ids: set[int]) -> set[int]:
    """These categories and every one below them, one statement per level of the tree (a campaign on a category
    takes its sub-categories too, as a platform's category tree means)."""
    found = set(ids)
    frontier = set(ids)
    while frontier:
        frontier = set(session.scalars(select(Category.id).where(Category.parent_id.in_(frontier)))) - found
        found |= frontier
    return found


def prices_since(session: Session, sku_ids: list[int], since: datetime) -> list[PriceChange]:
    """Each SKU's price changes after `since`, plus the last one at or before it (the price in effect then), oldest
    first, in one statement: a campaign's threshold price is read from them."""
    latest_before = (select(PriceChange.sku_id, func.max(PriceChange.at).label("at"))
                     .where(PriceChange.sku_id.in_(sku_ids), PriceChange.at <= since)
                     .group_by(PriceChange.sku_id).subquery())
    query = (select(PriceChange)
             .outerjoin(latest_before, and_(latest_before.c.sku_id == PriceChange.sku_id, latest_before.c.at == PriceChange.at))
             .where(PriceChange.sku_id.in_(sku_ids), or_(PriceChange.at > since, latest_before.c.at.is_not(None)))
             .order_by(PriceChange.at, PriceChange.id))
    return list(session.scalars(query))
# --- the shipping template a product names ---

TemplateStore = Callable[[Session, int], "int | None"]
"""The store a shipping template (运费模板) belongs to; None when there is no such template."""

_template_store: TemplateStore | None = None


def use_shipping_templates(store_of: TemplateStore) -> None:
    """Shipping templates are fulfillment's, and fulfillment builds on the catalog, so the catalog never imports it:
    the composition root hands the catalog fulfillment's answer (`fulfillment.service.template_store`) instead."""
    global _template_store
    _template_store = store_of


def _store_of_template(session: Session, template_id: int) -> int | None:
    if _template_store is None:  # a wiring fault, not the caller's: never list a product unchecked
        raise RuntimeError("no shipping templates to check a product against (composition.install_ports)")
    return _template_store(session, template_id)


# --- reads for fulfillment, inventory and after-sales ---

def lock_store(session: Session, store_id: int) -> None:
    """Hold the store's row until the transaction ends: what one store files is then written one writer at a time."""
    session.scalar(select(Store.id).where(Store.id == store_id).with_for_update())


def sku_by_id(session: Session, sku_id: int) -> Sku:
    """A SKU, its product listed or not, for a use case that checks the caller itself (stock in, stock levels)."""
    return get_or_404(session, Sku, sku_id, "SKU")


def skus_by_code(session: Session, store_id: int, codes: set[str]) -> dict[str, Sku]:
    """A store's SKUs by code, in one statement: a marketplace order names its items by the store's own codes."""
    return {sku.code: sku for sku in session.scalars(select(Sku).where(Sku.store_id == store_id, Sku.code.in_(codes)))}


def skus_in_store(session: Session, store_id: int) -> list[tuple[Sku, Product]]:
    """Every SKU of a store with its product, listed or not, in code order, in one statement: purchasing plans
    replenishment over the whole range."""
    rows = session.execute(select(Sku, Product).join(Product, Product.id == Sku.product_id)
                           .where(Sku.store_id == store_id).order_by(Sku.code, Sku.id))
    return [(sku, product) for sku, product in rows]


def sku_by_barcode(session: Session, store_id: int, barcode: str) -> Sku | None:
    """The store's SKU printed with this barcode (the packer scans the item, RULES.md §5.1); the oldest if several."""
    return session.scalar(select(Sku).where(Sku.store_id == store_id, Sku.barcode == barcode).order_by(Sku.id).limit(1))
