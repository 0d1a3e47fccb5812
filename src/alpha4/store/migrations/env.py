"""Alembic environment: runs on the connection alpha4 passes in (see alpha4.store.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from alpha4.store import appointments, audit, chair, identity, throttle, timeline, users  # noqa: F401
from alpha4.store.base import Base

target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _under_alembic() -> bool:
    """False when this file is merely imported (e.g. by pytest's doctest collection)."""
    try:
        context.config  # noqa: B018
    except (NameError, AttributeError):
        return False
    return True


if _under_alembic():
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with `alpha4 db upgrade` (alpha4.store.migrate.upgrade)")
    run(connection)
