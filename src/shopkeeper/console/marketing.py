"""What the console's marketing pages share: the stores a principal sees and their clocks, list paging, problems in words.

The pages themselves: promotions and coupon templates in `promotion_pages`, platform campaigns in
`campaign_pages`. Reads go through the promotion and campaign services, which already scope
rows to the principal (staff: their store's and the platform's); another store's row answers
404 like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request
from sqlalchemy.orm import Session

from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.service import list_stores
from shopkeeper.console import filters
from shopkeeper.console.i18n import translate
from shopkeeper.console.web import url_with
from shopkeeper.languages import Lang

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Store


@dataclass(frozen=True)
class Stores:
    """The stores the principal may see, and the clock each row is shown on."""

    principal: Principal
    by_id: dict[int, Store]
    platform_zone: str = "UTC"

    def zone(self, store_id: int | None) -> str:
        """A store's own time zone; the platform's rows (its campaigns, promotions, vouchers) on the platform's
        clock (settings.platform_timezone), the one their times were set on, for every reader alike."""
        if store_id is None:
            return self.platform_zone
        store = self.by_id.get(store_id)
        return store.timezone if store else "UTC"

    def owner(self, store_id: int | None, lang: Lang) -> str:
        if store_id is None:
            return translate(lang, "list.platform")
        store = self.by_id.get(store_id)
        return store.name if store else f"#{store_id}"

    def may_manage(self, store_id: int | None) -> bool:
        """Staff manage their own store's rows; platform rows belong to the operator."""
        return self.principal.is_operator or (store_id is not None and self.principal.role is Role.STAFF
                                              and self.principal.store_id == store_id)


def stores_of(session: Session, who: Principal, request: Request) -> Stores:
    return Stores(who, {s.id: s for s in list_stores(session, who)}, request.app.state.settings.platform_timezone)


def messages_of(lang: Lang, problems: list[filters.Problem]) -> list[str]:
    return [translate(lang, p.key, **p.values) for p in problems]


def pager(request: Request, next_cursor: int | None) -> dict[str, str | None]:
    return {"next_url": url_with(request, before=str(next_cursor), lang=None) if next_cursor else None,
            "first_url": url_with(request, before=None, lang=None) if request.query_params.get("before") else None}


def page_of(rows: list[Any]) -> tuple[list[Any], int | None]:
    return cut_page(rows, filters.PAGE_SIZE)  # read at call time: tests shrink the page
