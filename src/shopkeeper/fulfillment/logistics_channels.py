"""Logistics channels (物流渠道): what a carrier adapter does, the registry by channel code, and the built-in channel.

RULES.md §5.1: the allocation rules give every order a warehouse and a logistics channel, and the channel "returns
the shipping label (面单) and the tracking number (跟踪号)"; §5.5: the number must be real and queryable online.

Writing an adapter for a real carrier (YunExpress, 4PX, DHL …): a class with

- `book(parcel) -> Booking`: create the shipment with the carrier's API for this `Parcel` and return the tracking
  number the carrier gave and the carrier's name as the store files it (the name decides the shipping class, §5.6);
  raise `ChannelRefused` with the carrier's reason when it refuses the parcel;
- `track(tracking_numbers, since) -> list[TrackingReport]`: the scans the carrier reports for those numbers since
  `since` (each mapped to one of `tracking.KINDS`); the same scan returned twice is harmless, it is deduplicated;

then `register("YUN", factory)`, where `factory(session)` builds the adapter (most ignore the session; credentials
come from settings). Booking runs inside the labelling transaction: an adapter that calls out should be quick or
book through a queue. Until a channel code has an adapter, the built-in channel serves it.

The built-in channel (the demo's, the tests' and a store's until it connects a carrier) issues UPU S10 numbers from
a counter per store and channel code, kept in the database and taken with one guarded UPDATE … RETURNING, so
concurrent bookings never share a number. Its numbers are unique within a store and channel, not worldwide. It
reports no scans of its own: its parcels are tracked by the scans people post or import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper.errors import Conflict
from shopkeeper.fulfillment.models import ChannelCounter
from shopkeeper.fulfillment.tracking import TrackingReport
from shopkeeper.fulfillment.tracking_numbers import LAST_SERIAL, next_s10

BUILT_IN_PREFIX = "LX"  # S10 service indicator L*: letter-post items our choice, since any two letters are accepted


@dataclass(frozen=True)
class Parcel:
    """One parcel to book: whose it is, which channel, from where to where, and how heavy."""

    store_id: int
    channel_code: str
    order_number: str
    parcel: int
    warehouse_code: str
    origin_country: str
    destination_country: str
    weight_grams: int


@dataclass(frozen=True)
class Booking:
    tracking_number: str
    carrier: str


class ChannelRefused(Conflict):
    """The carrier refused the parcel (its reason in the detail)."""

    code = "channel-refused"
    title = "The logistics channel refused the parcel"


class LogisticsChannel(Protocol):
    def book(self, parcel: Parcel) -> Booking: ...

    def track(self, tracking_numbers: Sequence[str], since: datetime) -> list[TrackingReport]: ...


ChannelFactory = Callable[[Session], LogisticsChannel]
_REGISTRY: dict[str, ChannelFactory] = {}


class BuiltInChannel:
    """S10 numbers from the store's own series for the channel; the carrier is the channel code."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def book(self, parcel: Parcel) -> Booking:
        serial = next_serial(self.session, parcel.store_id, parcel.channel_code)
        country = parcel.origin_country if len(parcel.origin_country) == 2 and parcel.origin_country.isalpha() else "CN"
        return Booking(next_s10(BUILT_IN_PREFIX, serial, country.upper()), parcel.channel_code)

    def track(self, tracking_numbers: Sequence[str], since: datetime) -> list[TrackingReport]:
        return []


def next_serial(session: Session, store_id: int, channel_code: str) -> int:
    """The next serial of the store's series for the channel: one conditional statement, safe under concurrency."""
    statement = (update(ChannelCounter)
                 .where(ChannelCounter.store_id == store_id, ChannelCounter.channel_code == channel_code,
                        ChannelCounter.last_serial < LAST_SERIAL)
                 .values(last_serial=ChannelCounter.last_serial + 1).returning(ChannelCounter.last_serial)
                 .execution_options(synchronize_session=False))
    taken = session.execute(statement).scalar()
    if taken is None:
        try:
            with session.begin_nested():  # the series' first number; a concurrent first booking may win the insert
                session.add(ChannelCounter(store_id=store_id, channel_code=channel_code, last_serial=1))
            return 1
        except IntegrityError:
            taken = session.execute(statement).scalar()
    if taken is None:
        raise ChannelRefused(f"channel {channel_code} has issued every number of its series")
    return int(taken)


def register(channel_code: str, factory: ChannelFactory) -> None:
    """Serve `channel_code` by the adapter `factory` builds (one adapter per code; registering again replaces it)."""
    _REGISTRY[channel_code] = factory


def unregister(channel_code: str) -> None:
    _REGISTRY.pop(channel_code, None)


def channel_for(session: Session, channel_code: str) -> LogisticsChannel:
    """The adapter for the code, else the built-in channel."""
    factory = _REGISTRY.get(channel_code)
    return factory(session) if factory is not None else BuiltInChannel(session)


def registered() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))
