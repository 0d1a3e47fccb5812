"""Crohn's disease response: remission and response over time, loss of response, steroid years."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alpha4.domain import (
    CrohnsHistory,
    CrohnsIndexKind,
    CrohnsScore,
    Disease,
    Indication,
    Medication,
    MedicineClass,
    Patient,
    Route,
)
from alpha4.domain.builders import ms_patient
from alpha4.knowledge import US
from alpha4.rules import assess
from alpha4.rules.context import Context
from alpha4.rules.response_crohns import crohns_courses, crohns_response_findings, latest_in_remission
from alpha4.synthetic import scenario_patient

START = dt.date(2024, 1, 8)


def cd_patient(scores: list[tuple[int, str, float]], **fields: Any) -> Patient:
    """Crohn's patient on treatment from START; ``scores`` as (day offset, index, value)."""
    base = ms_patient(first_infusion=START, infusions=30)
    return Patient.model_validate(
        {
            **base.model_dump(),
            "indication": Indication(
                disease=Disease.CROHNS_DISEASE,
                crohns=CrohnsHistory(moderately_to_severely_active=True),
            ),
            "crohns_scores": [
                CrohnsScore(id=f"s{n}", date=START + dt.timedelta(days=d), index=CrohnsIndexKind(i), score=v)
                for n, (d, i, v) in enumerate(scores)
            ],
            **fields,
        }
    )


def codes(p: Patient, as_of: dt.date) -> dict[str, Any]:
    return {f.code: f for f in crohns_response_findings(Context(p, as_of, US))}


def test_remission_and_response_against_baseline() -> None:
    p = cd_patient([(-3, "cdai", 320), (84, "cdai", 140), (-3, "hbi", 10), (84, "hbi", 4)])
    (cdai_course, hbi_course) = crohns_courses(p, dt.date(2024, 6, 1))
    change = cdai_course.change
    assert change is not None and (change.fall, change.response, change.response_100, change.remission) == (
        180.0,
        True,
        True,
        True,
    )
    assert hbi_course.in_remission
    f = codes(p, dt.date(2024, 6, 1))["CROHNS_RESPONSE_STATUS"]
    assert "CDAI 140" in f.detail and "remission, response (>= 100)" in f.detail
    assert {e.record_id for e in f.evidence} == {"s0", "s1", "s2", "s3"}


@pytest.mark.parametrize(("later", "response"), [(230, True), (231, False)])
def test_fall_of_exactly_70(later: float, response: bool) -> None:
    p = cd_patient([(-3, "cdai", 300), (84, "cdai", later)])
    change = crohns_courses(p, dt.date(2024, 6, 1))[0].change
    assert change is not None and change.response is response


@pytest.mark.parametrize(("latest", "remission"), [(149, True), (150, False)])
def test_remission_boundary_cdai(latest: float, remission: bool) -> None:
    p = cd_patient([(-3, "cdai", 300), (84, "cdai", latest)])
    assert latest_in_remission(p, dt.date(2024, 6, 1)) is remission


@pytest.mark.parametrize(("latest", "remission"), [(4, True), (5, False)])
def test_remission_boundary_hbi(latest: float, remission: bool) -> None:
    p = cd_patient([(-3, "hbi", 12), (84, "hbi", latest)])
    assert latest_in_remission(p, dt.date(2024, 6, 1)) is remission


def test_no_score_on_treatment_is_unknown() -> None:
    p = cd_patient([(-3, "cdai", 300)])
    assert latest_in_remission(p, dt.date(2024, 6, 1)) is None


def test_loss_of_response() -> None:
    p = cd_patient([(-3, "cdai", 320), (84, "cdai", 140), (300, "cdai", 290)])
    found = codes(p, dt.date(2025, 1, 1))
    assert "CROHNS_LOSS_OF_RESPONSE" in found
    assert found["CROHNS_LOSS_OF_RESPONSE"].severity.value == "warning"
    steady = cd_patient([(-3, "cdai", 320), (84, "cdai", 140), (300, "cdai", 160)])
    assert "CROHNS_LOSS_OF_RESPONSE" not in codes(steady, dt.date(2025, 1, 1))


def steroid(id: str, start: dt.date, end: dt.date) -> Medication:
    return Medication(
        id=id,
        name="prednisone",
        medicine_class=MedicineClass.CORTICOSTEROID,
        start=start,
        end=end,
        route=Route.ORAL,
    )


def test_more_than_3_months_of_steroids_last_calendar_year() -> None:
    p = cd_patient(
        [(-3, "cdai", 320), (84, "cdai", 140)],
        medications=[steroid("m1", dt.date(2025, 2, 1), dt.date(2025, 6, 1))],
    )
    f = codes(p, dt.date(2026, 2, 1))["CROHNS_STEROIDS_PROLONGED"]
    assert "2025" in f.detail and any(e.record_id == "m1" for e in f.evidence)
    short = cd_patient(
        [(-3, "cdai", 320)], medications=[steroid("m1", dt.date(2025, 2, 1), dt.date(2025, 4, 30))]
    )
    assert "CROHNS_STEROIDS_PROLONGED" not in codes(short, dt.date(2026, 2, 1))


def test_ms_patient_has_no_crohns_response() -> None:
    assert (
        crohns_response_findings(
            Context(ms_patient(first_infusion=START, infusions=3), dt.date(2024, 4, 1), US)
        )
        == []
    )


# --- demo scenarios: each label stop rule and remission --------------------------------------------
AS_OF = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("crohns_no_benefit", "CROHNS_NO_BENEFIT_WEEK_12"),
        ("crohns_steroids_not_tapered", "CROHNS_STEROIDS_NOT_TAPERED"),
        ("crohns_steroids_prolonged", "CROHNS_STEROIDS_PROLONGED"),
        ("crohns_remission", "CROHNS_RESPONSE_STATUS"),
    ],
)
@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2027, 2, 3)])
def test_crohns_scenarios(scenario: str, expected: str, as_of: dt.date) -> None:
    found = {f.code for f in assess(scenario_patient(scenario, as_of), as_of, US).findings}
    assert expected in found


def test_remission_scenario_is_in_remission() -> None:
    assert latest_in_remission(scenario_patient("crohns_remission", AS_OF), AS_OF) is True
