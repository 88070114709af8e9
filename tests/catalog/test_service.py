"""Stores, categories, products and prices through `shopkeeper.catalog.service` itself, given / when / then."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.catalog.models import PriceChange, Product, Sku, Store
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.errors import Conflict, Forbidden, InvalidInput, NotFound
from shopkeeper.fulfillment.models import ShippingTemplateRow

OPERATOR = Principal(Role.OPERATOR, key_id=1)
BUYER = Principal(Role.BUYER, key_id=2, buyer_id=1)


def staff_of(store: Store) -> Principal:
    return Principal(Role.STAFF, key_id=3, store_id=store.id)


def tee(*codes: str, **fields: int | None) -> catalog.ProductSpec:
    return catalog.ProductSpec("棉T恤 Cotton tee", [catalog.SkuSpec(code, 5990) for code in codes], **fields)  # type: ignore[arg-type]


def given_two_stores(session: Session, clock: SimulatedClock) -> tuple[Store, Store]:
    return (catalog.create_store(session, clock.now(), OPERATOR, "Tea house", "taobao", "CNY"),
            catalog.create_store(session, clock.now(), OPERATOR, "Gadgets", "dhgate", "USD"))


def counted(session: Session, model: type[Product] | type[Sku]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_store_takes_its_platforms_time_zone_unless_given_one(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        taobao = catalog.create_store(session, clock.now(), OPERATOR, "Tea house", "taobao", "CNY")
        own = catalog.create_store(session, clock.now(), OPERATOR, "Lumen", "default", "USD", timezone="America/New_York")

        assert taobao.timezone == "Asia/Shanghai"
        assert own.timezone == "America/New_York"
        with pytest.raises(InvalidInput, match="ISO 4217"):
            catalog.create_store(session, clock.now(), OPERATOR, "Bad", "taobao", "cny")  # the shape of a code: three capitals
        with pytest.raises(InvalidInput, match="IANA"):
            catalog.create_store(session, clock.now(), OPERATOR, "Bad", "taobao", "CNY", timezone="Beijing")
        with pytest.raises(Forbidden):
            catalog.create_store(session, clock.now(), staff_of(taobao), "Mine", "taobao", "CNY")


def test_staff_see_only_their_own_store(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        tea, gadgets = given_two_stores(session, clock)

        assert catalog.list_stores(session, staff_of(tea)) == [tea]
        assert catalog.list_stores(session, OPERATOR) == [tea, gadgets]
        with pytest.raises(NotFound):
            catalog.get_store(session, staff_of(tea), gadgets.id)
        with pytest.raises(NotFound):
            catalog.create_category(session, staff_of(tea), gadgets.id, "Phones")


def test_a_product_is_created_with_its_skus_and_their_first_prices(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        tea, _ = given_two_stores(session, clock)
        clothes = catalog.create_category(session, staff_of(tea), tea.id, "服装 Clothes")
        shirts = catalog.create_category(session, staff_of(tea), tea.id, "T恤 Tees", parent_id=clothes.id)

        product, skus = catalog.create_product(session, clock.now(), staff_of(tea), tea.id,
                                               tee("TEE-RED-M", "TEE-BLU-L", category_id=shirts.id))

        assert (product.status, product.category_id, product.store_id) == ("active", shirts.id, tea.id)
        assert [s.code for s in skus] == ["TEE-RED-M", "TEE-BLU-L"]
        assert [(p.old_minor, p.new_minor) for p in catalog.price_history(session, BUYER, skus[0].id)] == [(None, 5990)]
        assert catalog.list_categories(session, OPERATOR, tea.id) == [clothes, shirts]


def test_a_product_needs_at_least_one_sku_and_distinct_codes(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        tea, _ = given_two_stores(session, clock)

        with pytest.raises(InvalidInput, match="at least one SKU"):
            catalog.create_product(session, clock.now(), OPERATOR, tea.id, tee())
        with pytest.raises(InvalidInput, match="unique within the product"):
            catalog.create_product(session, clock.now(), OPERATOR, tea.id, tee("TEE-M", "TEE-M"))

        assert (counted(session, Product), counted(session, Sku)) == (0, 0)


def test_a_sku_code_is_unique_within_its_store_only(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        tea, gadgets = given_two_stores(session, clock)
        catalog.create_product(session, clock.now(), OPERATOR, tea.id, tee("TEE-M", "TEE-L"))

        with pytest.raises(Conflict, match="TEE-L"):
            catalog.create_product(session, clock.now(), OPERATOR, tea.id, tee("TEE-S", "TEE-L"))
        catalog.create_product(session, clock.now(), OPERATOR, gadgets.id, tee("TEE-L"))  # another store may use it

        assert sorted(session.scalars(select(Sku.code).where(Sku.store_id == tea.id))) == ["TEE-L", "TEE-M"]
        assert (counted(session, Product), counted(session, Sku)) == (2, 3)


def test_category_and_shipping_template_must_belong_to_the_same_store(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        tea, gadgets = given_two_stores(session, clock)
        their_category = catalog.create_category(session, OPERATOR, gadgets.id, "Phones")
        their_template = ShippingTemplateRow(store_id=gadgets.id, name="Worldwide", spec={})
        session.add(their_template)
        session.flush()

        with pytest.raises(NotFound, match=f"category {their_category.id}"):
            catalog.create_product(session, clock.now(), OPERATOR, tea.id, tee("TEE-M", category_id=their_category.id))
        with pytest.raises(NotFound, match=f"shipping template {their_template.id}"):
            catalog.create_product(session, clock.now(), OPERATOR, tea.id, tee("TEE-M", shipping_template_id=their_template.id))
        with pytest.raises(NotFound, match=f"category {their_category.id}"):
            catalog.create_category(session, OPERATOR, tea.id, "Sub", parent_id=their_category.id)
        product, _ = catalog.create_product(session, clock.now(), OPERATOR, gadgets.id,
                                            tee("PH-1", category_id=their_category.id, shipping_template_id=their_template.id))

        assert (product.category_id, product.shipping_template_id) == (their_category.id, their_template.id)
        assert counted(session, Product) == 1


def test_only_the_stores_own_staff_or_the_operator_create_products(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        tea, gadgets = given_two_stores(session, clock)

        with pytest.raises(NotFound):
            catalog.create_product(session, clock.now(), staff_of(gadgets), tea.id, tee("TEE-M"))
        with pytest.raises(Forbidden):
            catalog.create_product(session, clock.now(), BUYER, tea.id, tee("TEE-M"))

        assert counted(session, Product) == 0


def test_a_delisted_product_is_seen_only_by_its_store_and_the_operator(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        tea, gadgets = given_two_stores(session, clock)
        product, [sku] = catalog.create_product(session, clock.now(), OPERATOR, tea.id, tee("TEE-M"))
        shown, _ = catalog.create_product(session, clock.now(), OPERATOR, tea.id, tee("TEE-L"))

        catalog.set_listing(session, clock.now(), staff_of(tea), product.id, "delisted")

        for outsider in (BUYER, staff_of(gadgets)):
            with pytest.raises(NotFound):
                catalog.get_product(session, outsider, product.id)
            with pytest.raises(NotFound):
                catalog.price_history(session, outsider, sku.id)
            assert catalog.list_products(session, outsider, tea.id, limit=10, after=None) == [shown]
        for insider in (OPERATOR, staff_of(tea)):
            assert catalog.get_product(session, insider, product.id) == (product, [sku])
            assert catalog.list_products(session, insider, tea.id, limit=10, after=None) == [product, shown]

        catalog.set_listing(session, clock.now(), OPERATOR, product.id, "active")
        assert catalog.get_product(session, BUYER, product.id)[0].status == "active"
        with pytest.raises(InvalidInput):
            catalog.set_listing(session, clock.now(), OPERATOR, product.id, "hidden")
        with pytest.raises(NotFound):
            catalog.set_listing(session, clock.now(), staff_of(gadgets), product.id, "delisted")


def test_every_price_change_is_kept_in_order_and_an_unchanged_price_adds_nothing(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        tea, gadgets = given_two_stores(session, clock)
        _, [sku] = catalog.create_product(session, clock.now(), OPERATOR, tea.id, tee("TEE-M"))

        clock.advance(timedelta(days=1))
        catalog.change_price(session, clock.now(), staff_of(tea), sku.id, 4990)
        catalog.change_price(session, clock.now(), staff_of(tea), sku.id, 4990)  # the same price again
        clock.advance(timedelta(days=1))
        changed = catalog.change_price(session, clock.now(), OPERATOR, sku.id, 0)
        with pytest.raises(InvalidInput, match="negative"):
            catalog.change_price(session, clock.now(), OPERATOR, sku.id, -1)
        with pytest.raises(NotFound):
            catalog.change_price(session, clock.now(), staff_of(gadgets), sku.id, 100)
        session.flush()

        assert changed.price_minor == 0
        history = catalog.price_history(session, BUYER, sku.id)
        assert [(p.old_minor, p.new_minor) for p in history] == [(None, 5990), (5990, 4990), (4990, 0)]
        assert [p.at for p in history] == sorted(p.at for p in history)
        assert session.scalar(select(func.count()).select_from(PriceChange)) == 3
