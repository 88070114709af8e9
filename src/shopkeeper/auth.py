"""API keys and the principals they stand for.

Three principals: the platform operator, the staff of one store, one buyer.
Keys are shown once and stored hashed (SHA-256 of a 256-bit random secret, so a
slow hash buys nothing); they are looked up by a public prefix and compared in
constant time.

A key has a name, a creation and a last-use time, and can be listed and revoked
(`GET /keys`, `shopkeeper keys list|revoke`). Revoking a key also ends its
console sessions (sessions.py). Last use is written at most once a minute per
key, so reads do not each become a database write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, String, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from shopkeeper.db import Base, BigId, newest_first
from shopkeeper.errors import InvalidInput, Unauthenticated

KEY_PREFIX = "sk_"
MAX_KEY_LENGTH = 256  # ours are 59 characters; anything much longer is not a key, refused before hashing
LAST_USE_STEP = timedelta(minutes=1)  # last_used_at is written at most this often per key
NAME_LENGTH = 100


class Role(StrEnum):
    OPERATOR = "operator"
    STAFF = "staff"
    BUYER = "buyer"


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    hashed: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id"))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


@dataclass(frozen=True)
class Principal:
    role: Role
    key_id: int
    store_id: int | None = None
    buyer_id: int | None = None

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR

    def may_see_store(self, store_id: int) -> bool:
        return self.role is Role.OPERATOR or (self.role is Role.STAFF and self.store_id == store_id)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, now: datetime, role: Role, store_id: int | None = None,
               buyer_id: int | None = None, name: str = "") -> str:
    """Create a key and return it in clear text; only its hash is kept."""
    if role is Role.STAFF and store_id is None:
        raise InvalidInput("a staff key belongs to one store: give store_id")
    if role is Role.BUYER and buyer_id is None:
        raise InvalidInput("a buyer key belongs to one buyer: give buyer_id")
    if role is Role.OPERATOR and (store_id or buyer_id):
        raise InvalidInput("an operator key is not tied to a store or a buyer")
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    session.add(ApiKey(prefix=prefix, hashed=_hash(key), role=role.value, store_id=store_id,
                       buyer_id=buyer_id, name=name[:NAME_LENGTH], created_at=now))
    session.flush()
    return key


def authenticate(session: Session, key: str | None) -> Principal:
    """The principal behind a key, or `Unauthenticated`; reads only (see `note_use` for the last-use time)."""
    return principal_of(find_key(session, key))


def find_key(session: Session, key: str | None) -> ApiKey:
    """The live key row behind a clear-text key, or `Unauthenticated`."""
    if not key:
        raise Unauthenticated("send an API key as 'Authorization: Bearer <key>'")
    prefix = key[len(KEY_PREFIX):].split("_", 1)[0] if key.startswith(KEY_PREFIX) and len(key) <= MAX_KEY_LENGTH else ""
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if prefix else None
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.hashed, _hash(key)):
        raise Unauthenticated("the API key is not valid")
    return row


def principal_of(row: ApiKey) -> Principal:
    return Principal(role=Role(row.role), key_id=row.id, store_id=row.store_id, buyer_id=row.buyer_id)


def use_is_stale(row: ApiKey, now: datetime) -> bool:
    """Whether this use should be written down: never used, or last written a minute or more ago."""
    return row.last_used_at is None or now - row.last_used_at >= LAST_USE_STEP


def note_use(session: Session, key_id: int, now: datetime) -> None:
    """Record a use; the condition keeps concurrent requests (and processes) to one write per minute."""
    session.execute(update(ApiKey).where(
        ApiKey.id == key_id, or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USE_STEP),
    ).values(last_used_at=now))


def list_keys(session: Session, limit: int, before_id: int | None = None) -> list[ApiKey]:
    """Every key, newest first, revoked ones too (an audit wants to see them); `limit + 1` rows for `cut_page`."""
    return list(session.scalars(newest_first(select(ApiKey), ApiKey.id, limit + 1, before_id)))
