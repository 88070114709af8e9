"""Live promotions filed by what they cover, so a cart meets only the promotions that can apply to it.

With thousands of live promotions, most cover a few SKUs, products or
categories. Looking them up by the cart's own SKUs, products, categories and
stores makes the cost of pricing grow with what can apply, not with what is live.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from shopkeeper.promotions.engine.terms import CartLine, Promotion


class PromotionIndex:
    def __init__(self, promotions: Iterable[Promotion] = ()) -> None:
        self.by_sku: dict[int, list[Promotion]] = {}
        self.by_product: dict[int, list[Promotion]] = {}
        self.by_category: dict[int, list[Promotion]] = {}
        self.by_store: dict[int, list[Promotion]] = {}
        self.platform: list[Promotion] = []
        self.size = 0
        for promo in promotions:
            self.add(promo)

    def add(self, promo: Promotion) -> None:
        self.size += 1
        scope = promo.scope
        only = promo.benefit.only_skus
        if only is not None:
            # a kind that looks at some SKUs only (a bundle) is worth looking at when one of them is in the cart
            for sku_id in only:
                self.by_sku.setdefault(sku_id, []).append(promo)
        elif scope.level == "platform":
            self.platform.append(promo)
        elif scope.level == "store":
            self.by_store.setdefault(scope.store_id or 0, []).append(promo)
        else:
            table = {"sku": self.by_sku, "product": self.by_product, "category": self.by_category}[scope.level]
            for key in scope.ids:
                table.setdefault(key, []).append(promo)

    def candidates(self, lines: Sequence[CartLine]) -> tuple[Promotion, ...]:
        """Every promotion whose scope touches some line, each once, in a stable order."""
        found: dict[int, Promotion] = {}
        for promo in self.platform:
            found[promo.id] = promo
        stores: set[int] = set()
        for line in lines:
            for table, key in ((self.by_sku, line.sku_id), (self.by_product, line.product_id),
                               (self.by_category, line.category_id)):
                if key is not None:
                    for promo in table.get(key, ()):
                        found[promo.id] = promo
            stores.add(line.store_id)
        for store_id in stores:
            for promo in self.by_store.get(store_id, ()):
                found[promo.id] = promo
        return tuple(found.values())
