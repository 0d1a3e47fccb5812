"""A patient record on every-4-week dosing with two measured troughs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

START = dt.date(2024, 1, 8)


def patient_record(trough: float = 40.0, n_infusions: int = 14, **extra: Any) -> dict[str, Any]:
    infusions = [
        {"id": f"inf-{i}", "date": (START + dt.timedelta(weeks=4 * i)).isoformat(), "dose_mg": 300}
        for i in range(n_infusions)
    ]
    last = START + dt.timedelta(weeks=4 * (n_infusions - 1))
    record: dict[str, Any] = {
        "id": "p-001",
        "birth_date": "1985-05-01",
        "sex": "female",
        "indication": {"disease": "multiple_sclerosis", "ms_course": "rrms"},
        "weights": [{"id": "w-1", "date": START.isoformat(), "weight_kg": 68.0}],
        "infusions": infusions,
        "drug_levels": [
            {
                "id": "lvl-1",
                "date": (last - dt.timedelta(weeks=4)).isoformat(),
                "concentration_ug_per_ml": trough,
            },
            {"id": "lvl-2", "date": last.isoformat(), "concentration_ug_per_ml": trough},
        ],
        "antibody_results": [{"id": "ab-1", "date": START.isoformat(), "positive": False}],
        "mri_scans": [
            {
                "id": "mri-1",
                "date": (last - dt.timedelta(weeks=20)).isoformat(),
                "new_t2_lesions": 0,
                "enlarging_t2_lesions": 0,
                "gadolinium_enhancing_lesions": 0,
            }
        ],
    }
    record.update(extra)
    return record


@pytest.fixture
def record() -> dict[str, Any]:
    return patient_record()
