"""Spending platform red packets: checkout with the buyer's packets (a platform-funded reduction over the
participating stores' lines), what an order's end does to the packets it spent (heard from orders in the order's
transaction), and the expiry timer that returns what is left to the fund.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shopkeeper import events, timers
from shopkeeper.auth import Principal
from shopkeeper.clock import Clock
from shopkeeper.customers import service as customers
from shopkeeper.orders import checkout as orders_checkout
from shopkeeper.orders.rules import LineRequest
from shopkeeper.promotions import quoting
from shopkeeper.social.packets import rules
from shopkeeper.social.packets.models import (
    PacketProgram,
    PacketSpend,
    PacketStore,
    PlatformPacket,
)

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

from shopkeeper.social.packets.service import buyer_of, ledger_ref, post, subject

# --- checkout with the buyer's packets -----------------------------------------------------------------

@dataclass(frozen=True)
class Placed:
    order: Order
    packets_minor: int  # what the buyer's packets paid of it (the platform funds it to the store)


def checkout(session: Session, now: datetime, actor: Principal, baskets: Sequence[tuple[int, Sequence[LineRequest]]],
             address_id: int, coupon_ids: Sequence[int] | None = None, codes: Sequence[str] = ()) -> list[Placed]:
    """Check out one store or several (跨店) with the buyer's live packets: each program's packets are one
    platform-funded reduction over its participating stores' lines, priced with every other promotion; each order
    then takes its share out of the packets, soonest to expire first."""
    buyer_id = buyer_of(actor)
    customers.lock_buyer(session, buyer_id)  # the buyer's row, then the packets: the order every checkout locks in
    store_ids = {store_id for store_id, _ in baskets}
    held = list(session.scalars(select(PlatformPacket).where(
        PlatformPacket.buyer_id == buyer_id, PlatformPacket.left_minor > 0, PlatformPacket.expires_at > now)
        .order_by(PlatformPacket.expires_at, PlatformPacket.id).with_for_update()))
    by_program: dict[int, list[PlatformPacket]] = defaultdict(list)
    for packet in held:
        by_program[packet.program_id].append(packet)
    joined: dict[int, set[int]] = defaultdict(set)
    for program_id, store_id in session.execute(select(PacketStore.program_id, PacketStore.store_id).where(
            PacketStore.program_id.in_(list(by_program)), PacketStore.store_id.in_(store_ids))).all():
        joined[program_id].add(store_id)
    extras = []
    for program_id, packets in by_program.items():
        if not joined[program_id]:
            continue
        program = session.get(PacketProgram, program_id)
        assert program is not None
        excluded = frozenset(line.sku_id for store_id, lines in baskets if store_id not in joined[program_id] for line in lines)
        extras.append(quoting.ExtraPromotion(ledger_ref(program_id), rules.checkout_promotion(
            program_id, program.name, sum(p.left_minor for p in packets), program.min_spend_minor, excluded)))
    orders = orders_checkout.place_orders(session, now, actor, baskets, address_id, coupon_ids, codes, extras=extras)
    placed = []
    for order in orders:
        spent = 0
        for extra in extras:
            share = _share(order, extra.ref)
            program_id = int(extra.ref.rsplit(":", 1)[1])
            if share:
                _spend(session, now, order, by_program[program_id], share)
                spent += share
        if spent:
            events.record(session, now, "platform_packet.spent", f"order:{order.id}", order.store_id,
                          order_id=order.id, buyer_id=buyer_id, amount_minor=spent, currency=order.currency)
        placed.append(Placed(order, spent))
    return placed


def _share(order: Order, ref: str) -> int:
    """This order's part of a program's reduction, as the engine allocated it and the order recorded it."""
    verdicts = (order.pricing or {}).get("verdicts", [])
    return sum(int(v["order_minor"]) for v in verdicts if v["promotion"] == ref and v["applied"])


def _spend(session: Session, now: datetime, order: Order, packets: list[PlatformPacket], amount: int) -> None:
    balances = {p.id: p for p in packets}
    for packet_id, take in rules.take_from([(p.id, p.left_minor) for p in packets], amount):
        packet = balances[packet_id]
        moved = session.execute(update(PlatformPacket).where(
            PlatformPacket.id == packet_id, PlatformPacket.left_minor >= take)
            .values(left_minor=PlatformPacket.left_minor - take).execution_options(synchronize_session=False))
        assert moved.rowcount == 1  # type: ignore[attr-defined]  # the rows are locked: nothing spent them meanwhile
        packet.left_minor -= take
        session.add(PacketSpend(packet_id=packet_id, program_id=packet.program_id, order_id=order.id,
                                store_id=order.store_id, buyer_id=order.buyer_id, amount_minor=take, status="held", at=now))
        post(session, now, "spend", packet.program_id, packet, take, rules.BUYER_CREDIT, rules.ORDER_FUNDING,
              order.id, order.store_id)


# --- what an order's end does to its packets (orders.service.listen, in the order's transaction) --------

def order_completed(session: Session, now: datetime, order: Order) -> None:
    """The order completed: the store is paid the packets' part from the platform's subsidy (orders settles it, the
    part being platform-funded on the order); here the programs' ledger says so."""
    for spend in _held(session, order.id):
        packet = session.get(PlatformPacket, spend.packet_id)
        assert packet is not None
        spend.status, spend.ended_at = "settled", now
        post(session, now, "settle", spend.program_id, packet, spend.amount_minor, rules.ORDER_FUNDING,
              rules.STORE_SETTLED, order.id, order.store_id)


