"""Buyers, addresses and points through `shopkeeper.customers.service` itself, given / when / then.

Who sees a buyer (the service's own words): the operator sees every buyer, a buyer only themself, and staff
nobody's — to staff, as to other buyers, a buyer "does not exist".
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shopkeeper.auth import Principal, Role
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.customers.models import Address, PointsEntry
from shopkeeper.db import Database
from shopkeeper.errors import Forbidden, InvalidInput, NotFound
from shopkeeper.events import Event
from shopkeeper.members import MEMBER_LEVELS

OPERATOR = Principal(Role.OPERATOR, key_id=1)


def buyer_key(buyer_id: int) -> Principal:
    return Principal(Role.BUYER, key_id=2, buyer_id=buyer_id)


def test_the_operator_registers_a_buyer_at_a_member_level(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        buyer = customers.create_buyer(session, clock.now(), OPERATOR, "韩梅梅 Han Meimei", email="han@example.cn",
                                       member_level="gold", birthday=date(1999, 11, 11))

        assert (buyer.name, buyer.member_level, buyer.birthday, buyer.created_at) == (
            "韩梅梅 Han Meimei", "gold", date(1999, 11, 11), clock.now())
        assert customers.create_buyer(session, clock.now(), OPERATOR, "Li Lei").member_level == "regular"
        created = session.scalars(select(Event).where(Event.type == "buyer.created").order_by(Event.id)).all()
        assert [e.subject for e in created][0] == f"buyer:{buyer.id}"


def test_a_member_level_outside_the_ladder_is_refused(db: Database, clock: SimulatedClock) -> None:
    assert MEMBER_LEVELS == ("regular", "silver", "gold", "platinum")
    with db.transaction() as session:
        with pytest.raises(InvalidInput, match="regular, silver, gold, platinum"):
            customers.create_buyer(session, clock.now(), OPERATOR, "Li Lei", member_level="diamond")


@pytest.mark.parametrize("role", [Role.STAFF, Role.BUYER])
def test_only_the_operator_registers_buyers(db: Database, clock: SimulatedClock, role: Role) -> None:
    actor = Principal(role, key_id=3, store_id=1 if role is Role.STAFF else None, buyer_id=1 if role is Role.BUYER else None)
    with db.transaction() as session:
        with pytest.raises(Forbidden):
            customers.create_buyer(session, clock.now(), actor, "Li Lei")


def test_a_buyer_sees_only_themself_and_staff_see_no_buyer(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        li = customers.create_buyer(session, clock.now(), OPERATOR, "Li Lei")
        han = customers.create_buyer(session, clock.now(), OPERATOR, "Han Meimei")
        staff = Principal(Role.STAFF, key_id=4, store_id=1)

        assert customers.get_buyer(session, buyer_key(li.id), li.id) is li
        assert customers.get_buyer(session, OPERATOR, han.id) is han
        with pytest.raises(NotFound, match=f"buyer {han.id}"):
            customers.get_buyer(session, buyer_key(li.id), han.id)
        with pytest.raises(NotFound):
            customers.get_buyer(session, staff, li.id)
        with pytest.raises(NotFound):
            customers.get_buyer(session, OPERATOR, han.id + 100)


def test_a_buyer_keeps_addresses_that_others_can_neither_add_nor_read(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        li = customers.create_buyer(session, clock.now(), OPERATOR, "Li Lei")
        han = customers.create_buyer(session, clock.now(), OPERATOR, "Han Meimei")
        staff = Principal(Role.STAFF, key_id=4, store_id=1)

        home = customers.add_address(session, buyer_key(li.id), li.id, "Li Lei", "cn", region="Zhejiang", city="Hangzhou")
        office = customers.add_address(session, OPERATOR, li.id, "Li Lei", "US", city="Seattle")

        assert home.country == "CN"  # kept upper case
        assert customers.list_addresses(session, buyer_key(li.id), li.id) == [home, office]
        for outsider in (buyer_key(han.id), staff):
            with pytest.raises(NotFound):
                customers.list_addresses(session, outsider, li.id)
            with pytest.raises(NotFound):
                customers.add_address(session, outsider, li.id, "Mallory", "CN")
        assert customers.buyer_address(session, li.id, home.id) is home
        with pytest.raises(NotFound, match=f"address {home.id}"):
            customers.buyer_address(session, han.id, home.id)  # another buyer's address is not theirs to ship to
        assert session.scalars(select(Address.id).where(Address.buyer_id == li.id)).all() == [home.id, office.id]


@pytest.mark.parametrize("country", ["CHN", "C", "1A", "C1", "中国"])
def test_an_address_needs_a_two_letter_country_code(db: Database, clock: SimulatedClock, country: str) -> None:
    with db.transaction() as session:
        li = customers.create_buyer(session, clock.now(), OPERATOR, "Li Lei")

        with pytest.raises(InvalidInput, match="ISO 3166"):
            customers.add_address(session, buyer_key(li.id), li.id, "Li Lei", country)

        assert customers.list_addresses(session, buyer_key(li.id), li.id) == []


def test_points_are_a_ledger_whose_balance_is_its_sum(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        li = customers.create_buyer(session, clock.now(), OPERATOR, "Li Lei")
        han = customers.create_buyer(session, clock.now(), OPERATOR, "Han Meimei")
        assert customers.points_balance(session, li.id) == 0

        customers.record_points(session, clock.now(), li.id, 500, "welcome")
        spent = customers.record_points(session, clock.now(), li.id, -120, "points_price", subject="order:1")
        customers.record_points(session, clock.now(), han.id, 30, "review")
        session.flush()

        assert (spent.delta, spent.reason, spent.subject, spent.at) == (-120, "points_price", "order:1", clock.now())
        assert customers.points_balance(session, li.id) == 380
        assert customers.points_balance(session, han.id) == 30
        recorded = session.scalars(select(Event).where(Event.type == "points.recorded").order_by(Event.id)).all()
        assert [e.subject for e in recorded] == [f"buyer:{li.id}", f"buyer:{li.id}", f"buyer:{han.id}"]


def test_spending_more_points_than_the_balance_is_refused_and_leaves_no_entry(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        li = customers.create_buyer(session, clock.now(), OPERATOR, "Li Lei")
        customers.record_points(session, clock.now(), li.id, 300, "welcome")

        with pytest.raises(InvalidInput, match="not enough points"):
            customers.record_points(session, clock.now(), li.id, -301, "too much")
        customers.record_points(session, clock.now(), li.id, -300, "all of it")
        session.flush()

        assert customers.points_balance(session, li.id) == 0
        assert session.scalars(select(PointsEntry.delta).where(PointsEntry.buyer_id == li.id).order_by(PointsEntry.id)).all() == [300, -300]
