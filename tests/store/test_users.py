"""Users, roles and argon2 password hashes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from alpha4.store import (
    ConflictError,
    Database,
    InvalidChange,
    NotFound,
    Role,
    create_user,
    deactivate_user,
    list_users,
    reactivate_user,
    set_password,
    set_roles,
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


def _users(db: Database, *specs: tuple[str, Role]) -> None:
    with db.writing() as session:
        for name, role in specs:
            create_user(
                session=session, username=name, password="a long password", roles=[role], actor="root", at=AT
            )


def test_list_deactivate_and_set_password_are_audited_without_password_material(db: Database) -> None:
    _users(db, ("admin1", Role.ADMIN), ("n1", Role.NURSE))
    with db.writing() as session:
        assert deactivate_user(session=session, username="n1", actor="admin1", at=AT) is True
        assert deactivate_user(session=session, username="n1", actor="admin1", at=AT) is False
        set_password(
            session=session, username="admin1", password="another long secret", actor="admin1", at=AT
        )
    with db.writing() as session:
        users = {u.username: u for u in list_users(session=session)}
        assert users["n1"].active is False and users["n1"].roles == (Role.NURSE,)
        assert users["admin1"].active is True and users["admin1"].created_by == "root"
        assert verify_password(session=session, username="n1", password="a long password") is None
        assert user_roles(session=session, username="n1") == set()  # open sessions end too
        assert verify_password(session=session, username="admin1", password="a long password") is None
        assert verify_password(session=session, username="admin1", password="another long secret")
        entries = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    actions = [(e.action, e.actor, e.entity_id) for e in entries]
    assert actions[-2:] == [("user.deactivate", "admin1", "n1"), ("user.set_password", "admin1", "admin1")]
    logged = str([(e.before, e.after) for e in entries])
    assert "secret" not in logged and "argon2" not in logged and "long password" not in logged


def test_the_last_active_admin_stays_and_unknown_users_are_named(db: Database) -> None:
    _users(db, ("admin1", Role.ADMIN), ("admin2", Role.ADMIN))
    with db.writing() as session:
        assert deactivate_user(session=session, username="admin2", actor="admin1", at=AT)
    with pytest.raises(InvalidChange, match="last active admin"), db.writing() as session:
        deactivate_user(session=session, username="admin1", actor="root", at=AT)
    with pytest.raises(NotFound, match="no user 'ghost'"), db.writing() as session:
        deactivate_user(session=session, username="ghost", actor="admin1", at=AT)
    with pytest.raises(NotFound), db.writing() as session:
        set_password(session=session, username="ghost", password="a long password", actor="a", at=AT)
    with pytest.raises(InvalidChange, match="12 characters"), db.writing() as session:
        set_password(session=session, username="admin1", password="short", actor="a", at=AT)


def test_reactivation_and_role_changes_take_effect_at_once_and_are_audited(db: Database) -> None:
    _users(db, ("admin1", Role.ADMIN), ("n1", Role.NURSE))
    with db.writing() as session:
        assert deactivate_user(session=session, username="n1", actor="admin1", at=AT)
        assert reactivate_user(session=session, username="n1", actor="admin1", at=AT) is True
        assert reactivate_user(session=session, username="n1", actor="admin1", at=AT) is False
        assert user_roles(session=session, username="n1") == {Role.NURSE}  # the roles they had
        assert verify_password(session=session, username="n1", password="a long password")
        roles = [Role.PRESCRIBER, Role.NURSE]
        assert set_roles(session=session, username="n1", roles=roles, actor="admin1", at=AT) is True
        assert set_roles(session=session, username="n1", roles=roles, actor="admin1", at=AT) is False
        assert user_roles(session=session, username="n1") == {Role.PRESCRIBER, Role.NURSE}
        entries = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert [(e.action, e.before, e.after) for e in entries[-3:]] == [
        ("user.deactivate", {"active": True}, {"active": False}),
        ("user.reactivate", {"active": False}, {"active": True}),
        ("user.set_roles", {"roles": ["nurse"]}, {"roles": ["nurse", "prescriber"]}),
    ]


def test_roles_never_leave_the_registry_without_an_admin_or_a_user_without_a_role(db: Database) -> None:
    _users(db, ("admin1", Role.ADMIN), ("n1", Role.NURSE))
    with pytest.raises(InvalidChange, match="last active admin"), db.writing() as session:
        set_roles(session=session, username="admin1", roles=[Role.ANALYST], actor="admin1", at=AT)
    with pytest.raises(InvalidChange, match="at least one role"), db.writing() as session:
        set_roles(session=session, username="n1", roles=[], actor="admin1", at=AT)
    with pytest.raises(NotFound, match="no user 'ghost'"), db.writing() as session:
        set_roles(session=session, username="ghost", roles=[Role.NURSE], actor="admin1", at=AT)
    with db.writing() as session:  # with a second admin the first may step down
        set_roles(session=session, username="n1", roles=[Role.ADMIN], actor="admin1", at=AT)
        set_roles(session=session, username="admin1", roles=[Role.ANALYST], actor="admin1", at=AT)
        assert user_roles(session=session, username="admin1") == {Role.ANALYST}
