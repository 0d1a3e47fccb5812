"""Per-patient summary (one row per patient and profile, kept on write) and an index for
date-bounded record counts (infusions per month).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

The table starts empty: ``alpha4 report refresh`` (or the first report) computes every patient's
rows; from then on each write keeps them current.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INDEXED = ("valid_until", "gate", "disease", "site", "first_infusion", "discontinued_on")


def _columns() -> list[sa.Column[Any]]:
    c = sa.Column
    text, date, boolean, integer, number = sa.String, sa.Date, sa.Boolean, sa.Integer, sa.Float
    return [
        c("patient_pk", BigId, nullable=False),
        c("profile", text(16), nullable=False),
        c("as_of", date(), nullable=False),
        c("valid_until", date(), nullable=False),
        c("computed_at", sa.DateTime(timezone=False), nullable=False),
        c("gate", text(8), nullable=False),
        c("gate_reasons", sa.JSON(), nullable=False),
        c("next_infusion", date()),
        c("due_items", sa.JSON(), nullable=False),
        c("soonest_due", date()),
        c("critical_count", integer(), nullable=False),
        c("overdue_count", integer(), nullable=False),
        c("on_worklist", boolean(), nullable=False),
        c("worklist_items", sa.JSON(), nullable=False),
        c("pregnancy_or_lactation", boolean(), nullable=False),
        *(
            c(f"status_{name}", text(16))
            for name in ("reauthorization", "jcv", "mri", "antibody", "labs", "follow_up")
        ),
        c("pml_risk_per_1000", number()),
        c("pml_table", text(64)),
        c("pml_group", text(64), nullable=False),
        c("pml_band", text(64)),
        c("pml_higher_risk", boolean()),
        c("jcv_status", text(16), nullable=False),
        c("prior_immunosuppressant", boolean()),
        c("pml_case", boolean(), nullable=False),
        c("disease", text(32), nullable=False),
        c("ms_course", text(32)),
        c("site", text(200)),
        c("sex", text(16), nullable=False),
        c("age_years", integer(), nullable=False),
        c("infusion_count", integer(), nullable=False),
        c("first_infusion", date()),
        c("last_infusion", date()),
        c("treatment_end", date()),
        c("treatment_days", integer()),
        c("discontinued_on", date()),
        c("discontinuation_reason", sa.Text()),
        c("interruptions", integer(), nullable=False),
        c("longest_gap_days", integer()),
        *(
            c(name, boolean(), nullable=False)
            for name in ("infusion_reaction", "hypersensitivity", "serious_hypersensitivity")
        ),
        c("antibody_status", text(32), nullable=False),
        *(
            c(name, boolean(), nullable=False)
            for name in ("serious_infection", "herpes_infection", "liver_injury")
        ),
        c("relapses_before", integer()),
        c("days_before", integer()),
        c("relapses_on", integer()),
        c("days_on", integer()),
        *(
            c(name, text(16))
            for name in (
                "neda3_1y",
                "neda3_2y",
                "disability_worsening",
                "crohns_response_w12",
                "crohns_remission_w12",
                "crohns_remission_latest",
            )
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "patient_summary",
        *_columns(),
        sa.ForeignKeyConstraint(
            ["patient_pk"], ["patient.pk"], name=op.f("fk_patient_summary_patient_pk_patient")
        ),
        sa.PrimaryKeyConstraint("patient_pk", "profile", name=op.f("pk_patient_summary")),
    )
    for name in INDEXED:
        op.create_index(f"ix_patient_summary_profile_{name}", "patient_summary", ["profile", name])
    op.create_index("ix_timeline_record_kind_date", "timeline_record", ["kind", "date"])


def downgrade() -> None:
    op.drop_index("ix_timeline_record_kind_date", table_name="timeline_record")
    op.drop_table("patient_summary")
