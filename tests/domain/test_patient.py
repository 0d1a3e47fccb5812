"""The patient record: validation at the boundary, ordering, JSON round trip."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from alpha4.domain import JcvResult, Patient, load_patient
from alpha4.domain.validation import check_patient
from tests.helpers import d, record


def test_timeline_lists_are_kept_in_date_order() -> None:
    p = Patient.model_validate(
        record(
            infusions=[
                {"id": "b", "date": "2026-02-01", "dose_mg": 300},
                {"id": "a", "date": "2026-01-01", "dose_mg": 300},
            ]
        )
    )
    assert [i.id for i in p.infusions] == ["a", "b"]


def test_record_ids_are_unique() -> None:
    with pytest.raises(ValidationError, match="used twice"):
        Patient.model_validate(
            record(
                infusions=[{"id": "x", "date": "2026-01-01", "dose_mg": 300}],
                labs=[{"id": "x", "date": "2026-01-01", "loinc": "731-0", "value": 2, "unit": "10*3/uL"}],
            )
        )


def test_index_without_serostatus_is_refused() -> None:
    with pytest.raises(ValidationError, match="index given without a serostatus"):
        JcvResult.model_validate(
            {"id": "j", "date": "2026-01-01", "assay": "stratify_jcv_dxselect", "index": 0.4}
        )


def test_records_are_immutable() -> None:
    p = Patient.model_validate(record())
    with pytest.raises(ValidationError):
        p.id = "other"  # type: ignore[misc]


def test_json_round_trip() -> None:
    p = Patient.model_validate(
        record(
            infusions=[
                {
                    "id": "a",
                    "date": "2026-01-01",
                    "dose_mg": 300,
                    "reaction": {"kind": "infusion_reaction", "grade": 1},
                }
            ]
        )
    )
    assert load_patient(p.to_json()) == p


def test_dates_after_as_of_are_problems() -> None:
    p = Patient.model_validate(record(infusions=[{"id": "a", "date": "2026-03-01", "dose_mg": 300}]))
    problems = check_patient(p, d("2026-02-01"))
    assert [x.field for x in problems] == ["infusions[0].date"]


def test_well_formed_unknown_records_are_kept() -> None:
    p = Patient.model_validate(
        record(
            other_records=[
                {"id": "o", "date": "2026-01-01", "type": "ophthalmology", "data": {"note": "normal fundi"}}
            ]
        )
    )
    assert p.other_records[0].data == {"note": "normal fundi"}
