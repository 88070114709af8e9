"""API shapes for a priced cart: what the cart-pricing routes (`orders/pricing_api.py`) answer, every promotion's
verdict in words and the 凑单 hint. Amounts out in minor and major units."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.api.schemas import MoneyOut
from shopkeeper.promotions.explain import Lang, describe, hint_text
from shopkeeper.promotions.quoting import Quote


class AllocationOut(BaseModel):
    promotion: str
    funder: str
    amount: MoneyOut


class StepOut(BaseModel):
    promotion: str
    amount: MoneyOut = Field(description="the line's amount right after this promotion")


class PricedLineOut(BaseModel):
    sku_id: int
    quantity: int
    gift: bool
    unit_price: MoneyOut
    list_total: MoneyOut
    discount: MoneyOut
    payable: MoneyOut
    points_spent: int
    discounts: list[AllocationOut]
    steps: list[StepOut]


class PricedShippingOut(BaseModel):
    store_id: int
    fee: MoneyOut
    discount: MoneyOut
    payable: MoneyOut
    discounts: list[AllocationOut]


class VerdictOut(BaseModel):
    promotion: str
    name: str
    kind: str
    stage: str
    funder: str
    applied: bool
    amount: MoneyOut
    reason: str
    message: str
    detail: dict[str, Any]


class HintOut(BaseModel):
    promotion: str
    name: str
    basis: str
    short: int = Field(description="minor units (basis amount) or items (basis quantity) still missing")
    saves: MoneyOut
    message: str


class PricedCartOut(BaseModel):
    currency: str
    lines: list[PricedLineOut]
    shipping: list[PricedShippingOut]
    goods: MoneyOut
    shipping_fee: MoneyOut
    discount: MoneyOut
    payable: MoneyOut
    points_spent: int
    points_earned: int
    search: str
    promotions: list[VerdictOut]
    hint: HintOut | None

    @classmethod
    def of(cls, quote: Quote, lang: Lang) -> "PricedCartOut":
        p, c = quote.priced, quote.priced.currency

        def ref(promotion_id: int) -> str:
            return quote.refs.get(promotion_id, str(promotion_id))

        def allocations(items: Any) -> list[AllocationOut]:
            return [AllocationOut(promotion=ref(a.promotion_id), funder=a.funder, amount=MoneyOut.of(a.minor, c)) for a in items]

        hint = None
        if p.hint is not None:
            h = p.hint
            hint = HintOut(promotion=ref(h.promotion_id), name=h.name, basis=h.basis, short=h.short, saves=MoneyOut.of(h.saves, c),
                           message=hint_text(h.basis, h.short, h.saves, c, h.free_shipping, h.gift_sku_id is not None, lang))
        return cls(
            currency=c,
            lines=[PricedLineOut(sku_id=ln.sku_id, quantity=ln.quantity, gift=ln.gift, unit_price=MoneyOut.of(ln.unit_price, c),
                                 list_total=MoneyOut.of(ln.list_total, c), discount=MoneyOut.of(ln.list_total - ln.payable, c),
                                 payable=MoneyOut.of(ln.payable, c), points_spent=ln.points_spent,
                                 discounts=allocations(ln.discounts),
                                 steps=[StepOut(promotion=ref(s.promotion_id), amount=MoneyOut.of(s.amount, c)) for s in ln.steps])
                   for ln in p.lines],
            shipping=[PricedShippingOut(store_id=s.store_id, fee=MoneyOut.of(s.fee, c), discount=MoneyOut.of(s.fee - s.payable, c),
                                        payable=MoneyOut.of(s.payable, c), discounts=allocations(s.discounts)) for s in p.shipping],
            goods=MoneyOut.of(p.goods_list, c), shipping_fee=MoneyOut.of(p.shipping_fee, c),
            discount=MoneyOut.of(p.discount_total, c), payable=MoneyOut.of(p.payable, c), points_spent=p.points_spent,
            points_earned=p.points_earned, search=p.search,
            promotions=[VerdictOut(promotion=ref(v.promotion_id), name=v.name, kind=v.kind, stage=v.stage, funder=v.funder,
                                   applied=v.applied, amount=MoneyOut.of(v.amount, c), reason=v.reason,
                                   message=describe(v.reason, v.amount, v.detail, c, lang), detail=dict(v.detail))
                        for v in p.verdicts],
            hint=hint,
        )

