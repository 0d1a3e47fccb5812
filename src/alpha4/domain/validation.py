"""Checks a record must pass before anything is computed from it.

Pydantic checks each field's form when the record loads; these checks need more
than one field or the assessment date: codes and units, dates after ``as_of``.
They return every problem at once, each naming its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from alpha4.knowledge.plausibility import PLANNED_END_HORIZON_DAYS

from .patient import _EVENT_FIELDS, Patient
from .records import Infusion
from .units import UnitError, loinc_check_digit_ok, normalise


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def check_patient(patient: Patient, as_of: dt.date) -> list[Problem]:
    """Problems that make a record unfit to assess on ``as_of`` (empty list: fit).

    A date after ``as_of`` is refused: rules would otherwise read a future they cannot know.
    """
    problems: list[Problem] = []
    if patient.birth_date > as_of:
        problems.append(Problem("birth_date", f"{patient.birth_date} is after the assessment date {as_of}"))
    for name in _EVENT_FIELDS:
        for n, event in enumerate(getattr(patient, name)):
            if event.date > as_of:
                problems.append(
                    Problem(f"{name}[{n}].date", f"{event.date} is after the assessment date {as_of}")
                )
    if patient.discontinuation and patient.discontinuation.date > as_of:
        problems.append(Problem("discontinuation.date", f"{patient.discontinuation.date} is after {as_of}"))
    for n, lab in enumerate(patient.labs):
        if not loinc_check_digit_ok(lab.loinc):
            problems.append(
                Problem(f"labs[{n}].loinc", f"{lab.loinc!r} is not a valid LOINC code (check digit)")
            )
            continue
        try:
            normalise(lab)
        except UnitError as error:
            problems.append(Problem(f"labs[{n}].unit", str(error)))
    for n, med in enumerate(patient.medications):
        if med.start and med.start > as_of:
            problems.append(Problem(f"medications[{n}].start", f"{med.start} is after {as_of}"))
    if patient.indication.diagnosis_date and patient.indication.diagnosis_date > as_of:
        problems.append(
            Problem("indication.diagnosis_date", f"{patient.indication.diagnosis_date} is after {as_of}")
        )
    problems.extend(_planned_dates(patient, as_of))
    return problems


def _planned_dates(patient: Patient, as_of: dt.date) -> list[Problem]:
    """End dates and "valid until" may lie ahead of ``as_of``, but only within the planning horizon."""
    horizon = as_of + dt.timedelta(days=PLANNED_END_HORIZON_DAYS.value)
    dated: list[tuple[str, dt.date | None]] = [
        *((f"medications[{n}].end", m.end) for n, m in enumerate(patient.medications)),
        *((f"pregnancies[{n}].end_date", p.end_date) for n, p in enumerate(patient.pregnancies)),
        *((f"lactation[{n}].end_date", lact.end_date) for n, lact in enumerate(patient.lactation)),
        *((f"authorizations[{n}].valid_until", a.valid_until) for n, a in enumerate(patient.authorizations)),
        *((f"adverse_events[{n}].resolved_on", a.resolved_on) for n, a in enumerate(patient.adverse_events)),
    ]
    return [
        Problem(
            where, f"{day} is more than {PLANNED_END_HORIZON_DAYS.value} days after {as_of}: check the year"
        )
        for where, day in dated
        if day is not None and day > horizon
    ]


def infusion_move_problem(
    before: Infusion | None, after: Infusion, today: dt.date, *, prescriber: bool
) -> str | None:
    """Why a correction may not move an infusion's date (None: it may).

    An infusion comes into existence only through the checklist and the gate, so a correction keeps
    its date, unless a prescriber moves it (a correction always carries its reason), and never to
    ``today`` or later (that would be a new infusion that bypassed the gate).

    >>> i = Infusion(id="i1", date=dt.date(2026, 1, 5), dose_mg=300)
    >>> moved = i.model_copy(update={"date": dt.date(2026, 1, 4)})
    >>> infusion_move_problem(i, moved, dt.date(2026, 2, 1), prescriber=True) is None
    True
    >>> infusion_move_problem(i, moved, dt.date(2026, 2, 1), prescriber=False)[:40]
    "only a prescriber may move an infusion's"
    """
    if before is None or before.date == after.date:
        return None
    if after.date >= today:
        return (
            f"an infusion dated {today} or later is recorded through the checklist and the gate, "
            "not by a correction"
        )
    if not prescriber:
        return f"only a prescriber may move an infusion's date (recorded {before.date}); keep the date or ask a prescriber"
    return None


def record_change_problems(
    patient: Patient, kind: str, record: BaseModel, today: dt.date, *, prescriber: bool
) -> list[Problem]:
    """Why adding or correcting one record of ``patient`` is refused (empty list: it may be written).

    The one check every write path calls (web form, REST, command line), through the registry's
    ``add_record`` and ``correct_record``: the patient with the record in place must still be a valid
    timeline, fit to assess ``today`` (no date after it, a known unit), and an infusion keeps its
    date unless a prescriber moves it (:func:`infusion_move_problem`). Each problem names its field
    inside the record (``date``, ``unit``), as a form shows it next to the field.

    >>> from alpha4.domain.builders import ms_patient
    >>> p = ms_patient(first_infusion=dt.date(2026, 1, 5), infusions=2)
    >>> moved = p.infusions[0].model_copy(update={"date": dt.date(2026, 1, 4)})
    >>> [str(x) for x in record_change_problems(p, "infusions", moved, dt.date(2026, 3, 1), prescriber=False)]
    ["date: only a prescriber may move an infusion's date (recorded 2026-01-05); keep the date or ask a prescriber"]
    >>> record_change_problems(p, "infusions", moved, dt.date(2026, 3, 1), prescriber=True)
    []
    """
    data = patient.model_dump(mode="json")
    record_id = str(getattr(record, "id"))  # noqa: B009 (every timeline record has an id)
    single = kind not in _LIST_FIELDS
    if single:
        data[kind] = record.model_dump(mode="json")
    else:
        data[kind] = [r for r in data[kind] if r["id"] != record_id] + [record.model_dump(mode="json")]
    try:
        after = Patient.model_validate(data)
    except ValidationError as error:
        return [_relative_problem(e, kind, single) for e in error.errors()]
    if single:
        prefix = f"{kind}."
    else:
        index = next(i for i, r in enumerate(getattr(after, kind)) if r.id == record_id)
        prefix = f"{kind}[{index}]."
    problems = [
        Problem(p.field.removeprefix(prefix), p.message)
        for p in check_patient(after, today)
        if p.field.startswith(prefix)
    ]
    if isinstance(record, Infusion):
        before = next((i for i in patient.infusions if i.id == record_id), None)
        moved = infusion_move_problem(before, record, today, prescriber=prescriber)
        if moved:
            problems.append(Problem("date", moved))
    return problems


_LIST_FIELDS = frozenset(
    name for name, field in Patient.model_fields.items() if get_origin(field.annotation) in (list, tuple)
)


def _relative_problem(error: ErrorDetails, kind: str, single: bool) -> Problem:
    """A pydantic error on the patient, named inside the record (``infusions.3.dose_mg`` -> ``dose_mg``)."""
    loc = [str(p) for p in error["loc"]]
    if loc and loc[0] == kind:
        loc = loc[1:] if single else loc[2:]
    return Problem(".".join(loc) or "(record)", str(error["msg"]).removeprefix("Value error, "))
