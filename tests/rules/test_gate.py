"""The infusion gate: checklist answers, clearances, timing, observation advice."""

from __future__ import annotations

import datetime as dt

import pytest

from alpha4.domain import PreInfusionChecklist
from alpha4.rules import Decision
from tests.helpers import codes, d, infusions, jcv, patient, run
from tests.timelines import ALL_CLEAR as ALL_CLEAR_ANSWERS

ALL_NO = ALL_CLEAR_ANSWERS


def reassessments(first: str) -> list[dict[str, str]]:
    """TOUCH assessments done at 3, 6 and 12 months after the first infusion."""
    start = d(first)
    points = [start + dt.timedelta(days=round(m * 30.44)) for m in (3, 6, 12)]
    return [
        {"id": f"r{n}", "date": p.isoformat(), "kind": "reassessment"}
        for n, p in enumerate(points)
        if p <= d("2026-05-25")
    ]


def ready(count: int = 6, first: str = "2025-12-08", **fields: object) -> object:
    return patient(
        infusions=infusions(first, count),
        jcv_results=[jcv("2025-11-20", "negative", 0.1)],
        mri_scans=[{"id": "m", "date": "2025-11-15", "kind": "baseline"}],
        authorizations=[
            {"id": "a", "date": "2025-11-20", "kind": "enrollment"},
            {"id": "a2", "date": "2026-05-10", "kind": "authorization"},
            *reassessments(first),
        ],
        antibody_results=[{"id": "ab", "date": "2026-03-02", "positive": False}],
        labs=[
            {
                "id": "l1",
                "date": "2026-03-02",
                "loinc": "731-0",
                "value": 2.5,
                "unit": "10*3/uL",
                "reference_low": 1.0,
                "reference_high": 3.2,
            },
            {
                "id": "l2",
                "date": "2026-03-02",
                "loinc": "1742-6",
                "value": 20,
                "unit": "U/L",
                "reference_low": 7,
                "reference_high": 56,
            },
        ],
        **fields,
    )


def checklist(**answers: object) -> PreInfusionChecklist:
    return PreInfusionChecklist.model_validate({**ALL_NO, **answers})


def test_all_clear_goes_with_observation_advice() -> None:
    a = run(ready(), as_of=d("2026-05-25"), checklist=checklist())
    assert a.gate.decision is Decision.GO, a.gate.reasons
    assert "Infusion 7" in a.gate.observation and "60 minutes" in a.gate.observation
    assert "2 hours" in a.gate.observation


def test_observation_at_clinical_judgment_from_the_13th_infusion() -> None:
    twelve = ready(count=12, first="2025-06-30")
    a = run(twelve, as_of=d("2026-05-25"), checklist=checklist())
    assert a.gate.decision is Decision.GO, a.gate.reasons
    assert "Infusion 13" in a.gate.observation and "clinical judgment" in a.gate.observation
    eleven = ready(count=11, first="2025-07-28")
    assert "60 minutes" in run(eleven, as_of=d("2026-05-25"), checklist=checklist()).gate.observation


def test_without_checklist_questions_are_listed_but_do_not_hold() -> None:
    a = run(ready(), as_of=d("2026-05-25"))
    assert a.gate.decision is Decision.GO
    assert "CHECKLIST_PENDING" in codes(a)


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ("new_or_worsening_neurological_symptoms", "CHECKLIST_NEUROLOGICAL_SYMPTOMS"),
        ("immunocompromising_condition_or_medicine", "CHECKLIST_IMMUNOCOMPROMISE"),
        ("serious_active_infection", "CHECKLIST_SERIOUS_INFECTION"),
        ("pregnant_or_planning", "CHECKLIST_PREGNANCY"),
        ("breastfeeding", "CHECKLIST_BREASTFEEDING"),
    ],
)
def test_any_yes_holds_until_prescriber_clears(answer: str, code: str) -> None:
    a = run(ready(), as_of=d("2026-05-25"), checklist=checklist(**{answer: True}))
    assert a.gate.decision is Decision.HOLD and code in a.gate.reasons
    cleared = checklist(
        **{answer: True}, clearances=[{"code": code, "reason": "reviewed, safe", "prescriber": "Dr A"}]
    )
    assert run(ready(), as_of=d("2026-05-25"), checklist=cleared).gate.decision is Decision.GO


def test_authorization_not_verified_holds() -> None:
    a = run(ready(), as_of=d("2026-05-25"), checklist=checklist(authorization_verified=False))
    assert "CHECKLIST_AUTHORIZATION_NOT_VERIFIED" in a.gate.reasons


def test_a_stop_cannot_be_cleared() -> None:
    p = ready()
    data = p.model_dump()  # type: ignore[attr-defined]
    data["infusions"][-1]["reaction"] = {"kind": "anaphylaxis", "grade": 3, "onset_minutes": 20}
    stopped = type(p).model_validate(data)
    answers = checklist(
        clearances=[{"code": "CONTRA_SERIOUS_HYPERSENSITIVITY", "reason": "insist", "prescriber": "Dr A"}]
    )
    a = run(stopped, as_of=d("2026-05-25"), checklist=answers)
    assert a.gate.decision is Decision.STOP and "CONTRA_SERIOUS_HYPERSENSITIVITY" in a.gate.reasons
    assert not a.gate.cleared


@pytest.mark.parametrize(("days", "held"), [(20, True), (21, False)])
def test_too_soon_after_last_infusion(days: int, held: bool) -> None:
    last = d("2025-12-08") + dt.timedelta(days=5 * 28)
    a = run(ready(), as_of=last + dt.timedelta(days=days), checklist=checklist())
    assert ("INFUSION_TOO_SOON" in a.gate.reasons) is held


@pytest.mark.parametrize(("days", "held"), [(89, False), (90, True)])
def test_long_gap_before_redosing(days: int, held: bool) -> None:
    last = d("2025-12-08") + dt.timedelta(days=5 * 28)
    a = run(ready(), as_of=last + dt.timedelta(days=days), checklist=checklist())
    assert ("INFUSION_LONG_GAP" in a.gate.reasons) is held


def test_discontinued_patient_is_not_infused() -> None:
    p = ready(discontinuation={"id": "s", "date": "2026-04-01", "reason": "pregnancy planned"})
    a = run(p, as_of=d("2026-05-25"))
    assert a.gate.decision is Decision.STOP and "TREATMENT_DISCONTINUED" in a.gate.reasons
    assert a.next_infusion is None
