"""Registry users, their roles and their passwords (argon2id hashes, never the password).

Only the model and the repository functions live here; signing in is the web app's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, ForeignKey, String, Text, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit import append_audit
from .base import Base, UtcDateTime
from .errors import ConflictError, InvalidChange
from .timeline import BigId

_hasher = PasswordHasher()


class Role(StrEnum):
    PRESCRIBER = "prescriber"
    NURSE = "nurse"
    COORDINATOR = "coordinator"
    ANALYST = "analyst"
    ADMIN = "admin"


ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.PRESCRIBER: "prescribes natalizumab; clears holds; signs authorizations",
    Role.NURSE: "records infusions, checklists and observations",
    Role.COORDINATOR: "keeps the schedule, labs and serology up to date",
    Role.ANALYST: "reads the registry for reports; changes nothing",
    Role.ADMIN: "manages users and the registry",
}


class RoleRow(Base):
    __tablename__ = "role"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    description: Mapped[str] = mapped_column(Text, nullable=False)


class UserRow(Base):
    __tablename__ = "app_user"

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)


class UserRoleRow(Base):
    __tablename__ = "user_role"

    user_pk: Mapped[int] = mapped_column(ForeignKey("app_user.pk"), primary_key=True)
    role: Mapped[str] = mapped_column(ForeignKey("role.name"), primary_key=True)


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    roles: Iterable[Role],
    actor: str,
    at: dt.datetime,
    display_name: str | None = None,
) -> int:
    """Create an active user with the given roles; returns the user's key. Audited (no hash logged)."""
    username = username.strip()
    wanted = sorted({Role(r) for r in roles})
    if not username:
        raise InvalidChange("a user needs a username")
    if len(password) < 12:
        raise InvalidChange("a password needs at least 12 characters")
    if not wanted:
        raise InvalidChange("a user needs at least one role")
    try:
        with session.begin_nested():
            pk = session.execute(
                insert(UserRow)
                .values(
                    username=username,
                    display_name=display_name or username,
                    password_hash=_hasher.hash(password),
                    active=True,
                    created_at=at,
                    created_by=actor,
                )
                .returning(UserRow.pk)
            ).scalar_one()
    except IntegrityError:
        raise ConflictError(f"user {username!r} already exists") from None
    session.execute(insert(UserRoleRow), [{"user_pk": pk, "role": r.value} for r in wanted])
    append_audit(
        session=session,
        at=at,
        actor=actor,
        action="user.create",
        entity="user",
        entity_id=username,
        after={
            "username": username,
            "display_name": display_name or username,
            "roles": [r.value for r in wanted],
        },
    )
    return int(pk)


def user_roles(*, session: Session, username: str) -> set[Role]:
    rows = session.execute(
        select(UserRoleRow.role)
        .join(UserRow, UserRow.pk == UserRoleRow.user_pk)
        .where(UserRow.username == username)
    ).scalars()
    return {Role(r) for r in rows}


def verify_password(*, session: Session, username: str, password: str) -> UserRow | None:
    """The active user if ``password`` is theirs, else None (same answer for unknown users).

    A hash made with older argon2 parameters is upgraded in the caller's transaction.
    """
    user = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
    if user is None:
        _hasher.hash(password)  # take about as long as a real check
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        session.execute(
            update(UserRow).where(UserRow.pk == user.pk).values(password_hash=_hasher.hash(password))
        )
    return user
