"""Promotion and coupon use cases: create, list, pause, resume, end; the units a promotion sold.

Claiming a coupon and finding a code coupon by its code is `claiming.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import newest_first
from shopkeeper.errors import Conflict, InvalidInput, NotAllowedInState, NotFound
from shopkeeper.promotions import codec
from shopkeeper.promotions.engine.benefits import Benefit, Bundle, FreeShipping, Gift, Reduction
from shopkeeper.promotions.engine.terms import Audience, Funder, Scope, Stacking
from shopkeeper.promotions.models import CouponTemplate, PromotionRow, PromotionStatus, PromotionUse
from shopkeeper.scope import require_role, require_store_manager


@dataclass(frozen=True)
class PromotionSpec:
    name: str
    kind: str
    benefit: Benefit
    starts_at: datetime
    ends_at: datetime | None = None
    open_ended: bool = False  # no ends_at, on purpose: the one way to run a promotion without an end
    store_id: int | None = None  # None: a platform promotion, funded by the platform
    currency: str | None = None  # platform promotions name the currency their amounts are in
    scope: Scope = Scope()
    audience: Audience = Audience()
    priority: int = 0
    stacking: Stacking = "stacks"
    tags: frozenset[str] = frozenset()
    excludes_tags: frozenset[str] = frozenset()
    earns_points: bool = True
    units_cap: int | None = None
    per_buyer_units: int | None = None
    first_n_buyers: int | None = None


@dataclass(frozen=True)
class CouponSpec:
    name: str
    kind: str  # threshold | cash | percent | free_shipping
    benefit: Reduction | FreeShipping
    claim_from: datetime
    claim_until: datetime | None = None
    open_ended: bool = False  # no claim_until, on purpose: the one way to leave claiming without an end
    store_id: int | None = None
    currency: str | None = None
    scope: Scope = Scope()
    audience: Audience = Audience()
    stacking: Stacking = "stacks"
    excludes_tags: frozenset[str] = frozenset()
    full_price_only: bool = False
    code: str | None = None  # a code coupon (达人推广码) instead of a claimable one
    total_quantity: int | None = None
    per_buyer_limit: int = 1
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


# --- who may manage what ------------------------------------------------------------------------

def _owner_checks(session: Session, actor: Principal, store_id: int | None, currency: str | None) -> tuple[Funder, str]:
    """Store staff manage their store's promotions (store-funded); only the operator runs platform ones."""
    if store_id is None:
        require_role(actor, Role.OPERATOR)
        if not currency:
            raise InvalidInput("a platform promotion names its currency")
        return "platform", currency
    require_store_manager(actor, store_id)
    store = catalog.store_by_id(session, store_id)
    if currency and currency != store.currency:
        raise InvalidInput(f"store {store_id} sells in {store.currency}")
    return "store", store.currency


def _check_scope(session: Session, store_id: int | None, scope: Scope) -> None:
    if store_id is None:
        if scope.level != "platform":
            raise InvalidInput("a platform promotion covers the whole platform (scope level 'platform')")
        return
    if scope.level == "platform":
        raise InvalidInput("a store promotion covers its store, or categories, products or SKUs of it")
    if scope.level != "store" and not scope.ids:
        raise InvalidInput(f"name at least one {scope.level} for the scope")
    if scope.level == "category":
        _check_owned(session, "category", store_id, scope.ids, "category")
    elif scope.level == "product":
        _check_owned(session, "product", store_id, scope.ids, "product")
    elif scope.level == "sku":
        _check_owned(session, "sku", store_id, scope.ids, "SKU")
    _check_owned(session, "sku", store_id, scope.exclude_sku_ids, "excluded SKU")


def _check_owned(session: Session, kind: catalog.CatalogKind, store_id: int, ids: frozenset[int] | set[int], what: str) -> None:
    if not ids:
        return
    found = catalog.existing_ids(session, kind, ids, store_id)
    missing = sorted(set(ids) - found)
    if missing:
        raise InvalidInput(f"{what} {missing[0]} is not in store {store_id}", id=missing[0])


def _check_audience(store_id: int | None, audience: Audience) -> None:
    if audience.fans_only and store_id is None:
        raise InvalidInput("fans are a store's: a fans-only promotion or coupon belongs to a store")


def _check_benefit(session: Session, store_id: int | None, benefit: Benefit) -> None:
    if store_id is None and (benefit.stage == "item" or isinstance(benefit, Gift)):
        raise InvalidInput("platform promotions take money off orders or shipping; item prices and gifts belong to stores")
    if isinstance(benefit, Gift) and store_id is not None:
        _check_owned(session, "sku", store_id, {benefit.sku_id}, "gift SKU")
    if isinstance(benefit, Bundle) and store_id is not None:
        _check_owned(session, "sku", store_id, set(benefit.items), "bundle SKU")


