"""Complaint API shapes: a buyer's complaint (投诉商家), the store's answer and the compensation paid (RULES.md §7.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper import rulebooks
from shopkeeper.aftersales.complaints.rules import complaint_open_until
from shopkeeper.aftersales.models import Complaint
from shopkeeper.api.schemas import In, MoneyOut, stripped

Note = Annotated[str, StringConstraints(max_length=500), stripped()]


class ComplaintIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "the seller refused to issue an invoice"}]})

    reason: Annotated[str, StringConstraints(min_length=1, max_length=500), stripped(1)]


class UpholdIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "special_category": False,
        "note": "the seller broke its promise",
    }]})

    special_category: bool = Field(default=False, description="the goods are in a special category: the minimum is "
                                                              "¥1 instead of ¥5 (the catalog keeps no such flag)")
    note: Note = ""


class DismissIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "the order was delivered as described"}]})

    note: Note = ""


class CompensationOut(BaseModel):
    amount: MoneyOut
    paid_in: str = Field(description="cash (from the store's balance) or points (Tmall)")
    points: int | None
    special_category: bool
    transfer: str | None = Field(description="the ledger transfer that paid it, when paid in cash")


class ComplaintOut(BaseModel):
    id: int
    store_id: int
    order_id: int
    buyer_id: int
    rulebook: str
    reason: str
    status: str = Field(description="open, upheld or dismissed")
    order_closed_at: datetime = Field(description="when the order completed or closed with its refund")
    open_until: datetime | None = Field(description="the last moment the complaint could be made")
    opened_at: datetime
    goods: MoneyOut = Field(description="what the buyer paid for the goods, shipping excluded: the compensation's base")
    compensation: CompensationOut | None
    decided_at: datetime | None
    note: str

    @classmethod
    def of(cls, c: Complaint) -> "ComplaintOut":
        book = rulebooks.load(c.rulebook)
        paid = None
        if c.compensation_minor is not None and c.paid_in is not None:
            paid = CompensationOut(amount=MoneyOut.of(c.compensation_minor, c.currency), paid_in=c.paid_in, points=c.points,
                                   special_category=bool(c.special_category), transfer=c.transfer)
        return cls(id=c.id, store_id=c.store_id, order_id=c.order_id, buyer_id=c.buyer_id, rulebook=c.rulebook, reason=c.reason,
                   status=c.status, order_closed_at=c.order_closed_at,
                   open_until=complaint_open_until(c.order_closed_at, book) if book.aftersales.complaint else None,
                   opened_at=c.opened_at, goods=MoneyOut.of(c.goods_minor, c.currency), compensation=paid,
                   decided_at=c.decided_at, note=c.note)


class ComplaintPage(BaseModel):
    items: list[ComplaintOut]
    next_cursor: str | None = Field(description="pass back as `cursor` for the next page")
