"""A shop running distribution with an influencer (达人) signed, and the helpers the content scenarios share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.distribution import Buyer, DistShop
from support import Shop


class ContentShop(DistShop):
    """`DistShop` (5% store-wide, 7-day last touch) plus an influencer the store signed by name."""

    def __init__(self, shop: Shop, db: Database, clock: SimulatedClock) -> None:
        super().__init__(shop, db, clock)
        self.influencer_buyer = shop.new_buyer("达人 Lin")
        joined = self.join(self.influencer_buyer)
        self.influencer = shop.staff.post("/influencers", {"promoter_id": joined["id"], "name": "小林穿搭"})

    def at(self, **delta: float) -> str:
        return (self.clock.now() + timedelta(**delta)).isoformat()

    def schedule(self, expect: int = 201, **changes: Any) -> Any:
        body = {"store_id": self.shop.store_id, "influencer_id": self.influencer["promoter_id"], "title": "周五直播",
                "starts_at": self.at(hours=1), "ends_at": self.at(hours=3), **changes}
        return self.shop.staff.post("/live-sessions", body, expect=expect)

    def publish(self, expect: int = 201, **changes: Any) -> Any:
        body = {"store_id": self.shop.store_id, "title": "T恤穿搭短视频", "brief": "展示两种穿搭", "product_ids": [],
                "deadline": self.at(days=3), "sales_until": self.at(days=10), **changes}
        return self.shop.staff.post("/content-tasks", body, expect=expect)

    def content_touch(self, who: Buyer, code: str, expect: int = 200) -> Any:
        return who[2].post("/content/touch", {"code": code, "source": "link"}, expect=expect)

    def live(self, session_id: int) -> Any:
        return self.shop.staff.get(f"/live-sessions/{session_id}")

    def task(self, task_id: int, who: Any = None) -> Any:
        return (who or self.shop.staff).get(f"/content-tasks/{task_id}")

    def minor(self, figures: dict[str, Any]) -> dict[str, int]:
        return {"orders": figures["orders"], **{k: figures[k]["minor"] for k in ("gmv", "refunded", "commission")}}

    def influencer_as_promoter(self) -> dict[str, Any]:
        return {"id": self.influencer["promoter_id"]}
