"""Registry users, their roles and their passwords (argon2id hashes, never the password).

Only the model and the repository functions live here; signing in is the web app's job. Users
are never deleted (the audit log names them): an admin deactivates them, after which they can
neither sign in nor use a session or token issued before. Every change is audited with the actor,
never with password material.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit import append_audit, last_sign_ins
from .base import Base, UtcDateTime
from .errors import ConflictError, InvalidChange, NotFound
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
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    """Raised by a sign-out, a password change, a (de/re)activation or a role change: every session
    and token issued before carries the old epoch and stops working at its next request."""


class UserRoleRow(Base):
    __tablename__ = "user_role"

    user_pk: Mapped[int] = mapped_column(ForeignKey("app_user.pk"), primary_key=True)
    role: Mapped[str] = mapped_column(ForeignKey("role.name"), primary_key=True)


MIN_PASSWORD = 12
MAX_PASSWORD = 200


def check_password(password: str) -> None:
    """Refuse a password too short (or absurdly long) to be set; says why."""
    if len(password) < MIN_PASSWORD:
        raise InvalidChange(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidChange(f"a password has at most {MAX_PASSWORD} characters")


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
    check_password(password)
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
    """The roles of an active user; none for a deactivated or unknown one (their sessions end)."""
    rows = session.execute(
        select(UserRoleRow.role)
        .join(UserRow, UserRow.pk == UserRoleRow.user_pk)
        .where(UserRow.username == username, UserRow.active.is_(True))
    ).scalars()
    return {Role(r) for r in rows}


def session_state(*, session: Session, username: str) -> tuple[set[Role], int]:
    """The roles of an active user and their session epoch (no roles: deactivated or unknown); one query."""
    rows = session.execute(
        select(UserRow.session_epoch, UserRoleRow.role)
        .join(UserRoleRow, UserRoleRow.user_pk == UserRow.pk)
        .where(UserRow.username == username, UserRow.active.is_(True))
    ).all()
    return {Role(r.role) for r in rows}, (rows[0].session_epoch if rows else -1)


def bump_session_epoch(*, session: Session, username: str) -> None:
    """End every session and token of ``username`` issued so far."""
    session.execute(
        update(UserRow).where(UserRow.username == username).values(session_epoch=UserRow.session_epoch + 1)
    )


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as an admin sees them (never the password hash)."""

    username: str
    display_name: str
    roles: tuple[Role, ...]
    active: bool
    created_at: dt.datetime
    created_by: str
    last_sign_in: dt.datetime | None = None  # None: never signed in


def list_users(*, session: Session) -> list[UserInfo]:
    """Every user (deactivated ones too) ordered by username, with their last sign-in; three queries."""
    users = session.execute(select(UserRow).order_by(UserRow.username)).scalars().all()
    roles: dict[int, list[Role]] = {}
    for user_pk, role in session.execute(select(UserRoleRow.user_pk, UserRoleRow.role)):
        roles.setdefault(user_pk, []).append(Role(role))
    signed_in = last_sign_ins(session=session, usernames=[u.username for u in users])
    return [
        UserInfo(
            username=u.username,
            display_name=u.display_name,
            roles=tuple(sorted(roles.get(u.pk, []))),
            active=u.active,
            created_at=u.created_at,
            created_by=u.created_by,
            last_sign_in=signed_in.get(u.username),
        )
        for u in users
    ]


def _user(session: Session, username: str) -> UserRow:
    user = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user {username!r} in the registry")
    return user


def _other_active_admins(session: Session, username: str) -> set[str]:
    rows = session.execute(
        select(UserRow.username)
        .join(UserRoleRow, UserRoleRow.user_pk == UserRow.pk)
        .where(UserRoleRow.role == Role.ADMIN.value, UserRow.active.is_(True))
    ).scalars()
    return set(rows) - {username}


def deactivate_user(*, session: Session, username: str, actor: str, at: dt.datetime) -> bool:
    """Deactivate a user: no more sign-ins, and their sessions and tokens stop working at once.

    Returns False (and changes nothing) when the user already was inactive. Refused when it would
    leave the registry without an active admin. Audited as ``user.deactivate``.
    """
    user = _user(session, username)
    if not user.active:
        return False
    if Role.ADMIN in user_roles(session=session, username=username) and not _other_active_admins(
        session, username
    ):
        raise InvalidChange(f"{username} is the last active admin: create another admin first")
    return _set_active(session, user, False, actor, at)


