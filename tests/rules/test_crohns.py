"""Crohn's disease stop rules (US label section 2)."""

from __future__ import annotations

import pytest

from alpha4.rules import Decision
from tests.helpers import codes, d, infusions, jcv, patient, run

CD = {
    "disease": "crohns_disease",
    "crohns": {
        "moderately_to_severely_active": True,
        "evidence_of_inflammation": True,
        "conventional_therapy_inadequate": True,
        "anti_tnf_courses": [{"drug": "infliximab", "outcome": "secondary_loss_of_response"}],
    },
}
FIRST = "2026-01-05"
BASE = {
    "indication": CD,
    "infusions": infusions(FIRST, 4),
    "jcv_results": [jcv("2025-12-20", "negative", 0.1)],
    "mri_scans": [{"id": "m", "date": "2025-12-15"}],
}


def score(day: str, value: float, index: str = "cdai") -> dict[str, object]:
    return {"id": f"s-{day}-{index}", "date": day, "index": index, "score": value}


@pytest.mark.parametrize(("week12", "stopped"), [(230, False), (231, True)])
def test_no_benefit_by_week_12_stops(week12: float, stopped: bool) -> None:
    scores = [score("2026-01-02", 300), score("2026-03-30", week12)]
    a = run(patient(crohns_scores=scores, **BASE), d("2026-04-01"))
    assert ("CROHNS_NO_BENEFIT_WEEK_12" in a.gate.reasons) is stopped


def test_hbi_response_counts_as_benefit() -> None:
    scores = [score("2026-01-02", 9, "hbi"), score("2026-03-30", 6, "hbi")]
    assert "CROHNS_NO_BENEFIT_WEEK_12" not in codes(
        run(patient(crohns_scores=scores, **BASE), d("2026-04-01"))
    )


def test_before_week_12_nothing_is_judged() -> None:
    scores = [score("2026-01-02", 300), score("2026-03-02", 299)]
    a = run(patient(crohns_scores=scores, **BASE), d("2026-03-29"))
    assert not {"CROHNS_NO_BENEFIT_WEEK_12", "CROHNS_BENEFIT_UNKNOWN"} & codes(a)


def test_no_scores_is_insufficient_data_not_benefit() -> None:
    a = run(patient(**BASE), d("2026-04-01"))
    assert "CROHNS_BENEFIT_UNKNOWN" in codes(a)


def test_steroids_not_tapered_within_six_months_stop() -> None:
    pred = [
        {
            "id": "p",
            "name": "prednisone",
            "medicine_class": "corticosteroid",
            "route": "oral",
            "start": "2025-12-01",
        }
    ]
    scores = [score("2026-01-02", 300), score("2026-03-30", 140)]
    fields = dict(BASE, infusions=infusions(FIRST, 8))
    a = run(patient(medications=pred, crohns_scores=scores, **fields), d("2026-07-06"))
    assert a.gate.decision is Decision.STOP and "CROHNS_STEROIDS_NOT_TAPERED" in a.gate.reasons
    tapered = [dict(pred[0], end="2026-06-20")]
    b = run(patient(medications=tapered, crohns_scores=scores, **fields), d("2026-07-06"))
    assert "CROHNS_STEROIDS_NOT_TAPERED" not in codes(b)


def test_more_than_three_months_of_steroids_in_a_year_after_taper() -> None:
    courses = [
        {
            "id": "p1",
            "name": "prednisone",
            "medicine_class": "corticosteroid",
            "route": "oral",
            "start": "2026-07-10",
            "end": "2026-10-15",
        }
    ]
    scores = [score("2026-01-02", 300), score("2026-03-30", 140)]
    fields = dict(BASE, infusions=infusions(FIRST, 13))
    a = run(patient(medications=courses, crohns_scores=scores, **fields), d("2026-12-21"))
    assert "CROHNS_STEROIDS_PROLONGED" in codes(a)
    short = [dict(courses[0], end="2026-09-15")]
    assert "CROHNS_STEROIDS_PROLONGED" not in codes(
        run(patient(medications=short, crohns_scores=scores, **fields), d("2026-12-21"))
    )
