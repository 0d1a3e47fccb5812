"""Small builders for rule tests: readable timelines with a fixed date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alpha4.domain import Patient
from alpha4.knowledge import US, Profile
from alpha4.rules import Assessment, assess

AS_OF = dt.date(2026, 6, 1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def record(**fields: Any) -> dict[str, Any]:
    """A minimal, valid MS record (no infusions) updated with ``fields``."""
    base: dict[str, Any] = {
        "id": "t-1",
        "birth_date": "1984-05-02",
        "sex": "female",
        "indication": {
            "disease": "multiple_sclerosis",
            "ms_course": "rrms",
            "ms_activity": {"despite_full_course_of_dmt": True},
        },
        "prior_immunosuppressant_reported": False,
    }
    base.update(fields)
    return base


def infusions(first: str, count: int, every: int = 28) -> list[dict[str, Any]]:
    start = d(first)
    return [
        {"id": f"inf-{n}", "date": (start + dt.timedelta(days=n * every)).isoformat(), "dose_mg": 300}
        for n in range(count)
    ]


def jcv(
    day: str,
    status: str,
    index: float | None = None,
    assay: str = "stratify_jcv_dxselect",
    id: str | None = None,
) -> dict[str, Any]:
    return {"id": id or f"jcv-{day}", "date": day, "assay": assay, "serostatus": status, "index": index}


def lab(
    day: str,
    loinc: str,
    value: float,
    unit: str,
    low: float | None = None,
    high: float | None = None,
    id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": id or f"lab-{loinc}-{day}",
        "date": day,
        "loinc": loinc,
        "value": value,
        "unit": unit,
        "reference_low": low,
        "reference_high": high,
    }


def patient(**fields: Any) -> Patient:
    return Patient.model_validate(record(**fields))


def run(p: Patient, as_of: dt.date = AS_OF, profile: Profile = US, **kw: Any) -> Assessment:
    return assess(p, as_of, profile, **kw)


def codes(a: Assessment) -> set[str]:
    return {f.code for f in a.findings}


def finding(a: Assessment, code: str) -> Any:
    return next(f for f in a.findings if f.code == code)
