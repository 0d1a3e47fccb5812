"""Indication, contraindications, combinations and special populations."""

from __future__ import annotations

import pytest

from alpha4.knowledge import EU, US
from alpha4.rules import Decision
from tests.helpers import codes, d, finding, infusions, jcv, patient, run

TREATED = {
    "infusions": infusions("2025-12-08", 6),
    "jcv_results": [jcv("2025-11-20", "negative", 0.1)],
    "mri_scans": [{"id": "m", "date": "2025-11-15"}],
}
AS_OF = d("2026-05-25")


@pytest.mark.parametrize(
    ("course", "us_ok", "eu_ok"),
    [("cis", True, False), ("rrms", True, True), ("active_spms", True, False), ("ppms", False, False)],
)
def test_ms_courses_per_profile(course: str, us_ok: bool, eu_ok: bool) -> None:
    ind = {
        "disease": "multiple_sclerosis",
        "ms_course": course,
        "ms_activity": {"rapidly_evolving_severe": True},
    }
    p = patient(indication=ind, **TREATED)
    assert ("ELIG_INDICATION_NOT_COVERED" not in codes(run(p, AS_OF, US))) is us_ok
    assert ("ELIG_INDICATION_NOT_COVERED" not in codes(run(p, AS_OF, EU))) is eu_ok


def test_eu_needs_highly_active_disease_documented() -> None:
    p = patient(indication={"disease": "multiple_sclerosis", "ms_course": "rrms"}, **TREATED)
    assert "ELIG_HIGHLY_ACTIVE_NOT_DOCUMENTED" in codes(run(p, AS_OF, EU))
    assert "ELIG_HIGHLY_ACTIVE_NOT_DOCUMENTED" not in codes(run(p, AS_OF, US))


def test_crohns_is_not_an_eu_indication_and_us_criteria_are_checked() -> None:
    p = patient(
        indication={"disease": "crohns_disease", "crohns": {"moderately_to_severely_active": True}}, **TREATED
    )
    assert "ELIG_CROHNS_NOT_INDICATED" in codes(run(p, AS_OF, EU))
    us = run(p, AS_OF, US)
    assert (
        "inadequate response to or intolerance of a TNF-a inhibitor"
        in finding(us, "ELIG_CROHNS_CRITERIA_INCOMPLETE").detail
    )
    assert "CROHNS_VEDOLIZUMAB_NOTE" in codes(us)


def test_immunosuppressant_co_medication_holds_and_interferon_holds_us_stops_eu() -> None:
    aza = [
        {"id": "aza", "name": "azathioprine", "medicine_class": "immunosuppressant", "start": "2026-04-01"}
    ]
    a = run(patient(medications=aza, **TREATED), AS_OF)
    assert "COMBINATION_IMMUNOSUPPRESSANT" in a.gate.reasons
    ifn = [
        {
            "id": "ifn",
            "name": "interferon beta-1a",
            "medicine_class": "interferon_beta",
            "start": "2025-01-01",
        }
    ]
    b = run(patient(medications=ifn, **TREATED), AS_OF)
    assert b.gate.decision.value == "hold" and "COMBINATION_INTERFERON_BETA" in b.gate.reasons
    eu = run(patient(medications=ifn, **TREATED), AS_OF, EU)
    assert eu.gate.decision.value == "stop" and "COMBINATION_INTERFERON_BETA" in eu.gate.reasons


def test_stopped_immunosuppressant_does_not_hold() -> None:
    aza = [
        {
            "id": "aza",
            "name": "azathioprine",
            "medicine_class": "immunosuppressant",
            "start": "2024-01-01",
            "end": "2025-06-01",
        }
    ]
    a = run(patient(medications=aza, **TREATED), AS_OF)
    assert "COMBINATION_IMMUNOSUPPRESSANT" not in codes(a)
    assert a.pml is not None and a.pml.group == "jcv_negative_prior_is"


