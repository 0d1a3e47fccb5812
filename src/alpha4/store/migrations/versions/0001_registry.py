"""Registry: patient timeline (versioned records), users and roles, append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
GENESIS_HASH = "0" * 64
ROLES = {
    "prescriber": "prescribes natalizumab; clears holds; signs authorizations",
    "nurse": "records infusions, checklists and observations",
    "coordinator": "keeps the schedule, labs and serology up to date",
    "analyst": "reads the registry for reports; changes nothing",
    "admin": "manages users and the registry",
}

# (trigger name, table, event, message): each refuses a change that would destroy clinical data or history.
APPEND_ONLY = "audit_log is append-only"
FROZEN = "a stored record version never changes: write a new version"
NO_DELETE = "clinical records are never deleted: retract them"
REFUSALS = [
    ("audit_log_no_update", "audit_log", "UPDATE", APPEND_ONLY),
    ("audit_log_no_delete", "audit_log", "DELETE", APPEND_ONLY),
    ("timeline_record_no_delete", "timeline_record", "DELETE", NO_DELETE),
    ("patient_no_delete", "patient", "DELETE", NO_DELETE),
    (
        "timeline_record_frozen",
        "timeline_record",
        "UPDATE OF pk, patient_pk, kind, record_id, version, date, payload, retraction_reason, "
        "recorded_at, recorded_by",
        FROZEN,
    ),
]
NO_REVIVAL = "an old version cannot become current again: write a new version"


def _sqlite_triggers() -> None:
    for name, table, event, message in REFUSALS:
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    op.execute(
        "CREATE TRIGGER timeline_record_no_revival BEFORE UPDATE OF is_current ON timeline_record "
        f"WHEN NEW.is_current AND NOT OLD.is_current BEGIN SELECT RAISE(ABORT, '{NO_REVIVAL}'); END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION alpha4_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation'; END $$"
    )
    for name, table, event, message in REFUSALS:
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION alpha4_refuse_change('{message}')"
        )
    for table in ("audit_log", "timeline_record", "patient"):
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION alpha4_refuse_change('{APPEND_ONLY if table == 'audit_log' else NO_DELETE}')"
        )
    op.execute(
        "CREATE TRIGGER timeline_record_no_revival BEFORE UPDATE OF is_current ON timeline_record "
        "FOR EACH ROW WHEN (NEW.is_current AND NOT OLD.is_current) "
        f"EXECUTE FUNCTION alpha4_refuse_change('{NO_REVIVAL}')"
    )


def upgrade() -> None:
    op.create_table(
        "patient",
        sa.Column("pk", BigId, autoincrement=True, nullable=False),
        sa.Column("patient_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_patient")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_patient_patient_id")),
    )
    op.create_table(
        "timeline_record",
        sa.Column("pk", BigId, autoincrement=True, nullable=False),
        sa.Column("patient_pk", BigId, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("retraction_reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_timeline_record_version_positive")),
        sa.ForeignKeyConstraint(
            ["patient_pk"], ["patient.pk"], name=op.f("fk_timeline_record_patient_pk_patient")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_timeline_record")),
        sa.UniqueConstraint("patient_pk", "kind", "record_id", "version", name="uq_timeline_record_version"),
    )
    op.create_index(
        "uq_timeline_record_one_current",
        "timeline_record",
        ["patient_pk", "kind", "record_id"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=400), nullable=False),
        sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index(op.f("ix_audit_log_entity_id"), "audit_log", ["entity_id"], unique=False)
    audit_head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])
    role = op.create_table(
        "role",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_role")),
    )
    op.bulk_insert(role, [{"name": k, "description": v} for k, v in ROLES.items()])
    op.create_table(
        "app_user",
        sa.Column("pk", BigId, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "user_role",
        sa.Column("user_pk", BigId, nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["role"], ["role.name"], name=op.f("fk_user_role_role_role")),
        sa.ForeignKeyConstraint(["user_pk"], ["app_user.pk"], name=op.f("fk_user_role_user_pk_app_user")),
        sa.PrimaryKeyConstraint("user_pk", "role", name=op.f("pk_user_role")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    raise NotImplementedError("the registry's first schema is not downgraded: restore a backup instead")
