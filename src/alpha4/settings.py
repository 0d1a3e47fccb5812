"""One validated settings object, read once at the edge (CLI, web app), never by rules.

``ALPHA4_DATABASE_URL`` selects the registry database. It takes SQLAlchemy's form
(``sqlite:///path``, ``postgresql+psycopg://...``) or libpq's (``postgresql://user@host:5432/db``);
:func:`alpha4.store.engine.sqlalchemy_url` picks the driver. The default is a SQLite file in the
user's data directory, so the demo runs on a fresh machine with no configuration.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_path() -> Path:
    """``<user data dir>/alpha4/alpha4.sqlite3`` (e.g. ``~/.local/share/alpha4/alpha4.sqlite3``)."""
    return Path(platformdirs.user_data_dir("alpha4", appauthor=False)) / "alpha4.sqlite3"


def default_database_url() -> str:
    return f"sqlite:///{default_database_path()}"


def default_actor() -> str:
    """Who the audit log names when ``ALPHA4_ACTOR`` is not set: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "unknown"


class Settings(BaseSettings):
    """alpha4's configuration, from ``ALPHA4_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="ALPHA4_", extra="ignore", frozen=True)

    database_url: str = Field(default_factory=default_database_url, min_length=1)
    actor: str = Field(default_factory=default_actor, min_length=1)


def load_settings() -> Settings:
    return Settings()
