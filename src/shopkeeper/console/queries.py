"""Where the names an order's pricing carries lead in the console.

The reads are the owning domains' (`promotions.listings`, `promotions.campaigns.listings`);
the pages linked to check who may see them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from shopkeeper.promotions import listings as promotion_listings
from shopkeeper.promotions.campaigns import listings as campaign_listings


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
    for coupon_id, template_id in promotion_listings.templates_of_coupons(session, list(coupons)).items():
        links[coupons[coupon_id]] = f"/coupons/{template_id}"
    for code, template_id in promotion_listings.templates_of_codes(session, list(codes)).items():
        links[codes[code]] = f"/coupons/{template_id}"
    for entry_id, campaign_id in campaign_listings.campaigns_of_entries(session, list(entries)).items():
        links[entries[entry_id]] = f"/campaigns/{campaign_id}"
    return links
