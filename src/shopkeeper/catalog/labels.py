"""What people call the catalog's things, for pages that show ids: SKU codes, product titles, category names.

Read-only, one SQL statement per kind of thing; only rows of stores the principal may see.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.catalog.models import Category, Product, Sku
from shopkeeper.scope import scoped

MAX_NAMES = 2000  # a scope names at most 1000 ids and excludes at most 1000 SKUs (the API's limits)


def scope_names(session: Session, actor: Principal, level: str, ids: Iterable[int], lang: str = "en") -> dict[int, str]:
    """Labels for the ids a promotion's or campaign's scope names (`level`: "sku", "product" or "category"),
    English where the row has it and `lang` is "en". Ids the principal may not see, or that are gone, are
    left out (pages show them as "#id")."""
    wanted = sorted({int(i) for i in ids})[:MAX_NAMES]
    if not wanted:
        return {}
    if level == "sku":
        codes = session.execute(scoped(select(Sku.id, Sku.code).where(Sku.id.in_(wanted)), actor, Sku.store_id))
        return {int(i): str(code) for i, code in codes}
    if level == "product":
        rows = session.execute(scoped(select(Product.id, Product.title, Product.title_en).where(Product.id.in_(wanted)),
                                      actor, Product.store_id))
        return {int(i): (title_en if lang == "en" and title_en else title) for i, title, title_en in rows}
    if level == "category":
        rows = session.execute(scoped(select(Category.id, Category.name, Category.name_en).where(Category.id.in_(wanted)),
                                      actor, Category.store_id))
        return {int(i): (name_en if lang == "en" and name_en else name) for i, name, name_en in rows}
    return {}


def product_titles(session: Session, actor: Principal, product_ids: Iterable[int], lang: str = "en") -> dict[int, str]:
    return scope_names(session, actor, "product", product_ids, lang)
