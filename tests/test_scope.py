"""The tenant rule, written once (scope.py): the SQL narrowing and the row check always agree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from shopkeeper.auth import Principal, Role
from shopkeeper.scope import may_see, scoped
from support import examples


class _Base(DeclarativeBase):
    pass


class Row(_Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int]
    buyer_id: Mapped[int | None]


principals = st.one_of(
    st.just(Principal(role=Role.OPERATOR, key_id=1)),
    st.builds(lambda s: Principal(role=Role.STAFF, key_id=2, store_id=s), st.integers(1, 3)),
    st.builds(lambda b: Principal(role=Role.BUYER, key_id=3, buyer_id=b), st.integers(1, 3)),
)
rows = st.lists(st.tuples(st.integers(1, 3), st.one_of(st.none(), st.integers(1, 3))), max_size=12)


@settings(max_examples=examples(60), deadline=None)
@given(actor=principals, stored=rows)
def test_the_query_returns_exactly_the_rows_the_caller_may_see(actor: Principal, stored: list[tuple[int, int | None]]) -> None:
    # given rows of several stores and buyers
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(Row(id=n + 1, store_id=s, buyer_id=b) for n, (s, b) in enumerate(stored))
        session.flush()
        # when the caller lists them through the one helper
        listed = set(session.scalars(scoped(select(Row.id), actor, Row.store_id, Row.buyer_id)))
        # then it sees exactly the rows the row check lets it see: its own (buyer), its store's (staff), all (operator)
        assert listed == {row.id for row in session.scalars(select(Row)) if may_see(actor, row)}
    engine.dispose()


def test_a_buyer_sees_nothing_of_a_query_without_a_buyer_column() -> None:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Row(id=1, store_id=1, buyer_id=7))
        buyer = Principal(role=Role.BUYER, key_id=1, buyer_id=7)
        assert list(session.scalars(scoped(select(Row.id), buyer, Row.store_id))) == []
        assert list(session.scalars(scoped(select(Row.id), buyer, Row.store_id, Row.buyer_id))) == [1]
    engine.dispose()
