"""A shop running a distribution program (分销), a promoter and customers, and the helpers its scenarios share."""

from __future__ import annotations

from typing import Any

from invariants import ledger_sums_to_zero
from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from support import Shop

Buyer = tuple[dict[str, Any], dict[str, Any], Any]
PROGRAM: dict[str, Any] = {"enabled": True, "attribution_days": 7, "rules": [{"scope": "store", "percent": "5"}]}


class DistShop:
    """`shop` pays 5% of what each line paid to the promoter whose code the buyer touched last within 7 days."""

    def __init__(self, shop: Shop, db: Database, clock: SimulatedClock, **program: Any) -> None:
        self.shop, self.db, self.clock = shop, db, clock
        self.program = self.put_program(**program)
        self.promoter_buyer = shop.new_buyer("推广员 Zhang")
        self.promoter = self.join(self.promoter_buyer)

    def put_program(self, expect: int = 200, **changes: Any) -> Any:
        return self.shop.staff.call("PUT", f"/distribution/programs/{self.shop.store_id}", json={**PROGRAM, **changes},
                                    expect=expect)

    def join(self, who: Buyer, recruiter_code: str | None = None, expect: int = 201) -> Any:
        body: dict[str, Any] = {"store_id": self.shop.store_id}
        if recruiter_code:
            body["recruiter_code"] = recruiter_code
        return who[2].post("/promoters", body, expect=expect)

    def touch(self, who: Buyer, code: str | None = None, expect: int = 200) -> Any:
        return who[2].post("/promoters/touch", {"code": code or self.promoter["code"], "source": "link"}, expect=expect)

    def buy(self, who: Buyer, quantity: int = 1, sku: int | None = None) -> Any:
        """The buyer orders and pays; returns the paid order."""
        _, address, shopper = who
        order = self.shop.order((sku or self.shop.skus[0], quantity), shopper=shopper, address=address)
        self.shop.pay(order, shopper)
        return shopper.get(f"/orders/{order['id']}")

    def ship_and_confirm(self, order: dict[str, Any], who: Buyer) -> Any:
        self.shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF", "tracking_number": f"SF{order['id']:010d}"})
        return who[2].post(f"/orders/{order['id']}/receipt")

    def statement(self, promoter: dict[str, Any] | None = None) -> Any:
        return self.shop.staff.get(f"/promoters/{(promoter or self.promoter)['id']}/statement")

    def figures(self, promoter: dict[str, Any] | None = None) -> dict[str, int]:
        p = self.statement(promoter)["promoter"]
        return {k: p[k]["minor"] for k in ("frozen", "released", "clawed_back", "paid_out", "balance")}

    def run_timers(self, **advance: float) -> None:
        if advance:
            self.clock.advance(**advance)
        timers.run_due_timers(self.db, self.clock)

    def books(self) -> dict[str, int]:
        """Double entry: the store's ledger sums to zero; returns each account's balance in minor units."""
        with self.db.read() as session:
            return ledger_sums_to_zero(session, self.shop.store_id)
