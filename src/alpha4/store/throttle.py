"""The sign-in throttle, in the database: it survives a restart and holds across processes.

Each key (a user name, a client address) has a fixed window with a count of attempts. An attempt
*reserves* its slot before the password is checked, in a short write transaction of its own:
parallel attempts are serialised there (``BEGIN IMMEDIATE`` on SQLite, a row lock on PostgreSQL),
so no more than the limit can be in flight, and the slow password check holds no lock at all.
A success releases its reservation (and clears the user name's failures); a failure keeps it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base, UtcDateTime


class ThrottleRow(Base):
    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)


@dataclass(frozen=True, slots=True)
class Limit:
    key: str
    max_attempts: int
    window: dt.timedelta


def reserve(*, session: Session, limits: list[Limit], now: dt.datetime) -> int:
    """Reserve one attempt under every limit, or none: 0 when reserved, else the seconds to wait.

    Call inside its own short write transaction (``Database.writing``).
    """
    rows: list[tuple[Limit, ThrottleRow]] = []
    for limit in limits:
        row = _locked_row(session, limit.key, now)
        if now - row.window_start >= limit.window:
            row.window_start, row.attempts = now, 0
        if row.attempts >= limit.max_attempts:
            return max(1, int((row.window_start + limit.window - now).total_seconds()) + 1)
        rows.append((limit, row))
    for _, row in rows:
        session.execute(
            update(ThrottleRow)
            .where(ThrottleRow.key == row.key)
            .values(window_start=row.window_start, attempts=row.attempts + 1)
        )
    return 0


def release(*, session: Session, key: str, clear: bool = False) -> None:
    """Give back one reserved attempt (a success); ``clear`` forgets the key's failures too."""
    if clear:
        session.execute(update(ThrottleRow).where(ThrottleRow.key == key).values(attempts=0))
        return
    session.execute(
        update(ThrottleRow)
        .where(ThrottleRow.key == key, ThrottleRow.attempts > 0)
        .values(attempts=ThrottleRow.attempts - 1)
    )


def _locked_row(session: Session, key: str, now: dt.datetime) -> ThrottleRow:
    query = select(ThrottleRow.key, ThrottleRow.window_start, ThrottleRow.attempts).where(
        ThrottleRow.key == key
    )
    found = session.execute(query.with_for_update()).one_or_none()
    if found is None:
        try:
            with session.begin_nested():
                session.add(ThrottleRow(key=key, window_start=now, attempts=0))
                session.flush()
        except IntegrityError:
            pass  # inserted by a parallel attempt meanwhile
        found = session.execute(query.with_for_update()).one()
    return ThrottleRow(key=found.key, window_start=found.window_start, attempts=found.attempts)
