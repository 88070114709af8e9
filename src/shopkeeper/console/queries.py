"""Read-only queries the console needs and no service offers.

Each takes the principal and answers only about stores it may see, so a
page can never show another tenant's numbers by passing the wrong id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from shopkeeper.aftersales.models import CaseRow
from shopkeeper.auth import Principal
from shopkeeper.catalog.models import Category, Product, Sku
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.promotions.campaigns.models import CampaignEntry
from shopkeeper.promotions.models import Coupon, CouponStatus, CouponTemplate

MAX_NAMES = 2000  # a scope names at most 1000 ids and excludes at most 1000 SKUs (the API's limits)


@dataclass(frozen=True)
class DayTotals:
    orders: int
    paid_minor: int


def day_totals(session: Session, actor: Principal, store_id: int, since: datetime) -> DayTotals:
    """Orders placed since `since`, and the total of those that were paid (GMV counts paid orders only)."""
    if not actor.may_see_store(store_id):
        return DayTotals(0, 0)
    paid_total = func.sum(case((Order.paid_at.is_not(None), Order.total_minor), else_=0))
    count, paid = session.execute(
        select(func.count(Order.id), paid_total).where(Order.store_id == store_id, Order.placed_at >= since)
    ).one()
    return DayTotals(int(count), int(paid or 0))


def awaiting_shipment(session: Session, actor: Principal, store_id: int, limit: int) -> tuple[list[Order], int]:
    """Paid, unshipped orders, the nearest ship-by deadline first, and how many there are in all."""
    if not actor.may_see_store(store_id):
        return [], 0
    where = (Order.store_id == store_id, Order.status == OrderStatus.PAID.value)
    orders = list(session.scalars(select(Order).where(*where).order_by(Order.ship_by, Order.id).limit(limit)))
    count = int(session.scalar(select(func.count(Order.id)).where(*where)) or 0)
    return orders, count


# --- after-sales --------------------------------------------------------------------------------

def case_queue(session: Session, actor: Principal, store_id: int | None, status: str, limit: int,
               after_id: int | None) -> list[CaseRow]:
    """The after-sales desk's list: open cases (or one stage of them) by nearest deadline, else newest first.

    `status` is one of `case_view.STATUSES`. `after_id` is the last case of the page before; by deadline
    the next page starts after that case's deadline, so a case whose deadline moved may show twice.
    """
    query = select(CaseRow).options(selectinload(CaseRow.lines)).where(_visible(actor, CaseRow.store_id))
    if store_id is not None:
        query = query.where(CaseRow.store_id == store_id)
    if status == "closed":
        query = query.where(CaseRow.closed_at.is_not(None))
    elif status != "all":
        query = query.where(CaseRow.closed_at.is_(None))
        if status != "open":
            query = query.where(CaseRow.stage == status)
    if status in ("closed", "all"):
        if after_id is not None:
            query = query.where(CaseRow.id < after_id)
        return list(session.scalars(query.order_by(CaseRow.id.desc()).limit(limit)))
    last = session.get(CaseRow, after_id) if after_id is not None else None
    if last is not None and last.due_at is not None and actor.may_see_store(last.store_id):
        query = query.where(or_(CaseRow.due_at > last.due_at, and_(CaseRow.due_at == last.due_at, CaseRow.id > last.id)))
    elif after_id is not None:
        query = query.where(CaseRow.id > after_id)
    return list(session.scalars(query.order_by(CaseRow.due_at, CaseRow.id).limit(limit)))


def order_facts(session: Session, order_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Order number and status by id, for lists that link to orders."""
    wanted = sorted(set(order_ids))
    if not wanted:
        return {}
    rows = session.execute(select(Order.id, Order.number, Order.status).where(Order.id.in_(wanted)))
    return {int(i): (str(number), str(status)) for i, number, status in rows}


# --- promotions, coupons, campaigns -------------------------------------------------------------

def _visible(actor: Principal, store_column: Any) -> Any:
    """Rows of stores the principal may see (operators: every store)."""
    return true() if actor.is_operator else store_column == actor.store_id


