"""Small constructors for realistic records: used by examples, the demo cohort and tests."""

from __future__ import annotations

import datetime as dt

from .patient import Patient, Sex
from .records import Disease, Indication, Infusion, MSCourse


def infusion_series(
    first: dt.date, count: int, interval_days: int = 28, *, dose_mg: float = 300.0, prefix: str = "inf"
) -> tuple[Infusion, ...]:
    """``count`` infusions every ``interval_days`` from ``first``."""
    return tuple(
        Infusion(id=f"{prefix}-{n + 1}", date=first + dt.timedelta(days=n * interval_days), dose_mg=dose_mg)
        for n in range(count)
    )


def ms_patient(
    *,
    id: str = "p-1",
    birth_date: dt.date = dt.date(1985, 3, 14),
    sex: Sex = Sex.FEMALE,
    first_infusion: dt.date | None = None,
    interval_days: int = 28,
    infusions: int = 0,
    **fields: object,
) -> Patient:
    """A relapsing-remitting MS patient with an optional regular infusion history.

    >>> p = ms_patient(first_infusion=dt.date(2024, 1, 1), infusions=3)
    >>> [i.date.isoformat() for i in p.infusions]
    ['2024-01-01', '2024-01-29', '2024-02-26']
    """
    series = infusion_series(first_infusion, infusions, interval_days) if first_infusion else ()
    data: dict[str, object] = {
        "id": id,
        "birth_date": birth_date,
        "sex": sex,
        "indication": Indication(disease=Disease.MULTIPLE_SCLEROSIS, ms_course=MSCourse.RELAPSING_REMITTING),
        "infusions": series,
    }
    data.update(fields)
    return Patient.model_validate(data)
