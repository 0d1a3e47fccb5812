"""Fixtures shared by every test folder."""

from tests.dbfixtures import (  # noqa: F401  (registry databases: SQLite and PostgreSQL)
    backend,
    db,
    db_url,
    empty_db_url,
    postgres_server,
    sqlite_template,
)
