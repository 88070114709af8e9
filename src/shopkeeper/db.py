"""Engine, sessions and the unit of work.

SQLite (the default) runs in WAL mode and every transaction starts with
`BEGIN IMMEDIATE`: writers queue on the busy timeout instead of failing when a
read lock cannot be upgraded. PostgreSQL runs at READ COMMITTED; hot paths are
single conditional statements, so correctness comes from the database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Engine, Integer, MetaData, Select, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (SQLite has no time zones), always read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use clock.utc()")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


# Integer primary keys that are 64-bit on PostgreSQL and still rowid aliases on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Every integer is 64-bit: ids, quantities and money in minor units alike.
    type_annotation_map = {int: BigId, datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON(),
                           list[str]: JSON(), list[int]: JSON(), list[dict[str, Any]]: JSON()}


def normalize_url(url: str) -> str:
    """`postgresql://` (as libpq and most tools write it) means the psycopg 3 driver here."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Reads take no write lock, so they run beside writers under WAL.
        deferred = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


class Database:
    """One engine and its two kinds of session: writes (the default) and reads."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        # SQLite has one writer at a time anyway; queueing this process's writers on a lock
        # serves them in turn instead of leaving them to busy-wait with growing sleeps.
        self._write_turn: AbstractContextManager[Any] = threading.Lock() if self.engine.dialect.name == "sqlite" else nullcontext()
        self.writes = sessionmaker(self.engine, expire_on_commit=False)
        self.reads = sessionmaker(self.engine.execution_options(read_only=True), expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case, one transaction: commit on success, roll back on any error."""
        with self._write_turn, _unit_of_work(self.writes) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with _unit_of_work(self.reads) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _unit_of_work(sessions: sessionmaker[Session]) -> Iterator[Session]:
    session = sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def newest_first(query: Select[Any], id_column: Any, limit: int, before_id: int | None) -> Select[Any]:
    """One page of a list read newest first, continuing below the cursor `before_id`."""
    query = query.order_by(id_column.desc()).limit(limit)
    return query.where(id_column < before_id) if before_id is not None else query


def matching(query: Select[Any], *equal: tuple[Any, object]) -> Select[Any]:
    """A list read narrowed by each (column, value) filter the caller gave; a value of None means any."""
    for column, value in equal:
        if value is not None:
            query = query.where(column == value)
    return query


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
