from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import Amount, Id, In, MoneyOut, Name, Text, stripped, to_minor
from shopkeeper.catalog.models import Category, PriceChange, Product, Sku, Store
from shopkeeper.catalog.service import ProductSpec, SkuSpec

Code = Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
OptionText = Annotated[str, StringConstraints(max_length=60)]


class StoreIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "杭州棉品旗舰店",
        "rulebook": "taobao",
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
    }]})

    name: Name
    rulebook: Annotated[str, StringConstraints(max_length=32)] = "default"
    currency: Currency = "CNY"
    timezone: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="IANA time zone; defaults to the rulebook's (Asia/Shanghai for Taobao and Tmall)")


class StoreOut(BaseModel):
    id: int
    name: str
    rulebook: str
    currency: str
    timezone: str
    created_at: datetime

    @classmethod
    def of(cls, s: Store) -> "StoreOut":
        return cls(id=s.id, name=s.name, rulebook=s.rulebook, currency=s.currency, timezone=s.timezone,
                   created_at=s.created_at)


class CategoryIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "T恤", "name_en": "T-shirts", "parent_id": 1}]})

    name: Name
    name_en: Annotated[str, StringConstraints(max_length=120)] = ""
    parent_id: Id | None = None


class CategoryOut(BaseModel):
    id: int
    store_id: int
    name: str
    name_en: str
    parent_id: int | None

    @classmethod
    def of(cls, c: Category) -> "CategoryOut":
        return cls(id=c.id, store_id=c.store_id, name=c.name, name_en=c.name_en, parent_id=c.parent_id)


class SkuIn(In):
    code: Code
    price: Amount
    options: dict[OptionText, OptionText] = Field(default_factory=dict, max_length=10)
    weight_grams: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    barcode: Annotated[str, StringConstraints(max_length=64)] | None = None
    customs_name_zh: Annotated[str, StringConstraints(max_length=120)] | None = None
    customs_name_en: Annotated[str, StringConstraints(max_length=120)] | None = None
    hs_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6,10}$")] | None = None
    declared_value: Amount | None = None

    def spec(self, currency: str) -> SkuSpec:
        return SkuSpec(
            code=self.code, price_minor=to_minor(self.price, currency, "price"), options=dict(self.options),
            weight_grams=self.weight_grams, barcode=self.barcode, customs_name_zh=self.customs_name_zh,
            customs_name_en=self.customs_name_en, hs_code=self.hs_code,
            declared_value_minor=to_minor(self.declared_value, currency, "declared_value") if self.declared_value is not None else None,
        )


class ProductIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "title": "棉T恤 Cotton tee",
        "title_en": "Cotton tee",
        "category_id": 1,
        "skus": [{"code": "TEE-RED-M", "price": "59.90", "options": {"colour": "red", "size": "M"}, "weight_grams": 200},
                 {"code": "TEE-BLU-L", "price": "65.00", "options": {"colour": "blue", "size": "L"}, "weight_grams": 220}],
    }]})

    title: Annotated[str, StringConstraints(min_length=1, max_length=200), stripped(1)]
    title_en: Annotated[str, StringConstraints(max_length=200)] = ""
    description: Text = ""
    category_id: Id | None = None
    shipping_template_id: Id | None = None
    skus: list[SkuIn] = Field(min_length=1, max_length=200)

    def spec(self, currency: str) -> ProductSpec:
        return ProductSpec(title=self.title, title_en=self.title_en, description=self.description,
                           category_id=self.category_id, shipping_template_id=self.shipping_template_id,
                           skus=[s.spec(currency) for s in self.skus])


class SkuOut(BaseModel):
    id: int
    code: str
    options: dict[str, str]
    price: MoneyOut
    weight_grams: int
    barcode: str | None
    customs_name_zh: str | None = None
    customs_name_en: str | None = None
    hs_code: str | None = None
    declared_value: MoneyOut | None = None

    @classmethod
    def of(cls, s: Sku, currency: str, customs: bool = True) -> "SkuOut":
        """`customs`: with the customs data, for the store's staff and the operator only (`service.sees_back_office`).
        Without it the customs fields are left unset, and routes that answer outsiders leave unset fields out."""
        if not customs:
            return cls(id=s.id, code=s.code, options=s.options, price=MoneyOut.of(s.price_minor, currency),
                       weight_grams=s.weight_grams, barcode=s.barcode)
        return cls(id=s.id, code=s.code, options=s.options, price=MoneyOut.of(s.price_minor, currency),
                   weight_grams=s.weight_grams, barcode=s.barcode, customs_name_zh=s.customs_name_zh,
                   customs_name_en=s.customs_name_en, hs_code=s.hs_code,
                   declared_value=MoneyOut.of(s.declared_value_minor, currency) if s.declared_value_minor is not None else None)


class ProductOut(BaseModel):
    id: int
    store_id: int
    title: str
    title_en: str
    description: str
    category_id: int | None
    shipping_template_id: int | None
    status: str
    skus: list[SkuOut]

    @classmethod
    def of(cls, p: Product, skus: list[Sku], currency: str, customs: bool = True) -> "ProductOut":
        return cls(id=p.id, store_id=p.store_id, title=p.title, title_en=p.title_en, description=p.description,
                   category_id=p.category_id, shipping_template_id=p.shipping_template_id, status=p.status,
                   skus=[SkuOut.of(s, currency, customs) for s in skus])


class ProductPage(BaseModel):
    items: list[ProductOut]
    next_cursor: int | None


class ListingIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "delisted"}]})

    status: Literal["active", "delisted"]


class PriceIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"price": "49.90"}]})

    price: Amount


class PriceChangeOut(BaseModel):
    at: datetime
    old: MoneyOut | None
    new: MoneyOut

    @classmethod
    def of(cls, c: PriceChange, currency: str) -> "PriceChangeOut":
        return cls(at=c.at, old=MoneyOut.of(c.old_minor, currency) if c.old_minor is not None else None,
                   new=MoneyOut.of(c.new_minor, currency))
