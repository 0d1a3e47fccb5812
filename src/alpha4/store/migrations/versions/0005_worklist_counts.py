"""An index the worklist's counts are read from (issue 19: the worklist at 100,000 patients).

Revision ID: 0005_worklist_counts
Revises: 0004_identity_appointments
Create Date: 2026-12-02

The counts by gate and of patients with something to do were a scan of the whole (wide) summary
table on every page; with ``(profile, as_of, on_worklist, gate)`` they are an index-only scan.
"""

from __future__ import annotations

from alembic import op

revision: str = "0005_worklist_counts"
down_revision: str | None = "0004_identity_appointments"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index(
        "ix_patient_summary_day_counts", "patient_summary", ["profile", "as_of", "on_worklist", "gate"]
    )


def downgrade() -> None:
    op.drop_index("ix_patient_summary_day_counts", table_name="patient_summary")
