"""A store that sells abroad, for the customs API tests: the ready-made shop with a customs profile, and a buyer's
address in another country."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from sqlalchemy import func, select

from shopkeeper.db import Database
from shopkeeper.orders import ledger
from shopkeeper.orders.models import LedgerEntry
from support import Shop

PROFILE = {"home_country": "CN", "channel": "hk-dhl", "duty_payer": "buyer", "seller_name": "Hangzhou Tee Co.",
           "seller_address": "1 Wensan Road\nHangzhou 310000"}


def sell_abroad(shop: Shop, **changes: Any) -> dict[str, Any]:
    return shop.staff.call("PUT", f"/stores/{shop.store_id}/customs-profile", json={**PROFILE, **changes})


def address_in(shop: Shop, country: str) -> dict[str, Any]:
    return shop.shopper.post(f"/buyers/{shop.buyer['id']}/addresses", {
        "recipient": "Ayşe Yılmaz", "country": country, "region": "R", "city": "Capital", "line1": "1 Main Street",
        "postcode": "10000"}, expect=201)


def paid_order(shop: Shop, address: dict[str, Any], quantity: int = 1, sku: int = 0) -> dict[str, Any]:
    order = shop.order((shop.skus[sku], quantity), address=address)
    shop.pay(order)
    return order


def ship(shop: Shop, order: dict[str, Any], expect: int = 200, **extra: Any) -> Any:
    return shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "DHL", "tracking_number": f"T{order['id']}", **extra},
                           expect=expect)


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(io.BytesIO(data))
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def books(db: Database, store_id: int, order: dict[str, Any]) -> dict[str, int]:
    """The order's money from the ledger: paid in, refunded, released to the seller, held; paid is always the rest."""
    with db.read() as session:
        sums = ledger.balances(session, store_id, order["total"]["currency"], order["id"])

        def kind(k: str, account: str) -> int:
            return int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
                LedgerEntry.order_id == order["id"], LedgerEntry.kind == k, LedgerEntry.account == account)))

        paid, refunded = kind("payment", ledger.ESCROW), kind("refund", ledger.PROVIDER)
    found = {"paid": paid, "refunded": refunded, "released": sums[ledger.STORE_BALANCE].minor, "escrow": sums[ledger.ESCROW].minor}
    assert found["paid"] == found["refunded"] + found["released"] + found["escrow"]
    return found
