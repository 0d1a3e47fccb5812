"""The chair-side infusion record: what the nurse documents beside the timeline's infusion.

The timeline's :class:`~alpha4.domain.Infusion` holds what the rules read (date, dose, product,
route, observation, reaction); this row keeps the rest of the nurse's record (lot and expiry,
start and end times, vital signs before and after) and the nurse's signature: who signed, when,
and how they confirmed it was them (the password re-entered). It is written in the same
transaction as the infusion, so there is never an infusion without its chart or the reverse,
and it is audited like every write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit import append_audit
from .base import Base, UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class InfusionChartRow(Base):
    __tablename__ = "infusion_chart"

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    patient_pk: Mapped[int] = mapped_column(BigId, ForeignKey("patient.pk"), nullable=False)
    infusion_id: Mapped[str] = mapped_column(String(128), nullable=False)
    chart: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    signed_by: Mapped[str] = mapped_column(String(200), nullable=False)
    signed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    signature: Mapped[str] = mapped_column(String(40), nullable=False)


Index("ix_infusion_chart_patient_pk_infusion_id", InfusionChartRow.patient_pk, InfusionChartRow.infusion_id)


@dataclass(frozen=True, slots=True)
class InfusionChart:
    infusion_id: str
    chart: dict[str, Any]
    signed_by: str
    signed_at: dt.datetime
    signature: str


def add_chart(
    *,
    session: Session,
    patient_id: str,
    infusion_id: str,
    chart: dict[str, Any],
    signed_by: str,
    at: dt.datetime,
    signature: str = "password re-entered",
) -> None:
    """Store the signed chart of an infusion (in the caller's transaction; audited)."""
    from .timeline import PatientRow

    pk = session.execute(select(PatientRow.pk).where(PatientRow.patient_id == patient_id)).scalar_one()
    session.add(
        InfusionChartRow(
            patient_pk=pk,
            infusion_id=infusion_id,
            chart=chart,
            signed_by=signed_by,
            signed_at=at,
            signature=signature,
        )
    )
    append_audit(
        session=session,
        at=at,
        actor=signed_by,
        action="infusion.sign",
        entity="infusion_chart",
        entity_id=f"{patient_id}/infusion_chart/{infusion_id}",
        after={"chart": chart, "signature": signature},
    )


def charts_of(*, session: Session, patient_id: str) -> dict[str, InfusionChart]:
    """Every signed chart of the patient, by infusion id."""
    from .timeline import PatientRow

    rows = session.execute(
        select(InfusionChartRow)
        .join(PatientRow, PatientRow.pk == InfusionChartRow.patient_pk)
        .where(PatientRow.patient_id == patient_id)
        .order_by(InfusionChartRow.pk)
    ).scalars()
    return {
        r.infusion_id: InfusionChart(r.infusion_id, dict(r.chart), r.signed_by, r.signed_at, r.signature)
        for r in rows
    }
