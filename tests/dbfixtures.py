"""Registry databases for tests: a fresh, migrated SQLite file or PostgreSQL database per test.

PostgreSQL is the real server (``ALPHA4_TEST_POSTGRES``, default the local one on 127.0.0.1:5432,
started by ``scripts/services``). Each test session makes its own uniquely named template database
``alpha4_test_<random>_tpl`` (migrated once) and clones it per test, and drops them all at the end,
so parallel runs never collide. If the server cannot be reached the PostgreSQL tests fail; they
are never skipped.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from alpha4.store import Database, upgrade

ADMIN_URL = os.environ.get("ALPHA4_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


class PostgresServer:
    """Creates and drops this session's databases on the real server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.prefix = f"alpha4_test_{secrets.token_hex(4)}"
        self.created: list[str] = []
        self.template = self._create(f"{self.prefix}_tpl")
        db = Database(self.url(self.template))
        upgrade(db)
        db.dispose()
        self._count = 0

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        try:
            return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as error:
            raise RuntimeError(
                f"PostgreSQL tests need the server at {self.admin_url} (run scripts/services): {error}"
            ) from error

    def _create(self, name: str, template: str | None = None) -> str:
        with self._admin() as conn:
            query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template:
                query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            conn.execute(query)
        self.created.append(name)
        return name

    def url(self, name: str) -> str:
        base = ADMIN_URL.rsplit("/", 1)[0]
        return f"{base}/{name}"

    def new_database(self, *, migrated: bool = True) -> str:
        self._count += 1
        name = f"{self.prefix}_{self._count}"
        self._create(name, self.template if migrated else None)
        return self.url(name)

    def drop_all(self) -> None:
        with self._admin() as conn:
            for name in reversed(self.created):
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer(ADMIN_URL)
    try:
        yield server
    finally:
        server.drop_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


def new_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool = True
) -> str:
    if backend == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        return server.new_database(migrated=migrated)
    path = tmp_path / f"registry-{secrets.token_hex(3)}.sqlite3"
    if migrated:
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh registry at the current schema, once on SQLite and once on PostgreSQL."""
    return new_database_url(backend, request, tmp_path)


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh database with no schema at all."""
    return new_database_url(backend, request, tmp_path, migrated=False)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    try:
        yield database
    finally:
        database.dispose()
