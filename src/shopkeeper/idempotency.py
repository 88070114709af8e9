"""`Idempotency-Key` for calls that create orders or move money.

The first response is stored with a fingerprint of the request, in the same
transaction as the change. A retry with the same key and the same request gets
that response back and changes nothing; the same key with a different request
is refused.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shopkeeper.db import Base, BigId
from shopkeeper.errors import IdempotencyKeyReused, InvalidInput

MAX_KEY_LENGTH = 100


class IdempotentResponse(Base):
    __tablename__ = "idempotent_responses"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))  # who asked and for what, e.g. "key:12:POST /orders"
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


def fingerprint(request: Any) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(f"Idempotency-Key must be 1–{MAX_KEY_LENGTH} printable characters")
    return key


def replay(session: Session, scope: str, key: str, request_fingerprint: str) -> IdempotentResponse | None:
    stored = session.scalar(select(IdempotentResponse).where(IdempotentResponse.scope == scope, IdempotentResponse.key == key))
    if stored is not None and stored.fingerprint != request_fingerprint:
        raise IdempotencyKeyReused("this Idempotency-Key was already used with a different request body")
    return stored


def remember(session: Session, scope: str, key: str, request_fingerprint: str, status: int, body: dict[str, Any], now: datetime) -> None:
    session.add(IdempotentResponse(scope=scope, key=key, fingerprint=request_fingerprint, status=status, body=body, created_at=now))
    session.flush()
