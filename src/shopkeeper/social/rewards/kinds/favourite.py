"""收藏有礼: favouriting a product earns the reward once per product, ever; `product_ids` narrows which count."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shopkeeper.errors import InvalidInput

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import ClaimFacts

TRIGGER, GRANTS = "claim", "reward"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    products = terms.get("product_ids")
    if products is not None and not (isinstance(products, list) and all(isinstance(p, int) for p in products)):
        raise InvalidInput("the term product_ids is a list of product ids")
    return {"product_ids": products} if products else {}


def key(terms: dict[str, Any], facts: ClaimFacts) -> str:
    if facts.product_id is None:
        raise InvalidInput("say which product was favourited (product_id)")
    if terms.get("product_ids") and facts.product_id not in terms["product_ids"]:
        raise InvalidInput(f"product {facts.product_id} is not one this program rewards")
    return f"product:{facts.product_id}"