def _check_window(starts: datetime, ends: datetime | None, what: str, open_ended: bool | None = None) -> None:
    """`open_ended` (None: not asked) is the explicit way to have no end; a forgotten end is refused, not
    taken for "forever" (issue 10; campaigns need both ends anyway, RULES.md §3.1 #3)."""
    if ends is not None and ends <= starts:
        raise InvalidInput(f"{what} must end after it starts")
    if open_ended is None:
        return
    if ends is None and not open_ended:
        raise InvalidInput(f"{what} needs an end, or open_ended: true to run until stopped")
    if ends is not None and open_ended:
        raise InvalidInput(f"{what} is open-ended or has an end, not both")


# --- promotions -------------------------------------------------------------------------------

def create_promotion(session: Session, now: datetime, actor: Principal, spec: PromotionSpec) -> PromotionRow:
    funder, currency = _owner_checks(session, actor, spec.store_id, spec.currency)
    _check_scope(session, spec.store_id, spec.scope)
    _check_audience(spec.store_id, spec.audience)
    _check_benefit(session, spec.store_id, spec.benefit)
    _check_window(spec.starts_at, spec.ends_at, "a promotion", spec.open_ended)
    row = PromotionRow(
        store_id=spec.store_id, name=spec.name, kind=spec.kind, status=PromotionStatus.ACTIVE.value,
        rule={"benefit": codec.encode_benefit(spec.benefit), "scope": codec.encode_scope(spec.scope),
              "audience": codec.encode_audience(spec.audience), "currency": currency},
        funder=funder, priority=spec.priority, stacking=spec.stacking, tags=sorted(spec.tags),
        excludes_tags=sorted(spec.excludes_tags), earns_points=spec.earns_points, starts_at=spec.starts_at,
        ends_at=spec.ends_at, open_ended=spec.open_ended, units_cap=spec.units_cap, units_used=0,
        per_buyer_units=spec.per_buyer_units, first_n_buyers=spec.first_n_buyers, buyers_used=0, created_at=now,
    )
    session.add(row)
    session.flush()
    events.record(session, now, "promotion.created", f"promotion:{row.id}", spec.store_id, name=spec.name, kind=spec.kind,
                  funder=funder)
    return row


def get_promotion(session: Session, actor: Principal, promotion_id: int, for_update: bool = False) -> PromotionRow:
    query = select(PromotionRow).where(PromotionRow.id == promotion_id)
    row = session.scalar(query.with_for_update() if for_update else query)
    if row is None or not _may_see(actor, row.store_id):
        raise NotFound(f"promotion {promotion_id} does not exist")
    return row


def _may_see(actor: Principal, store_id: int | None) -> bool:
    """Buyers see every live promotion (they are public); staff their store's and the platform's."""
    return store_id is None or actor.role is not Role.STAFF or actor.store_id == store_id


def status_at(row: PromotionRow, now: datetime) -> PromotionStatus:
    """What a promotion is at `now`: past its end it has ended, whether or not anyone pressed End.

    The window closes a promotion by itself (pricing already ignores it from `ends_at`), so the
    stored status only says what people did; lists, pages and the API show this one.
    """
    if row.ends_at is not None and row.ends_at <= now:
        return PromotionStatus.ENDED
    return PromotionStatus(row.status)


def list_promotions(session: Session, actor: Principal, now: datetime, store_id: int | None, status: str | None,
                    platform: bool, limit: int, before_id: int | None) -> list[PromotionRow]:
    query = newest_first(select(PromotionRow), PromotionRow.id, limit, before_id)
    if platform:
        query = query.where(PromotionRow.store_id.is_(None))
    elif store_id is not None:
        query = query.where(PromotionRow.store_id == store_id)
    if actor.role is Role.STAFF:
        query = query.where((PromotionRow.store_id == actor.store_id) | PromotionRow.store_id.is_(None))
    if status == PromotionStatus.ENDED:
        query = query.where((PromotionRow.status == status) | (PromotionRow.ends_at <= now))
    elif status:  # as `status_at` reads it: active or paused only while the window is open
        query = query.where(PromotionRow.status == status, PromotionRow.ends_at.is_(None) | (PromotionRow.ends_at > now))
    return list(session.scalars(query))


# pause ⇄ resume; end from either, for good
_MOVES = {"pause": ({PromotionStatus.ACTIVE}, PromotionStatus.PAUSED),
          "resume": ({PromotionStatus.PAUSED}, PromotionStatus.ACTIVE),
          "end": ({PromotionStatus.ACTIVE, PromotionStatus.PAUSED}, PromotionStatus.ENDED)}


def move_promotion(session: Session, now: datetime, actor: Principal, promotion_id: int, action: str) -> PromotionRow:
    row = get_promotion(session, actor, promotion_id, for_update=True)
    _require_manager(actor, row.store_id)
    row.status = _moved(status_at(row, now), action, "promotion").value
    if action == "end" and (row.ends_at is None or row.ends_at > now):
        row.ends_at = max(now, row.starts_at)
    events.record(session, now, f"promotion.{PAST_TENSE[action]}", f"promotion:{row.id}", row.store_id)
    return row


PAST_TENSE = {"pause": "paused", "resume": "resumed", "end": "ended"}


