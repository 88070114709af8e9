"""Helpers the reward-program scenarios share."""

from __future__ import annotations

from typing import Any

from invariants import ledger_sums_to_zero
from shopkeeper.db import Database
from support import START, Shop


def program(shop: Shop, kind: str, expect: int = 201, **fields: Any) -> Any:
    body = {"store_id": shop.store_id, "kind": kind, "name": f"{kind} program", "starts_at": START.isoformat(), **fields}
    return shop.staff.post("/rewards/programs", body, expect=expect)


def claim(shop: Shop, program_id: int, shopper: Any = None, expect: int = 201, **body: Any) -> Any:
    return (shopper or shop.shopper).post(f"/rewards/programs/{program_id}/claim", body, expect=expect)


def books(db: Database, store_id: int) -> dict[str, int]:
    """The store's ledger sums to zero; each account's balance in minor units."""
    with db.read() as session:
        return ledger_sums_to_zero(session, store_id)
