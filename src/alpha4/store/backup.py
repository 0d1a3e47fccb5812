"""Backups: a consistent online copy of a SQLite registry; pg_dump / pg_restore for PostgreSQL.

SQLite's backup API copies the database page by page inside a read transaction, so writers may
go on while it runs and the copy is the database as it was at one instant. Restore checks the
file (integrity, an alpha4 schema, an intact audit chain) before copying it over the registry.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url

from .audit import verify_audit_chain
from .engine import Database
from .errors import StoreError


def _sqlite_connection(db: Database) -> sqlite3.Connection:
    path = db.sqlite_path
    if path is None:
        raise StoreError("an in-memory database cannot be backed up")
    return sqlite3.connect(path, timeout=30)


def backup(db: Database, target: Path) -> None:
    """Write a consistent copy of the registry to ``target`` (refuses to overwrite a file)."""
    if target.exists():
        raise StoreError(f"{target} exists: choose a new file name (a backup never overwrites)")
    if db.is_sqlite:
        target.parent.mkdir(parents=True, exist_ok=True)
        source = _sqlite_connection(db)
        try:
            dest = sqlite3.connect(target)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
        return
    _run_pg("pg_dump", ["--format=custom", "--no-owner", f"--file={target}"], db)


def check_backup(path: Path) -> None:
    """Refuse a SQLite file that is damaged, not an alpha4 registry, or whose audit chain is broken."""
    if not path.is_file():
        raise StoreError(f"{path}: no such backup file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: not a SQLite database ({error})") from None
    if not ok or ok[0] != "ok":
        raise StoreError(f"{path}: damaged ({ok[0] if ok else 'no answer'})")
    if not {"alembic_version", "audit_log", "timeline_record"} <= tables:
        raise StoreError(f"{path}: not an alpha4 registry")
    copy = Database(f"sqlite:///{path}")
    try:
        with copy.reading() as session:
            broken = verify_audit_chain(session=session)
    finally:
        copy.dispose()
    if broken:
        raise StoreError(f"{path}: the audit chain is broken at {broken}; not restored")


def restore(db: Database, source: Path) -> None:
    """Replace the registry's content with the backup at ``source``."""
    if db.is_sqlite:
        check_backup(source)
        db.dispose()
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dest = _sqlite_connection(db)
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
        return
    if not source.is_file():
        raise StoreError(f"{source}: no such backup file")
    _run_pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)], db)


def _run_pg(tool: str, args: list[str], db: Database) -> None:
    """Run pg_dump/pg_restore against the registry; the password goes in the environment only."""
    exe = shutil.which(tool)
    if exe is None:
        raise StoreError(
            f"{tool} is not installed: install the PostgreSQL client tools (see docs/registry.md)"
        )
    url = db.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    libpq = make_url(url.render_as_string(hide_password=False)).set(drivername="postgresql", password=None)
    dbname = ["--dbname", libpq.render_as_string(hide_password=False)]
    result = subprocess.run([exe, *args, *dbname], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        message = (
            result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"exit {result.returncode}"
        )
        raise StoreError(f"{tool} failed for {db.shown_url}: {message}")
