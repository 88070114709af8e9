"""API keys and the principals they stand for.

Three principals: the platform operator, the staff of one store, one buyer.
Keys are shown once and stored hashed (SHA-256 of a 256-bit random secret, so a
slow hash buys nothing); they are looked up by a public prefix and compared in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shopkeeper.db import Base, BigId
from shopkeeper.errors import InvalidInput, Unauthenticated

KEY_PREFIX = "sk_"


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
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]
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
               buyer_id: int | None = None, label: str = "") -> str:
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
                       buyer_id=buyer_id, label=label, created_at=now))
    session.flush()
    return key


def authenticate(session: Session, key: str | None) -> Principal:
    if not key:
        raise Unauthenticated("send an API key as 'Authorization: Bearer <key>'")
    prefix = key[len(KEY_PREFIX):].split("_", 1)[0] if key.startswith(KEY_PREFIX) else ""
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if prefix else None
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.hashed, _hash(key)):
        raise Unauthenticated("the API key is not valid")
    return Principal(role=Role(row.role), key_id=row.id, store_id=row.store_id, buyer_id=row.buyer_id)
