"""Connecting to the registry: URL forms, driver choice, SQLite pragmas, read and write sessions.

SQLite is the embedded default (WAL journal, foreign keys on, a busy timeout so writers queue);
PostgreSQL is reached through psycopg 3. Write transactions on SQLite start with ``BEGIN IMMEDIATE``
so two writers queue on the lock instead of failing half-way; read transactions stay deferred and
never block writers (WAL).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from .errors import DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_S = 30
_WRITE_OPTION = "alpha4_write"


def sqlalchemy_url(url: str) -> URL:
    """The SQLAlchemy URL for ``url``, with alpha4's driver for PostgreSQL (psycopg 3).

    >>> sqlalchemy_url("postgresql://alice:secret@db.example:5432/registry").drivername
    'postgresql+psycopg'
    >>> sqlalchemy_url("postgres://db.example/registry").drivername
    'postgresql+psycopg'
    >>> sqlalchemy_url("sqlite:///tmp/a.sqlite3").database
    'tmp/a.sqlite3'
    """
    try:
        parsed = make_url(url.strip())
    except ArgumentError as error:
        raise DatabaseUnavailable(f"{url!r} is not a database URL ({error})") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(
            f"{redact(url)}: alpha4 runs on SQLite or PostgreSQL, not {parsed.get_backend_name()!r}"
        )
    return parsed


def redact(url: str | URL) -> str:
    """``url`` for messages: the password is never shown.

    >>> redact("postgresql://alice:secret@db.example:5432/registry")
    'postgresql://alice:***@db.example:5432/registry'
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return "<unparseable database URL>"
    return parsed.render_as_string(hide_password=True)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _sqlite_on_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One registry database: its engine and the sessions that read and write it."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = sqlalchemy_url(url)
        self.shown_url = redact(self.url)
        if self.is_sqlite:
            path = self.sqlite_path
            if path is not None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise DatabaseUnavailable(
                        f"cannot open the database {self.shown_url}: {path.parent}: {error.strerror}"
                    ) from None
            self.engine: Engine = create_engine(
                self.url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}
            )
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_on_begin)
        else:
            self.engine = create_engine(
                self.url, echo=echo, pool_pre_ping=True, connect_args={"connect_timeout": 10}
            )
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The database file (None for an in-memory SQLite database or PostgreSQL)."""
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    def check_reachable(self) -> None:
        """Open one connection; a clear :class:`DatabaseUnavailable` if that fails."""
        with self.connect():
            pass

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        try:
            conn = self.engine.connect()
        except DBAPIError as error:
            raise self.unavailable(error) from None
        with conn:
            yield conn

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A connection in a write transaction (``BEGIN IMMEDIATE`` on SQLite), committed at the end."""
        try:
            conn = self._write_engine.connect()
        except DBAPIError as error:
            raise self.unavailable(error) from None
        with conn, conn.begin():
            yield conn

    def unavailable(self, error: DBAPIError) -> DatabaseUnavailable:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        return DatabaseUnavailable(f"cannot open the database {self.shown_url}: {reason}")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads (rolled back at the end)."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except DBAPIError as error:
            if error.connection_invalidated or _is_connect_error(error):
                raise self.unavailable(error) from None
            raise

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on any error."""
        try:
            with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as error:
            if error.connection_invalidated or _is_connect_error(error):
                raise self.unavailable(error) from None
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def _is_connect_error(error: DBAPIError) -> bool:
    text = str(error.orig).lower()
    return any(
        words in text
        for words in (
            "connection refused",
            "could not connect",
            "unable to open database",
            "connection failed",
        )
    )
