"""Schema migrations (Alembic, shipped inside the package) and the schema-version check.

``alpha4 db upgrade`` runs :func:`upgrade`; every other command calls :func:`require_current`,
which refuses an old (or newer) database with a message naming the command that fixes it.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from .engine import Database
from .errors import SchemaOutOfDate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration head in {MIGRATIONS}: the installed package is incomplete")
    return head


def current_revision(db: Database) -> str | None:
    """The database's schema revision (None for an empty database)."""
    with db.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate the database to ``revision``; returns (before, after)."""
    before = current_revision(db)
    try:
        with db.write_connection() as conn:
            command.upgrade(alembic_config(conn), revision)
    except DBAPIError as error:
        raise db.unavailable(error) from None
    return before, current_revision(db)


def require_current(db: Database) -> None:
    """Refuse a database whose schema is not this alpha4's (one clear message, nothing changed)."""
    current, head = current_revision(db), head_revision()
    if current == head:
        return
    if current is None:
        raise SchemaOutOfDate(
            f"the database {db.shown_url} has no alpha4 schema yet: run `alpha4 db upgrade`"
        )
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        raise SchemaOutOfDate(
            f"the database {db.shown_url} is at schema {current}, newer than this alpha4 ({head}): "
            "upgrade alpha4"
        )
    raise SchemaOutOfDate(
        f"the database {db.shown_url} is at schema {current}, this alpha4 needs {head}: run `alpha4 db upgrade`"
    )