def order_closed(session: Session, now: datetime, order: Order) -> None:
    """The order closed with everything given back (unpaid, cancelled, refunded in full): its packets' part goes back
    to the buyer's credit, or to the platform's fund when the packet has expired meanwhile. A partial refund gives
    nothing back (what real platforms do, §16): the packet paid for the goods the buyer keeps."""
    for spend in _held(session, order.id):
        packet = session.scalar(select(PlatformPacket).where(PlatformPacket.id == spend.packet_id).with_for_update())
        assert packet is not None and packet.expires_at is not None
        to = rules.returns_to(packet.expires_at, now)
        spend.status, spend.ended_at = "returned", now
        if to == rules.BUYER_CREDIT:
            packet.left_minor += spend.amount_minor
        else:
            packet.expired_minor += spend.amount_minor
        post(session, now, "give_back", spend.program_id, packet, spend.amount_minor, rules.ORDER_FUNDING, to,
              order.id, order.store_id)
        events.record(session, now, "platform_packet.given_back", f"order:{order.id}", order.store_id,
                      packet_id=packet.id, buyer_id=packet.buyer_id, amount_minor=spend.amount_minor, to=to)


def _held(session: Session, order_id: int) -> list[PacketSpend]:
    return list(session.scalars(select(PacketSpend).where(PacketSpend.order_id == order_id, PacketSpend.status == "held")
                                .order_by(PacketSpend.id).with_for_update()))


# --- expiry (timer) ------------------------------------------------------------------------------

def expire(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """A packet's time is up: what is left of it goes back to the platform's fund. A stale timer finds nothing."""
    now = clock.now()
    packet = session.scalar(select(PlatformPacket).where(PlatformPacket.id == timer.payload["packet_id"]).with_for_update())
    if packet is None or packet.expires_at is None or now < packet.expires_at or packet.left_minor == 0:
        return
    left = packet.left_minor
    packet.left_minor, packet.expired_minor = 0, packet.expired_minor + left
    post(session, now, "expire", packet.program_id, packet, left, rules.BUYER_CREDIT, rules.PACKET_FUND)
    events.record(session, now, "platform_packet.expired", subject(packet.program_id), None, packet_id=packet.id,
                  buyer_id=packet.buyer_id, amount_minor=left)
