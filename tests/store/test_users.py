"""Users, roles and argon2 password hashes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from alpha4.store import (
    ConflictError,
    Database,
    InvalidChange,
    Role,
    create_user,
    user_roles,
    verify_password,
)
from alpha4.store.audit import AuditEntry
from alpha4.store.users import UserRow

from .helpers import AT


def test_a_user_signs_in_with_the_right_password_only(db: Database) -> None:
    with db.writing() as session:
        create_user(
            session=session,
            username="dr.ames",
            password="correct horse battery",
            roles=[Role.PRESCRIBER, Role.ADMIN],
            actor="admin",
            at=AT,
        )
    with db.writing() as session:
        user = verify_password(session=session, username="dr.ames", password="correct horse battery")
        assert user is not None and user.username == "dr.ames"
        assert verify_password(session=session, username="dr.ames", password="wrong password!!") is None
        assert verify_password(session=session, username="nobody", password="correct horse battery") is None
        assert user_roles(session=session, username="dr.ames") == {Role.PRESCRIBER, Role.ADMIN}
        stored = session.execute(select(UserRow.password_hash)).scalar_one()
        entry = session.execute(select(AuditEntry)).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert entry.action == "user.create" and "argon2" not in str(entry.after)


def test_usernames_are_unique_and_weak_passwords_refused(db: Database) -> None:
    with db.writing() as session:
        create_user(
            session=session, username="n1", password="a long password", roles=[Role.NURSE], actor="a", at=AT
        )
    with pytest.raises(ConflictError), db.writing() as session:
        create_user(
            session=session, username="n1", password="a long password", roles=[Role.NURSE], actor="a", at=AT
        )
    with pytest.raises(InvalidChange, match="12 characters"), db.writing() as session:
        create_user(session=session, username="n2", password="short", roles=[Role.NURSE], actor="a", at=AT)
