"""Helpers the platform red-packet scenarios share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from shopkeeper.db import Database
from shopkeeper.orders import ledger
from shopkeeper.orders.models import LedgerEntry
from shopkeeper.social.packets import service
from shopkeeper.social.packets.models import PacketEntry, PlatformPacket
from support import START, Api, Shop


def program(operator: Api, expect: int = 201, **fields: Any) -> Any:
    body = {"name": "平台红包", "mode": "grab", "total_minor": 1000, "packets": 4, "min_minor": 100, "valid_days": 7,
            "starts_at": START.isoformat(), **fields}
    return operator.post("/platform-packets/programs", body, expect=expect)


def grab(shopper: Api, program_id: int, expect: int = 201, **body: Any) -> Any:
    return shopper.post(f"/platform-packets/programs/{program_id}/grab", body, expect=expect)


def checkout(shop: Shop, *baskets: tuple[int, list[tuple[int, int]]], shopper: Api | None = None,
             address: dict[str, Any] | None = None, expect: int = 201) -> Any:
    body = {"address_id": (address or shop.address)["id"],
            "baskets": [{"store_id": s, "lines": [{"sku_id": k, "quantity": q} for k, q in lines]} for s, lines in baskets]}
    return (shopper or shop.shopper).post("/platform-packets/checkout", body, expect=expect)


def packet_books(db: Database) -> dict[str, int]:
    """The programs' ledger sums to zero, each transfer too; the buyers' credit is what their packets hold."""
    with db.read() as session:
        assert session.scalar(select(func.coalesce(func.sum(PacketEntry.amount_minor), 0))) == 0
        unbalanced = session.execute(select(PacketEntry.transfer).group_by(PacketEntry.transfer)
                                     .having(func.sum(PacketEntry.amount_minor) != 0)).all()
        assert unbalanced == []
        held = session.scalar(select(func.coalesce(func.sum(PlatformPacket.left_minor), 0)))
        sums = service.balances(session)
    assert sums["buyer_credit"] == held
    return sums


def store_books(db: Database, store_id: int) -> dict[str, int]:
    with db.read() as session:
        total = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(LedgerEntry.store_id == store_id))
        sums = ledger.balances(session, store_id, "CNY")
    assert total == 0
    return {account: money.minor for account, money in sums.items()}
