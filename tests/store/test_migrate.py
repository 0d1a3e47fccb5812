"""Migrations build the schema from an empty database on both backends, and match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from alpha4.store import Database, SchemaOutOfDate, current_revision, head_revision, require_current, upgrade
from alpha4.store import migrate as migrate_module
from alpha4.store.base import Base


def test_upgrade_from_empty_builds_the_schema_the_models_describe(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        assert current_revision(db) is None
        before, after = upgrade(db)
        assert (before, after) == (None, head_revision())
        require_current(db)
        with db.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert upgrade(db) == (after, after)  # running it again is a no-op
    finally:
        db.dispose()


def test_an_empty_database_asks_for_db_upgrade(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        with pytest.raises(SchemaOutOfDate, match="run `alpha4 db upgrade`"):
            require_current(db)
    finally:
        db.dispose()


def test_an_old_schema_asks_for_db_upgrade(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrate_module, "head_revision", lambda: "9999")
    with pytest.raises(
        SchemaOutOfDate, match=r"at schema 0002, this alpha4 needs 9999: run `alpha4 db upgrade`"
    ):
        require_current(db)
