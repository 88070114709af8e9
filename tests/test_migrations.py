"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from shopkeeper import migrate
from shopkeeper.db import Database
from shopkeeper.models import metadata


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_upgrade_is_repeatable(db: Database) -> None:
    migrate.upgrade(db.url)  # already at head: a second run changes nothing and does not fail
    head = ScriptDirectory.from_config(migrate.alembic_config(db.url)).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