def _moved(current: str, action: str, what: str) -> PromotionStatus:
    allowed, to = _MOVES[action]
    if PromotionStatus(current) not in allowed:
        raise NotAllowedInState(f"cannot {action} a {what} that is {current}", current_status=current, action=action)
    return to


def _require_manager(actor: Principal, store_id: int | None) -> None:
    if store_id is None:
        require_role(actor, Role.OPERATOR)
    else:
        require_store_manager(actor, store_id)


# --- coupon templates ---------------------------------------------------------------------------

def create_coupon(session: Session, now: datetime, actor: Principal, spec: CouponSpec) -> CouponTemplate:
    funder, currency = _owner_checks(session, actor, spec.store_id, spec.currency)
    _check_scope(session, spec.store_id, spec.scope)
    _check_audience(spec.store_id, spec.audience)
    _check_window(spec.claim_from, spec.claim_until, "claiming", spec.open_ended)
    if (spec.valid_days is None) == (spec.valid_until is None):
        raise InvalidInput("give either a fixed validity window (valid_until) or valid_days after claiming")
    if spec.valid_until is not None:
        _check_window(spec.valid_from or spec.claim_from, spec.valid_until, "a coupon's validity")
    code = spec.code.strip().upper() if spec.code else None
    if code and session.scalar(select(CouponTemplate.id).where(CouponTemplate.code == code)) is not None:
        raise Conflict(f"the code {code} is taken")
    template = CouponTemplate(
        store_id=spec.store_id, name=spec.name, kind=spec.kind, status=PromotionStatus.ACTIVE.value,
        rule={"benefit": codec.encode_benefit(spec.benefit), "scope": codec.encode_scope(spec.scope),
              "audience": codec.encode_audience(spec.audience), "currency": currency},
        funder=funder, stacking=spec.stacking, excludes_tags=sorted(spec.excludes_tags), full_price_only=spec.full_price_only,
        code=code, total_quantity=spec.total_quantity, issued=0, per_buyer_limit=spec.per_buyer_limit,
        claim_from=spec.claim_from, claim_until=spec.claim_until, open_ended=spec.open_ended, valid_from=spec.valid_from,
        valid_until=spec.valid_until, valid_days=spec.valid_days, created_at=now,
    )
    session.add(template)
    session.flush()
    events.record(session, now, "coupon.created", f"coupon-template:{template.id}", spec.store_id, name=spec.name,
                  kind=spec.kind, total=spec.total_quantity, code=bool(code))
    return template


def get_coupon_template(session: Session, actor: Principal, template_id: int, for_update: bool = False) -> CouponTemplate:
    query = select(CouponTemplate).where(CouponTemplate.id == template_id)
    template = session.scalar(query.with_for_update() if for_update else query)
    if template is None or not _may_see(actor, template.store_id):
        raise NotFound(f"coupon {template_id} does not exist")
    if actor.role is Role.BUYER and template.code is not None:
        raise NotFound(f"coupon {template_id} does not exist")  # code coupons are found by their code only
    return template


def list_coupon_templates(session: Session, actor: Principal, store_id: int | None, status: str | None,
                          limit: int, before_id: int | None) -> list[CouponTemplate]:
    query = newest_first(select(CouponTemplate), CouponTemplate.id, limit, before_id)
    if store_id is not None:
        query = query.where(CouponTemplate.store_id == store_id)
    if actor.role is Role.STAFF:
        query = query.where((CouponTemplate.store_id == actor.store_id) | CouponTemplate.store_id.is_(None))
    if actor.role is Role.BUYER:
        query = query.where(CouponTemplate.code.is_(None), CouponTemplate.status == PromotionStatus.ACTIVE.value)
    if status:
        query = query.where(CouponTemplate.status == status)
    return list(session.scalars(query))


def move_coupon(session: Session, now: datetime, actor: Principal, template_id: int, action: str) -> CouponTemplate:
    template = get_coupon_template(session, actor, template_id, for_update=True)
    _require_manager(actor, template.store_id)
    template.status = _moved(template.status, action, "coupon").value
    events.record(session, now, f"coupon.{PAST_TENSE[action]}", f"coupon-template:{template.id}", template.store_id)
    return template


# --- units sold ---------------------------------------------------------------------------------

def units_sold(session: Session, rows: Sequence[PromotionRow]) -> dict[int, int]:
    """Units sold at each promotion on orders not closed unpaid.

    A capped promotion keeps the count on its row, moved in the UPDATE that checks the cap. An uncapped one is
    counted by its uses (one per order, quoting.take), so checkouts never lock a popular promotion's row; one
    grouped query sums them for a page of promotions.
    """
    counts = {row.id: row.units_used if row.capped else 0 for row in rows}
    uncapped = [row.id for row in rows if not row.capped]
    if uncapped:
        totals = session.execute(select(PromotionUse.promotion_id, func.sum(PromotionUse.units))
                                 .where(PromotionUse.promotion_id.in_(uncapped), PromotionUse.released.is_(False))
                                 .group_by(PromotionUse.promotion_id))
        counts.update({int(promotion_id): int(total) for promotion_id, total in totals if promotion_id is not None})
    return counts
