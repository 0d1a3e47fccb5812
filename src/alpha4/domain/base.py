"""Shared building blocks of the patient timeline, and the scalar types every record uses.

The domain model is the one boundary every path goes through (import, FHIR, ``assess``, REST,
forms), so its scalar types are strict: a boolean is ``true``/``false`` (never ``1`` or
``"yes"``), a number is a finite JSON number (never ``true``, ``"nan"``, ``NaN`` or ``1e999``),
and a date is an ISO ``YYYY-MM-DD`` text or a date (never a Unix timestamp) inside the
plausible range of :mod:`alpha4.knowledge.plausibility`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
)

from alpha4.knowledge.plausibility import EARLIEST_DATE, LATEST_DATE, MAX_NESTING_DEPTH, MAX_TEXT_LENGTH

RecordId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:/@-]+$"),
    Field(description="Stable identifier of the record, unique within the patient."),
]

PatientId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._-]+$"),
    Field(
        description="The patient's registry id: letters, digits, '-', '_' and '.', so it is a URL path segment"
    ),
]

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date(value: object) -> object:
    """A date, or an ISO ``YYYY-MM-DD`` text; anything else (a timestamp, a date-time) is refused."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a calendar date") from None
    raise ValueError("expected an ISO date (YYYY-MM-DD)")


def _plausible_date(value: dt.date) -> dt.date:
    if not EARLIEST_DATE.value <= value <= LATEST_DATE.value:
        raise ValueError(f"{value} is outside {EARLIEST_DATE.value}..{LATEST_DATE.value}: check the year")
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_plausible_date)]
"""A calendar date in the plausible range, from a date or ISO text only."""
Flag = Annotated[bool, Strict()]
"""A boolean: ``true`` or ``false`` only."""
Real = Annotated[float, Strict(), AllowInfNan(False)]
"""A finite number (an integer is accepted); never a boolean, a text, NaN or infinity."""
Count = Annotated[int, Strict()]
"""A whole number; never a boolean, a text or a fraction."""


def check_free_data(value: Any, depth: int = 0) -> Any:
    """Refuse non-finite numbers and over-deep nesting in free-form data (kept as JSON)."""
    if depth > MAX_NESTING_DEPTH.value:
        raise ValueError(f"nested more than {MAX_NESTING_DEPTH.value} levels deep")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("contains a number that is not finite (NaN or infinity)")
    if isinstance(value, str) and len(value) > MAX_TEXT_LENGTH.value:
        raise ValueError(f"contains a text longer than {MAX_TEXT_LENGTH.value} characters")
    if isinstance(value, dict):
        for item in value.values():
            check_free_data(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            check_free_data(item, depth + 1)
    return value


class Record(BaseModel):
    """An immutable, validated record. Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        allow_inf_nan=False,
        str_max_length=MAX_TEXT_LENGTH.value,
    )


class Event(Record):
    """A dated entry of the patient timeline."""

    id: RecordId
    date: Day
    source_ref: str | None = Field(
        default=None,
        max_length=512,
        description="Where this record came from (e.g. 'Observation/123' of an EHR), kept as evidence.",
    )

    @property
    def record_type(self) -> str:
        """The record type, as evidence names it (``Infusion``, ``LabResult`` ...)."""
        return type(self).__name__


def ends_after(start: dt.date | None, end: dt.date | None, what: str) -> None:
    """Refuse an end before its start (the same day is allowed)."""
    if start is not None and end is not None and end < start:
        raise ValueError(f"{what} ({end}) is before the start ({start})")