def test_hypersensitivity_history_to_natalizumab() -> None:
    severe = [{"id": "h", "date": "2025-01-01", "agent": "Tysabri", "severity": "severe"}]
    assert run(patient(hypersensitivities=severe, **TREATED), AS_OF).gate.decision is Decision.STOP
    mild = [{"id": "h", "date": "2025-01-01", "agent": "natalizumab", "severity": "mild"}]
    assert "CONTRA_HYPERSENSITIVITY" in run(patient(hypersensitivities=mild, **TREATED), AS_OF).gate.reasons
    other = [{"id": "h", "date": "2025-01-01", "agent": "penicillin", "severity": "severe"}]
    assert not {"CONTRA_HYPERSENSITIVITY", "CONTRA_SERIOUS_HYPERSENSITIVITY"} & codes(
        run(patient(hypersensitivities=other, **TREATED), AS_OF)
    )


def test_compromised_immunity_holds() -> None:
    ae = [{"id": "hiv", "date": "2026-01-01", "category": "immunocompromise", "term": "HIV infection"}]
    assert "CONTRA_COMPROMISED_IMMUNITY" in run(patient(adverse_events=ae, **TREATED), AS_OF).gate.reasons


def test_opportunistic_infection_stops_in_eu_and_holds_in_us_while_active() -> None:
    ae = [
        {
            "id": "oi",
            "date": "2026-05-01",
            "category": "opportunistic_infection",
            "term": "cryptococcal meningitis",
        }
    ]
    p = patient(adverse_events=ae, **TREATED)
    assert run(p, AS_OF, EU).gate.decision is Decision.STOP
    assert run(p, AS_OF, US).gate.decision is Decision.HOLD


def test_herpes_encephalitis_stops() -> None:
    ae = [
        {
            "id": "hsv",
            "date": "2026-05-01",
            "category": "herpes_infection",
            "term": "HSV encephalitis",
            "serious": True,
        }
    ]
    assert "INFECTION_HERPES" in run(patient(adverse_events=ae, **TREATED), AS_OF).gate.reasons


@pytest.mark.parametrize(
    ("birth", "code"),
    [
        ("2008-05-26", "POP_PEDIATRIC"),
        ("2008-05-25", None),
        ("1961-05-25", "POP_OLDER_ADULT"),
        ("1961-05-26", None),
    ],
)
def test_age_boundaries(birth: str, code: str | None) -> None:
    found = codes(run(patient(birth_date=birth, **TREATED), AS_OF))
    assert {"POP_PEDIATRIC", "POP_OLDER_ADULT"} & found == ({code} if code else set())


def test_pregnancy_newly_reported_holds_then_continues_on_decision() -> None:
    preg = [{"id": "pg", "date": "2026-05-20", "status": "pregnant", "gestational_weeks": 8}]
    a = run(patient(pregnancies=preg, **TREATED), AS_OF)
    assert "POP_PREGNANCY_NEW" in a.gate.reasons
    later = dict(TREATED, infusions=infusions("2025-12-08", 7))
    b = run(patient(pregnancies=preg, **later), d("2026-06-22"))
    assert "POP_PREGNANCY" in codes(b) and "POP_PREGNANCY_NEW" not in b.gate.reasons


def test_third_trimester_exposure_asks_for_neonatal_monitoring() -> None:
    preg = [{"id": "pg", "date": "2026-01-05", "status": "pregnant", "gestational_weeks": 10}]
    a = run(
        patient(pregnancies=preg, **TREATED), AS_OF
    )  # week 28 on 2026-05-11; infusion 2026-04-27 is week 26
    assert "POP_THIRD_TRIMESTER_EXPOSURE" not in codes(a)
    more = dict(TREATED, infusions=infusions("2025-12-08", 7))
    b = run(patient(pregnancies=preg, **more), d("2026-06-01"))  # infusion 2026-05-25 is week 30
    assert "POP_THIRD_TRIMESTER_EXPOSURE" in codes(b)


def test_lactation() -> None:
    lact = [{"id": "bf", "date": "2026-05-01"}]
    a = run(patient(lactation=lact, **TREATED), AS_OF)
    assert "POP_LACTATION" in a.gate.reasons
