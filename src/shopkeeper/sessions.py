"""Console sessions and one-time sign-in links.

The console's cookie carries a random session id, never a key: the session row
(stored by an HMAC of the id under `SHOPKEEPER_SESSION_SECRET`) says which key signed in; without the
secret, someone who can write to the database still cannot make a row that a cookie of theirs would match. A
session ends when its holder logs out, when it has been idle too long, when it
reaches its absolute lifetime, or at once when its key is revoked.

A sign-in link (`/login/once/<token>`) is what `shopkeeper serve` prints instead
of a key: its token is random, stored hashed, works once and expires within
minutes, so a link that stays in a terminal's scrollback or an access log is
worthless.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from shopkeeper.auth import ApiKey, Principal, principal_of
from shopkeeper.db import Base, BigId
from shopkeeper.errors import NotFound
from shopkeeper.settings import Settings

SEEN_STEP = timedelta(minutes=1)  # last_seen_at is written at most this often: idle expiry is to the minute
MAX_TOKEN_LENGTH = 100  # ours are 43 characters


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session may stay idle and live at most, how long a sign-in link stays good, and the secret
    that session ids and link tokens are hashed under."""

    idle: timedelta
    absolute: timedelta
    link: timedelta
    secret: str


def policy_of(settings: Settings) -> SessionPolicy:
    return SessionPolicy(idle=timedelta(minutes=settings.session_idle_minutes),
                     absolute=timedelta(hours=settings.session_max_hours),
                     link=timedelta(minutes=settings.sign_in_link_minutes), secret=settings.session_secret)


class ConsoleSession(Base):
    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hashed: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class SignInLink(Base):
    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hashed: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


def _hash(token: str, policy: SessionPolicy) -> str:
    return hmac.new(policy.secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def start_session(session: Session, now: datetime, key_id: int, policy: SessionPolicy) -> str:
    """Open a console session for a key already authenticated; returns the id for the cookie (kept only hashed)."""
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSession(hashed=_hash(token, policy), key_id=key_id, created_at=now, last_seen_at=now,
                               expires_at=now + policy.absolute))
    session.flush()
    return token


def session_alive(row: ConsoleSession, key: ApiKey, now: datetime, idle: timedelta) -> bool:
    """Not logged out, key not revoked, within its absolute lifetime and not idle for `idle` or more."""
    return (row.ended_at is None and key.revoked_at is None and now < row.expires_at
            and now - row.last_seen_at < idle)


@dataclass(frozen=True)
class Resumed:
    principal: Principal
    session_id: int
    stale: bool  # last seen a minute or more ago: `touch` it


def resume(session: Session, now: datetime, token: str | None, policy: SessionPolicy) -> Resumed | None:
    """The principal of a live session, or None. Reads only; the caller touches a stale one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = session.execute(select(ConsoleSession, ApiKey).join(ApiKey, ApiKey.id == ConsoleSession.key_id)
                            .where(ConsoleSession.hashed == _hash(token, policy))).first()
    if found is None:
        return None
    row, key = found
    if not session_alive(row, key, now, policy.idle):
        return None
    return Resumed(principal_of(key), row.id, stale=now - row.last_seen_at >= SEEN_STEP)


def touch(session: Session, now: datetime, session_id: int) -> None:
    """Mark a session seen now (restarting its idle time); written at most once a minute per session."""
    session.execute(update(ConsoleSession).where(ConsoleSession.id == session_id, ConsoleSession.ended_at.is_(None),
                                                 ConsoleSession.last_seen_at <= now - SEEN_STEP)
                    .values(last_seen_at=now))


def end_session(session: Session, now: datetime, token: str | None, policy: SessionPolicy) -> None:
    """Log out: the session cannot be resumed, even by someone who copied the cookie."""
    if token and len(token) <= MAX_TOKEN_LENGTH:
        session.execute(update(ConsoleSession).where(ConsoleSession.hashed == _hash(token, policy),
                                                     ConsoleSession.ended_at.is_(None)).values(ended_at=now))


def revoke_key(session: Session, now: datetime, key_id: int) -> ApiKey:
    """Revoke a key (again is harmless: the first time stands) and end its console sessions and links at once."""
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound(f"key {key_id} does not exist")
    if row.revoked_at is None:
        row.revoked_at = now
    session.execute(update(ConsoleSession).where(ConsoleSession.key_id == key_id, ConsoleSession.ended_at.is_(None))
                    .values(ended_at=now))
    session.execute(update(SignInLink).where(SignInLink.key_id == key_id, SignInLink.used_at.is_(None))
                    .values(used_at=now))
    session.flush()
    return row


def issue_link(session: Session, now: datetime, key_id: int, policy: SessionPolicy) -> str:
    """A one-time sign-in token for a key; goes in `/login/once/<token>`."""
    token = secrets.token_urlsafe(32)
    session.add(SignInLink(hashed=_hash(token, policy), key_id=key_id, created_at=now, expires_at=now + policy.link))
    session.flush()
    return token


def redeem_link(session: Session, now: datetime, token: str, policy: SessionPolicy) -> ApiKey | None:
    """The key a sign-in link stands for, spending the link; None if unknown, used, expired or its key revoked.

    The spending is one conditional UPDATE, so two clicks racing each other cannot both sign in.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = session.execute(select(SignInLink, ApiKey).join(ApiKey, ApiKey.id == SignInLink.key_id)
                            .where(SignInLink.hashed == _hash(token, policy))).first()
    if found is None:
        return None
    link, key = found
    if link.used_at is not None or now >= link.expires_at or key.revoked_at is not None:
        return None
    spent = session.execute(update(SignInLink).where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
                            .values(used_at=now))
    return key if spent.rowcount == 1 else None  # type: ignore[attr-defined]
