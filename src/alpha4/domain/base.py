"""Shared building blocks of the patient timeline."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

RecordId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:/@-]+$"),
    Field(description="Stable identifier of the record, unique within the patient."),
]


class Record(BaseModel):
    """An immutable, validated record. Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Event(Record):
    """A dated entry of the patient timeline."""

    id: RecordId
    date: dt.date
    source_ref: str | None = Field(
        default=None,
        description="Where this record came from (e.g. 'Observation/123' of an EHR), kept as evidence.",
    )

    @property
    def record_type(self) -> str:
        """The record type, as evidence names it (``Infusion``, ``LabResult`` ...)."""
        return type(self).__name__
