"""The REST API's request and response shapes (pydantic), separate from the registry's rows.

Timeline records themselves are the domain's validated models (``alpha4.domain``); these
schemas wrap them with what the API adds: versions, who recorded them, summaries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from alpha4.domain import PreInfusionChecklist
from alpha4.store import StoredRecord


class PatientSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    patient_id: str
    indication: str
    gate: str = Field(
        description="go | hold | stop, today, without a checklist; "
        "'unknown' when the record cannot be assessed (see problem)"
    )
    next_infusion: dt.date | None
    pml_risk_per_1000: float | None
    problem: str | None = Field(default=None, description="why the record cannot be assessed, if it cannot")
    age_band: str | None = Field(default=None, description="ten-year age band today, e.g. '40-49'")


class RecordVersion(BaseModel):
    """One version of one timeline record as the registry holds it."""

    model_config = ConfigDict(frozen=True)

    kind: str
    record_id: str
    version: int
    current: bool
    retracted: bool
    retraction_reason: str | None
    recorded_at: dt.datetime
    recorded_by: str
    record: dict[str, Any]

    @classmethod
    def of(cls, s: StoredRecord) -> RecordVersion:
        return cls(
            kind=s.kind,
            record_id=s.record_id,
            version=s.version,
            current=s.is_current,
            retracted=s.retracted,
            retraction_reason=s.retraction_reason,
            recorded_at=s.recorded_at,
            recorded_by=s.recorded_by,
            record=s.payload,
        )


class Retraction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The version you read (optimistic locking)")
    reason: str = Field(min_length=3, max_length=2000)


class ChecklistAnswers(PreInfusionChecklist):
    """Today's screening answers (clearances are recorded by a prescriber, separately)."""

    clearances: tuple[()] = Field(default=(), description="always empty here: POST .../clearances")


class ClearanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=80, description="A hold reason of today's gate")
    reason: str = Field(min_length=3, max_length=2000)


class Problem(BaseModel):
    detail: str
