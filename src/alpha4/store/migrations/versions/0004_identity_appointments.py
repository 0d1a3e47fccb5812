"""Patient identity for search (name, birth date, MRN), infusion bookings, the signed chair-side
infusion record, and the worklist's order in the summary table.

Revision ID: 0004_identity_appointments
Revises: 0003
Create Date: 2026-12-02

The identity rows are filled from each patient's current ``patient`` record. The summary rows
are dropped so that every patient's is recomputed with the new columns (on the next read of the
worklist, or ahead of it with ``alpha4 report refresh``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004_identity_appointments"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KEYS = ("id_key", "family_key", "given_key", "mrn_key")


def _fold(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    return " ".join(text.split()).casefold() or None


def _backfill_identity() -> None:
    conn = op.get_bind()
    records = sa.table(
        "timeline_record",
        sa.column("patient_pk", BigId),
        sa.column("kind", sa.String),
        sa.column("payload", sa.JSON),
        sa.column("is_current", sa.Boolean),
    )
    patients = sa.table("patient", sa.column("pk", BigId), sa.column("patient_id", sa.String))
    identity = sa.table(
        "patient_identity",
        *(sa.column(n) for n in ("patient_pk", "patient_id", "family_name", "given_name", "mrn")),
        sa.column("birth_date", sa.Date),
        *(sa.column(k) for k in KEYS),
    )
    query = (
        sa.select(patients.c.pk, patients.c.patient_id, records.c.payload)
        .join(records, records.c.patient_pk == patients.c.pk)
        .where(records.c.kind == "patient", records.c.is_current.is_(True))
    )
    batch: list[dict[str, Any]] = []
    for pk, patient_id, payload in conn.execute(query):
        data = json.loads(payload) if isinstance(payload, str) else dict(payload)
        try:
            born = dt.date.fromisoformat(str(data.get("birth_date")))
        except ValueError:
            continue  # an unreadable record: its row comes with its correction
        batch.append(
            {
                "patient_pk": pk,
                "patient_id": patient_id,
                "family_name": data.get("family_name"),
                "given_name": data.get("given_name"),
                "mrn": data.get("mrn"),
                "birth_date": born,
                "id_key": _fold(patient_id) or patient_id,
                "family_key": _fold(data.get("family_name")),
                "given_key": _fold(data.get("given_name")),
                "mrn_key": _fold(data.get("mrn")),
            }
        )
        if len(batch) >= 1000:
            conn.execute(sa.insert(identity), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(identity), batch)


def upgrade() -> None:
    op.create_table(
        "patient_identity",
        sa.Column("patient_pk", BigId, nullable=False),
        sa.Column("patient_id", sa.String(128), nullable=False),
        sa.Column("family_name", sa.String(200)),
        sa.Column("given_name", sa.String(200)),
        sa.Column("mrn", sa.String(64)),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("id_key", sa.String(128), nullable=False),
        sa.Column("family_key", sa.String(200)),
        sa.Column("given_key", sa.String(200)),
        sa.Column("mrn_key", sa.String(64)),
        sa.ForeignKeyConstraint(
            ["patient_pk"], ["patient.pk"], name=op.f("fk_patient_identity_patient_pk_patient")
        ),
        sa.PrimaryKeyConstraint("patient_pk", name=op.f("pk_patient_identity")),
    )
    for key in KEYS:
        op.create_index(f"ix_patient_identity_{key}", "patient_identity", [key])
    op.create_table(
        "appointment",
        sa.Column("pk", BigId, primary_key=True, autoincrement=True),
        sa.Column("patient_pk", BigId, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.String(5), nullable=False),
        sa.Column("chair", sa.String(40)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(200)),
        sa.Column("note", sa.Text()),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_pk"], ["patient.pk"], name=op.f("fk_appointment_patient_pk_patient")
        ),
        sa.UniqueConstraint("external_id", name=op.f("uq_appointment_external_id")),
    )
    op.create_index("ix_appointment_day_start_time", "appointment", ["day", "start_time"])
    op.create_index("ix_appointment_patient_pk_day", "appointment", ["patient_pk", "day"])
    op.create_table(
        "infusion_chart",
        sa.Column("pk", BigId, primary_key=True, autoincrement=True),
        sa.Column("patient_pk", BigId, nullable=False),
        sa.Column("infusion_id", sa.String(128), nullable=False),
        sa.Column("chart", sa.JSON(), nullable=False),
        sa.Column("signed_by", sa.String(200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("signature", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_pk"], ["patient.pk"], name=op.f("fk_infusion_chart_patient_pk_patient")
        ),
    )
    op.create_index(
        "ix_infusion_chart_patient_pk_infusion_id", "infusion_chart", ["patient_pk", "infusion_id"]
    )
    op.execute("DELETE FROM patient_summary")  # recomputed with the worklist's order columns
    with op.batch_alter_table("patient_summary") as batch:
        batch.add_column(sa.Column("gate_headline", sa.String(120)))
        batch.add_column(sa.Column("urgency", sa.Integer()))
    op.create_index(
        "ix_patient_summary_worklist",
        "patient_summary",
        ["profile", "urgency", sa.text("critical_count DESC"), sa.text("overdue_count DESC"), "soonest_due"],
    )
    op.create_index(
        "ix_patient_summary_profile_next_infusion", "patient_summary", ["profile", "next_infusion"]
    )
    _backfill_identity()


def downgrade() -> None:
    op.drop_index("ix_patient_summary_profile_next_infusion", table_name="patient_summary")
    op.drop_index("ix_patient_summary_worklist", table_name="patient_summary")
    with op.batch_alter_table("patient_summary") as batch:
        batch.drop_column("urgency")
        batch.drop_column("gate_headline")
    op.drop_table("infusion_chart")
    op.drop_table("appointment")
    op.drop_table("patient_identity")