def reactivate_user(*, session: Session, username: str, actor: str, at: dt.datetime) -> bool:
    """Let a deactivated user sign in again, with the roles they had (review them first).

    Returns False (and changes nothing) when the user already was active. Audited as
    ``user.reactivate``; the password is unchanged (set a new one if it may be known to others).
    """
    user = _user(session, username)
    if user.active:
        return False
    return _set_active(session, user, True, actor, at)


def _set_active(session: Session, user: UserRow, active: bool, actor: str, at: dt.datetime) -> bool:
    result = session.execute(
        update(UserRow)
        .where(UserRow.pk == user.pk, UserRow.active.is_(not active))
        .values(active=active, session_epoch=UserRow.session_epoch + 1)
    )
    if getattr(result, "rowcount", 1) != 1:
        return False  # changed by someone else meanwhile
    append_audit(
        session=session,
        at=at,
        actor=actor,
        action="user.reactivate" if active else "user.deactivate",
        entity="user",
        entity_id=user.username,
        before={"active": not active},
        after={"active": active},
    )
    return True


def set_roles(*, session: Session, username: str, roles: Iterable[Role], actor: str, at: dt.datetime) -> bool:
    """Give a user exactly these roles (at least one); their open sessions and tokens get the new
    permissions at their next request. Returns False when the roles were already these.

    Refused when it would leave the registry without an active admin. Audited as ``user.set_roles``
    with the roles before and after.
    """
    wanted = sorted({Role(r) for r in roles})
    if not wanted:
        raise InvalidChange("a user needs at least one role (deactivate the user instead)")
    user = _user(session, username)
    current = sorted(
        Role(r)
        for r in session.execute(select(UserRoleRow.role).where(UserRoleRow.user_pk == user.pk)).scalars()
    )
    if current == wanted:
        return False
    if (
        Role.ADMIN in current
        and Role.ADMIN not in wanted
        and user.active
        and not _other_active_admins(session, username)
    ):
        raise InvalidChange(f"{username} is the last active admin: make another admin first")
    session.execute(delete(UserRoleRow).where(UserRoleRow.user_pk == user.pk))
    bump_session_epoch(session=session, username=username)
    session.execute(insert(UserRoleRow), [{"user_pk": user.pk, "role": r.value} for r in wanted])
    append_audit(
        session=session,
        at=at,
        actor=actor,
        action="user.set_roles",
        entity="user",
        entity_id=username,
        before={"roles": [r.value for r in current]},
        after={"roles": [r.value for r in wanted]},
    )
    return True


def set_password(*, session: Session, username: str, password: str, actor: str, at: dt.datetime) -> None:
    """Replace a user's password (argon2id hash). Audited as ``user.set_password``, without the
    password or its hash."""
    check_password(password)
    user = _user(session, username)
    session.execute(
        update(UserRow)
        .where(UserRow.pk == user.pk)
        .values(password_hash=_hasher.hash(password), session_epoch=UserRow.session_epoch + 1)
    )
    append_audit(
        session=session,
        at=at,
        actor=actor,
        action="user.set_password",
        entity="user",
        entity_id=username,
    )


def verify_password(*, session: Session, username: str, password: str) -> UserRow | None:
    """The active user if ``password`` is theirs, else None (same answer for unknown users).

    A hash made with older argon2 parameters is upgraded in the caller's transaction.
    """
    user = check_credentials(session=session, username=username, password=password)
    if user is not None and _hasher.check_needs_rehash(user.password_hash):
        rehash_password(session=session, username=username, password=password)
    return user


def check_credentials(*, session: Session, username: str, password: str) -> UserRow | None:
    """As :func:`verify_password`, but only reading: run it in a read session, so the slow argon2
    check holds no write lock (the sign-in's throttle and audit are written apart)."""
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
    return user


def needs_rehash(user: UserRow) -> bool:
    return bool(_hasher.check_needs_rehash(user.password_hash))


def rehash_password(*, session: Session, username: str, password: str) -> None:
    """Store the password's hash with today's argon2 parameters (the password was just verified)."""
    session.execute(
        update(UserRow).where(UserRow.username == username).values(password_hash=_hasher.hash(password))
    )
