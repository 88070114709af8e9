"""A shop whose SKU codes match the sample export files, for the import tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orders.intake.files import SAMPLES, sample
from shopkeeper.auth import Principal, Role
from shopkeeper.db import Database
from shopkeeper.orders.intake.layouts import parse, sniff
from shopkeeper.orders.intake.service import ImportReport, ImportSource, import_orders
from support import Shop

SAMPLE_CODES = ("MUG-BLUE-12", "MUG-RED-12", "POT-CAST-1", "STRAINER-S", "TEA-GREEN-100", "WHISK-80", "284400000004")
SAMPLE_FILES = tuple(sorted(p.name for p in SAMPLES.iterdir() if p.suffix != ".md"))


def stock_sample_skus(shop: Shop, stock: int = 100) -> dict[str, int]:
    """Add a product whose SKUs carry every code the sample files name; `stock` of each in the shop's warehouse."""
    product = shop.staff.post(f"/stores/{shop.store_id}/products", {
        "title": "Tea things", "title_en": "Tea things",
        "skus": [{"code": code, "price": "10.00", "options": {"code": code}} for code in SAMPLE_CODES],
    }, expect=201)
    ids = {s["code"]: s["id"] for s in product["skus"]}
    for sku_id in ids.values():
        shop.staff.post(f"/skus/{sku_id}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": stock})
    return ids


def staff_of(shop: Shop) -> Principal:
    return Principal(role=Role.STAFF, key_id=1, store_id=shop.store_id)


def import_sample(db: Database, now: datetime, actor: Principal, store_id: int, name: str) -> ImportReport:
    text = sample(name).lstrip("\ufeff")
    layout = sniff(text)
    assert layout is not None, name
    with db.transaction() as session:
        return import_orders(session, now, actor, store_id, parse(text, layout), ImportSource(layout, name))


def counts(session: Session, *tables: str) -> dict[str, int]:
    from shopkeeper.models import metadata

    return {name: int(session.scalar(select(func.count()).select_from(metadata.tables[name])) or 0) for name in tables}
