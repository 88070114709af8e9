"""The carriers a store files, and the shipping class of a shipment (RULES.md §5.5, §5.6, §15 #6, §17.1).

A rulebook lists the carriers it knows with their shipping class; a store files
its own (a carrier the rulebook does not know, or one it classes otherwise),
and those come first. Staff of the store or the operator file, change and
remove them; every change is an event. The class a shipment gets is fixed when
it ships: a later change to the store's carriers moves neither its automatic
receipt confirmation nor the window in which its buyer may open a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.auth import Principal
from shopkeeper.catalog import service as catalog
from shopkeeper.errors import Conflict, InvalidInput, NotFound
from shopkeeper.fulfillment.models import Shipment, StoreCarrier
from shopkeeper.rulebooks.carriers import Carrier, classify, normalise
from shopkeeper.scope import require_store_manager

MAX_NAME = 64
MAX_ALIASES = 20


@dataclass(frozen=True)
class CarrierEntry:
    """What a store files: the carrier's name, the other names it goes by (zh and en) and its class."""

    name: str
    aliases: tuple[str, ...]
    shipping_class: str


def _book(session: Session, store_id: int) -> rulebooks.Rulebook:
    return rulebooks.load(catalog.store_by_id(session, store_id).rulebook)


def filed_carriers(session: Session, store_id: int) -> tuple[Carrier, ...]:
    """The store's own carriers as the pure rules take them, oldest first."""
    rows = session.scalars(select(StoreCarrier).where(StoreCarrier.store_id == store_id).order_by(StoreCarrier.id))
    return tuple(as_carrier(row) for row in rows)


def as_carrier(row: StoreCarrier) -> Carrier:
    return Carrier(row.name, tuple(row.aliases), row.shipping_class)


def shipping_class(session: Session, store_id: int, carrier: str | None) -> str:
    """The class of a carrier for this store now: its filed carriers, then its rulebook's, then the default."""
    return classify(carrier, _book(session, store_id).carriers, filed_carriers(session, store_id))


def shipment_class(session: Session, store_id: int, order_id: int, carrier: str | None) -> str:
    """The class the order's latest shipment got when it shipped; classed now for a shipment from before 0010."""
    fixed = session.scalar(select(Shipment.shipping_class).where(Shipment.order_id == order_id)
                           .order_by(Shipment.id.desc()).limit(1))
    return fixed or shipping_class(session, store_id, carrier)


# --- filing -------------------------------------------------------------------------------------

def _checked(entry: CarrierEntry, book: rulebooks.Rulebook) -> CarrierEntry:
    classes = list(book.aftersales.opening)
    if entry.shipping_class not in classes:
        raise InvalidInput(f"shipping_class {entry.shipping_class!r} is not one of {', '.join(classes)} ({book.title})")
    name = entry.name.strip()
    aliases: list[str] = []
    for alias in (a.strip() for a in entry.aliases):
        if not alias or normalise(alias) == normalise(name) or normalise(alias) in map(normalise, aliases):
            raise InvalidInput(f"alias {alias!r} is empty or repeats a name of this carrier")
        aliases.append(alias)
    if not name or len(aliases) > MAX_ALIASES or any(len(normalise(n)) > MAX_NAME or len(n) > MAX_NAME for n in (name, *aliases)):
        raise InvalidInput(f"a carrier has a name and at most {MAX_ALIASES} aliases, each 1 to {MAX_NAME} characters")
    return CarrierEntry(name, tuple(aliases), entry.shipping_class)


def _lock_store(session: Session, store_id: int) -> None:
    """Filing is serialised per store, so two entries never claim one name at the same time."""
    catalog.lock_store(session, store_id)


def _clash(session: Session, store_id: int, entry: CarrierEntry, except_id: int | None) -> None:
    mine = {normalise(n) for n in (entry.name, *entry.aliases)}
    rows = session.scalars(select(StoreCarrier).where(StoreCarrier.store_id == store_id))
    for row in rows:
        if row.id != except_id and mine & {normalise(n) for n in (row.name, *row.aliases)}:
            raise Conflict(f"carrier {row.id} ({row.name}) already goes by one of these names", carrier_id=row.id)


def _subject(row: StoreCarrier) -> str:
    return f"store_carrier:{row.id}"


def list_carriers(session: Session, actor: Principal, store_id: int) -> list[StoreCarrier]:
    require_store_manager(actor, store_id)
    _book(session, store_id)
    return list(session.scalars(select(StoreCarrier).where(StoreCarrier.store_id == store_id).order_by(StoreCarrier.id)))


def get_carrier(session: Session, actor: Principal, store_id: int, carrier_id: int, for_update: bool = False) -> StoreCarrier:
    require_store_manager(actor, store_id)
    query = select(StoreCarrier).where(StoreCarrier.id == carrier_id, StoreCarrier.store_id == store_id)
    row = session.scalar(query.with_for_update() if for_update else query)
    if row is None:
        raise NotFound(f"carrier {carrier_id} is not filed for store {store_id}")
    return row


def file_carrier(session: Session, now: datetime, actor: Principal, store_id: int, entry: CarrierEntry) -> StoreCarrier:
    """The store files a carrier under a class; it then comes before the rulebook's entry of the same name."""
    require_store_manager(actor, store_id)
    entry = _checked(entry, _book(session, store_id))
    _lock_store(session, store_id)
    _clash(session, store_id, entry, except_id=None)
    row = StoreCarrier(store_id=store_id, name=entry.name, name_key=normalise(entry.name), aliases=list(entry.aliases),
                       shipping_class=entry.shipping_class, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    events.record(session, now, "store_carrier.filed", _subject(row), store_id, name=row.name, aliases=row.aliases,
                  shipping_class=row.shipping_class)
    return row


def change_carrier(session: Session, now: datetime, actor: Principal, store_id: int, carrier_id: int,
                   entry: CarrierEntry) -> StoreCarrier:
    """A filed carrier's names or class change; shipments made already keep the class they shipped with."""
    require_store_manager(actor, store_id)
    entry = _checked(entry, _book(session, store_id))
    _lock_store(session, store_id)
    row = get_carrier(session, actor, store_id, carrier_id, for_update=True)
    _clash(session, store_id, entry, except_id=row.id)
    before = {"name": row.name, "aliases": list(row.aliases), "shipping_class": row.shipping_class}
    row.name, row.name_key, row.aliases = entry.name, normalise(entry.name), list(entry.aliases)
    row.shipping_class, row.updated_at = entry.shipping_class, now
    events.record(session, now, "store_carrier.changed", _subject(row), store_id, before=before, name=row.name,
                  aliases=row.aliases, shipping_class=row.shipping_class)
    return row


def remove_carrier(session: Session, now: datetime, actor: Principal, store_id: int, carrier_id: int) -> None:
    """The store stops filing a carrier: its name falls back to the rulebook's list, or the default class."""
    row = get_carrier(session, actor, store_id, carrier_id, for_update=True)
    events.record(session, now, "store_carrier.removed", _subject(row), store_id, name=row.name, aliases=list(row.aliases),
                  shipping_class=row.shipping_class)
    session.delete(row)
