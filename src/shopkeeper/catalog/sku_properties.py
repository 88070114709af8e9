"""What a SKU is for logistics: battery, powder, liquid, fragile (RULES.md §5.3).

Ordinary channels refuse batteries and powders; allocation rules route by these properties (fulfillment checks
the names against its engine before they are stored here).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.models import Sku
from shopkeeper.errors import NotFound
from shopkeeper.scope import require_role


def change_properties(session: Session, now: datetime, actor: Principal, sku_id: int, properties: Sequence[str]) -> Sku:
    """Staff of the SKU's store or the operator; another store's SKU answers like a missing one."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    sku = session.get(Sku, sku_id)
    if sku is None or not actor.may_see_store(sku.store_id):
        raise NotFound(f"SKU {sku_id} does not exist")
    before, sku.properties = list(sku.properties), sorted(set(properties))
    events.record(session, now, "sku.properties_changed", f"sku:{sku.id}", sku.store_id, before=before,
                  properties=sku.properties)
    return sku
