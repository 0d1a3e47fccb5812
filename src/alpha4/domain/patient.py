"""The patient record: demographics, indication and the whole timeline.

A record loads from and dumps to JSON; :func:`patient_json_schema` publishes its
schema (``alpha4 schema patient``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator

from .base import Day, Event, Flag, PatientId, Real, Record
from .partial_dates import Precision
from .records import (
    AdverseEvent,
    AntibodyResult,
    AuthorizationEvent,
    CrohnsScore,
    Discontinuation,
    DrugLevel,
    EdssScore,
    HypersensitivityHistory,
    Indication,
    Infusion,
    JcvResult,
    LabResult,
    LactationRecord,
    Medication,
    MriScan,
    OtherRecord,
    PregnancyRecord,
    Relapse,
    WeightRecord,
)

SCHEMA_VERSION = "1"

_EVENT_FIELDS: tuple[str, ...] = (
    "weights",
    "pregnancies",
    "lactation",
    "hypersensitivities",
    "infusions",
    "labs",
    "jcv_results",
    "antibody_results",
    "drug_levels",
    "mri_scans",
    "relapses",
    "edss_scores",
    "crohns_scores",
    "adverse_events",
    "authorizations",
    "other_records",
)


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Death(Record):
    """The patient is recorded as deceased (FHIR ``Patient.deceased[x]``): nothing more is planned.

    ``date`` is None when the EHR records only that the patient died (``deceasedBoolean``)."""

    date: Day | None = None
    source_ref: str | None = Field(default=None, max_length=512)


class Patient(Record):
    """One patient's natalizumab record.

    Every list is a tuple (immutable) and is kept in date order on load, so rules
    can read "the latest" as the last element.
    """

    schema_version: str = Field(
        default=SCHEMA_VERSION,
        description=f"The record format's version; this alpha4 reads {SCHEMA_VERSION!r}",
    )
    id: PatientId
    birth_date: Day
    birth_date_precision: Precision = Field(
        default=Precision.DAY,
        description=(
            "How much of the birth date is known: 'year' (born 1960) or 'month' (born 2008-05) make "
            "the age a range; birth_date is then a day inside it"
        ),
    )
    sex: Sex
    indication: Indication
    prior_immunosuppressant_reported: Flag | None = Field(
        default=None,
        description=(
            "Prior immunosuppressant use as reported by the prescriber when the individual "
            "medicines are not recorded. None: not stated."
        ),
    )
    extended_interval_weeks: Real | None = Field(
        default=None, gt=0, le=12, description="Prescribed dosing interval when not every 4 weeks"
    )
    site: str | None = None
    family_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="Family name (a second identifier)"
    )
    given_name: str | None = Field(default=None, min_length=1, max_length=200, description="Given name(s)")
    mrn: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The site's medical record number (with the name and birth date: two identifiers)",
    )
    weights: tuple[WeightRecord, ...] = ()
    medications: tuple[Medication, ...] = ()
    pregnancies: tuple[PregnancyRecord, ...] = ()
    lactation: tuple[LactationRecord, ...] = ()
    hypersensitivities: tuple[HypersensitivityHistory, ...] = ()
    infusions: tuple[Infusion, ...] = ()
    labs: tuple[LabResult, ...] = ()
    jcv_results: tuple[JcvResult, ...] = ()
    antibody_results: tuple[AntibodyResult, ...] = ()
    drug_levels: tuple[DrugLevel, ...] = ()
    mri_scans: tuple[MriScan, ...] = ()
    relapses: tuple[Relapse, ...] = ()
    edss_scores: tuple[EdssScore, ...] = ()
    crohns_scores: tuple[CrohnsScore, ...] = ()
    adverse_events: tuple[AdverseEvent, ...] = ()
    authorizations: tuple[AuthorizationEvent, ...] = ()
    discontinuation: Discontinuation | None = None
    death: Death | None = Field(
        default=None, description="Recorded as deceased: no infusion, schedule or worklist entry"
    )
    other_records: tuple[OtherRecord, ...] = ()

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: str) -> str:
        if value != SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {value!r} is not supported (this alpha4 reads {SCHEMA_VERSION!r})"
            )
        return value

    @field_validator(*_EVENT_FIELDS)
    @classmethod
    def _sort_events(cls, items: tuple[Event, ...]) -> tuple[Event, ...]:
        """Keep every timeline list in order of its parsed dates (stable for equal dates)."""
        return tuple(sorted(items, key=lambda i: i.date))

    @model_validator(mode="after")
    def _nothing_before_birth(self) -> Patient:
        born = self.birth_interval[0]  # the earliest day the patient may have been born
        early = [f"{e.record_type} {e.id} ({e.date})" for e in self.events() if e.date < born]
        early += [f"Medication {m.id} ({m.start})" for m in self.medications if m.start and m.start < born]
        if self.indication.diagnosis_date and self.indication.diagnosis_date < born:
            early.append(f"diagnosis ({self.indication.diagnosis_date})")
        if self.death is not None and self.death.date is not None and self.death.date < born:
            early.append(f"death ({self.death.date})")
        if early:
            shown = ", ".join(early[:5]) + (f" and {len(early) - 5} more" if len(early) > 5 else "")
            raise ValueError(f"dated before the birth date {born}: {shown}")
        return self

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Patient:
        seen: set[str] = set()
        for event in self.events():
            if event.id in seen:
                raise ValueError(f"record id {event.id!r} is used twice")
            seen.add(event.id)
        return self

    def events(self) -> Iterator[Event]:
        """Every dated record of the timeline."""
        for name in _EVENT_FIELDS:
            yield from getattr(self, name)
        if self.discontinuation is not None:
            yield self.discontinuation

    @property
    def birth_interval(self) -> tuple[dt.date, dt.date]:
        """The earliest and latest day of birth the record allows (the same day when it is exact)."""
        born = self.birth_date
        if self.birth_date_precision is Precision.YEAR:
            return dt.date(born.year, 1, 1), dt.date(born.year, 12, 31)
        if self.birth_date_precision is Precision.MONTH:
            last = calendar.monthrange(born.year, born.month)[1]
            return born.replace(day=1), born.replace(day=last)
        return born, born

    def age_range_on(self, day: dt.date) -> tuple[int, int]:
        """The youngest and oldest completed age on ``day`` (equal when the birth date is exact).

        >>> from alpha4.domain.builders import ms_patient
        >>> p = ms_patient(birth_date=dt.date(2008, 12, 31), birth_date_precision="year")
        >>> p.age_range_on(dt.date(2026, 6, 1)), p.birth_interval[0]
        ((17, 18), datetime.date(2008, 1, 1))
        """
        earliest, latest = self.birth_interval

        def age(born: dt.date) -> int:
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

        return age(latest), age(earliest)

    def age_on(self, day: dt.date) -> int:
        """Completed years of age on ``day``."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    def weight_on(self, day: dt.date) -> float | None:
        """The latest recorded body weight on or before ``day`` (kg)."""
        known = [w for w in self.weights if w.date <= day]
        return known[-1].weight_kg if known else None

    def to_json(self, *, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent, exclude_defaults=False)


def load_patient(text: str | bytes) -> Patient:
    """Parse and validate one patient record from JSON (raises ``pydantic.ValidationError``)."""
    return Patient.model_validate_json(text)


def patient_from_dict(data: dict[str, Any]) -> Patient:
    return Patient.model_validate(data)


def patient_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a patient record."""
    schema = Patient.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://alpha4.example/schema/patient/{SCHEMA_VERSION}"
    return schema


def dump_schema() -> str:
    return json.dumps(patient_json_schema(), indent=2, sort_keys=True)