def scope_names(session: Session, actor: Principal, level: str, ids: Iterable[int], lang: str = "en") -> dict[int, str]:
    """Labels for the ids a scope names: SKU codes, product titles, category names. Ids the principal
    may not see, or that are gone, are left out (shown as "#id")."""
    wanted = sorted({int(i) for i in ids})[:MAX_NAMES]
    if not wanted:
        return {}
    if level == "sku":
        codes = session.execute(select(Sku.id, Sku.code).where(Sku.id.in_(wanted), _visible(actor, Sku.store_id)))
        return {int(i): str(code) for i, code in codes}
    if level == "product":
        rows = session.execute(select(Product.id, Product.title, Product.title_en)
                               .where(Product.id.in_(wanted), _visible(actor, Product.store_id)))
        return {int(i): (title_en if lang == "en" and title_en else title) for i, title, title_en in rows}
    if level == "category":
        rows = session.execute(select(Category.id, Category.name, Category.name_en)
                               .where(Category.id.in_(wanted), _visible(actor, Category.store_id)))
        return {int(i): (name_en if lang == "en" and name_en else name) for i, name, name_en in rows}
    return {}


def coupon_counts(session: Session, template_id: int) -> dict[str, int]:
    """How many coupons of a template buyers hold, by status (available, locked, used)."""
    rows = session.execute(select(Coupon.status, func.count(Coupon.id)).where(Coupon.template_id == template_id)
                           .group_by(Coupon.status))
    counts = {status.value: 0 for status in CouponStatus}
    counts.update({str(status): int(n) for status, n in rows})
    return counts


def pricing_links(session: Session, refs: Iterable[str]) -> dict[str, str]:
    """Console pages for the promotions an order's pricing names ("promotion:5", "coupon:17",
    "code:KOL2026", "campaign-entry:3"). The pages themselves check who may see them."""
    links: dict[str, str] = {}
    coupons: dict[int, str] = {}
    codes: dict[str, str] = {}
    entries: dict[int, str] = {}
    for ref in set(refs):
        kind, _, value = ref.partition(":")
        if kind == "promotion" and value.isdigit():
            links[ref] = f"/promotions/{value}"
        elif kind == "coupon" and value.isdigit():
            coupons[int(value)] = ref
        elif kind == "code" and value:
            codes[value] = ref
        elif kind == "campaign-entry" and value.isdigit():
            entries[int(value)] = ref
    if coupons:
        for coupon_id, template_id in session.execute(select(Coupon.id, Coupon.template_id).where(Coupon.id.in_(coupons))):
            links[coupons[int(coupon_id)]] = f"/coupons/{template_id}"
    if codes:
        for code, template_id in session.execute(select(CouponTemplate.code, CouponTemplate.id).where(CouponTemplate.code.in_(codes))):
            links[codes[str(code)]] = f"/coupons/{template_id}"
    if entries:
        for entry_id, campaign_id in session.execute(select(CampaignEntry.id, CampaignEntry.campaign_id)
                                                     .where(CampaignEntry.id.in_(entries))):
            links[entries[int(entry_id)]] = f"/campaigns/{campaign_id}"
    return links


def entry_counts(session: Session, actor: Principal, campaign_ids: list[int]) -> dict[int, int]:
    """Entries per campaign the principal may see: staff count their own store's only."""
    counts = {cid: 0 for cid in campaign_ids}
    if campaign_ids:
        rows = session.execute(select(CampaignEntry.campaign_id, func.count(CampaignEntry.id))
                               .where(CampaignEntry.campaign_id.in_(campaign_ids), _visible(actor, CampaignEntry.store_id))
                               .group_by(CampaignEntry.campaign_id))
        counts.update({int(cid): int(n) for cid, n in rows})
    return counts


def product_titles(session: Session, actor: Principal, product_ids: Iterable[int], lang: str = "en") -> dict[int, str]:
    return scope_names(session, actor, "product", product_ids, lang)
