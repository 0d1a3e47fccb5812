"""Seed tests/cases/clinical/ with case files (run once per new scenario; review every answer).

    .venv/bin/python scripts/make_clinical_cases.py            # writes only files that do not exist
    .venv/bin/python scripts/clinical_case.py tests/cases/clinical/*.yaml   # review the answers

Cases: every shipped example under both profiles, and the label boundaries of issue 12 (one unit
either side) on a timeline that is otherwise a clean GO. An existing file is never overwritten:
changing an expected answer is a reviewed step (``clinical_case.py --write``).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.clinical_case import CASES, ROOT, answer, dump, run_case
from tests.helpers import infusions, jcv, lab, record
from tests.timelines import ALL_CLEAR, AS_OF, BASE, ae, labs, reaction

EXAMPLES_AS_OF = "2026-11-24"
IFN = [
    {"id": "ifn", "name": "interferon beta-1a", "medicine_class": "interferon_beta", "start": "2025-01-01"}
]
MITOXANTRONE = [
    {
        "id": "mx",
        "name": "mitoxantrone",
        "medicine_class": "antineoplastic",
        "start": "2024-01-01",
        "end": "2025-06-01",
    }
]
NEW_START = {
    "infusions": [],
    "mri_scans": [{"id": "m", "date": "2026-04-01"}],
    "authorizations": [{"id": "enr", "date": "2026-05-20", "kind": "enrollment"}],
}


def _bound(items: list[dict[str, Any]], lab_id: str, value: float, comparator: str) -> list[dict[str, Any]]:
    """``items`` with one result reported as a bound (``<50``): FHIR ``valueQuantity.comparator``."""
    return [{**x, "value": value, "comparator": comparator} if x["id"] == lab_id else x for x in items]


# name -> (changes to BASE, checklist answers or None)
BOUNDARIES: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    "baseline-clean-go": ({}, ALL_CLEAR),
    "baseline-no-checklist": ({}, None),
    "alt-at-3x-uln": ({"labs": labs(alt=120)}, ALL_CLEAR),
    "alt-above-3x-uln": ({"labs": labs(alt=121)}, ALL_CLEAR),
    "bilirubin-at-2x-uln": ({"labs": labs(bili=2.4)}, ALL_CLEAR),
    "bilirubin-above-2x-uln": ({"labs": labs(bili=2.5)}, ALL_CLEAR),
    "alp-below-2x-uln": ({"labs": labs(alp=239)}, ALL_CLEAR),
    "alp-at-2x-uln": ({"labs": labs(alp=240)}, ALL_CLEAR),
    "hys-law-stop": ({"labs": labs(alt=121, bili=2.5)}, ALL_CLEAR),
    "jaundice-not-serious-stop": ({"adverse_events": [ae("Jaundice", "other")]}, ALL_CLEAR),
    "hepatitis-not-serious-hold": ({"adverse_events": [ae("hepatitis", "liver_injury")]}, ALL_CLEAR),
    "hepatitis-serious-stop": (
        {"adverse_events": [ae("drug-induced hepatitis", "liver_injury", serious=True)]},
        ALL_CLEAR,
    ),
    "jaundice-resolved-still-stops": (
        {"adverse_events": [ae("jaundice", "liver_injury", resolved_on="2026-05-20")]},
        ALL_CLEAR,
    ),
    "hepatitis-resolved-go": (
        {"adverse_events": [ae("hepatitis", "liver_injury", resolved_on="2026-05-20")]},
        ALL_CLEAR,
    ),
    "hepatitis-a-before-natalizumab-go": (
        {
            "adverse_events": [
                ae("hepatitis A", "liver_injury", day="2010-01-01", serious=True, resolved_on="2010-03-01")
            ]
        },
        ALL_CLEAR,
    ),
    "jaundice-on-the-first-infusion-day-resolved-stop": (
        {"adverse_events": [ae("jaundice", "liver_injury", day="2025-12-08", resolved_on="2026-01-10")]},
        ALL_CLEAR,
    ),
    "jaundice-the-day-before-the-first-infusion-resolved-go": (
        {"adverse_events": [ae("jaundice", "liver_injury", day="2025-12-07", resolved_on="2026-01-10")]},
        ALL_CLEAR,
    ),
    "new-start-with-old-resolved-jaundice": (
        {
            **NEW_START,
            "adverse_events": [ae("jaundice", "liver_injury", day="2015-03-01", resolved_on="2015-05-01")],
        },
        ALL_CLEAR,
    ),
    "liver-range-missing": (
        {"labs": [lab("2026-05-04", "1742-6", 25, "U/L", id="alt"), labs()[1]]},
        ALL_CLEAR,
    ),
    "platelets-at-lower-limit": ({"labs": labs(plt=150)}, ALL_CLEAR),
    "platelets-below-lower-limit": ({"labs": labs(plt=149)}, ALL_CLEAR),
    "platelets-default-limit-75": ({"labs": labs(plt=75, plt_low=None)}, ALL_CLEAR),
    "platelets-default-limit-74": ({"labs": labs(plt=74, plt_low=None)}, ALL_CLEAR),
    "platelets-38-with-petechiae": (
        {"labs": labs(plt=38), "adverse_events": [ae("petechiae on legs", "other")]},
        ALL_CLEAR,
    ),
    "itp-diagnosed-stop": (
        {"labs": labs(plt=38), "adverse_events": [ae("immune thrombocytopenic purpura", "thrombocytopenia")]},
        ALL_CLEAR,
    ),
    "thrombocytopenia-reported-hold": (
        {"adverse_events": [ae("thrombocytopenia", "thrombocytopenia")]},
        ALL_CLEAR,
    ),
    "hypersensitivity-grade-1-stop": ({"infusions": reaction("hypersensitivity", 1, "urticaria")}, ALL_CLEAR),
    "infusion-reaction-with-wheeze-stop": (
        {"infusions": reaction("infusion_reaction", 1, "headache", "wheeze")},
        ALL_CLEAR,
    ),
    "anaphylaxis-stop": ({"infusions": reaction("anaphylaxis", 4)}, ALL_CLEAR),
    "infusion-reaction-non-allergic-go": (
        {"infusions": reaction("infusion_reaction", 2, "headache", "dizziness", "flushing", "nausea")},
        ALL_CLEAR,
    ),
    "infusion-reaction-unclassified-hold": ({"infusions": reaction("infusion_reaction", 1)}, ALL_CLEAR),
    "hsv-encephalitis-stop": ({"adverse_events": [ae("HSV encephalitis", "herpes_infection")]}, ALL_CLEAR),
    "vzv-meningitis-resolved-stop": (
        {"adverse_events": [ae("VZV meningitis", "herpes_infection", resolved_on="2026-05-30")]},
        ALL_CLEAR,
    ),
    "zoster-active-hold": (
        {"adverse_events": [ae("herpes zoster T10 dermatome", "herpes_infection")]},
        ALL_CLEAR,
    ),
    "zoster-resolved-on-as-of-go": (
        {"adverse_events": [ae("herpes zoster T10 dermatome", "herpes_infection", resolved_on="2026-06-01")]},
        ALL_CLEAR,
    ),
    "interferon-beta": ({"medications": IFN}, ALL_CLEAR),
    "active-malignancy": ({"adverse_events": [ae("breast cancer", "malignancy")]}, ALL_CLEAR),
    "basal-cell-carcinoma": (
        {"adverse_events": [ae("basal cell carcinoma of the nose", "malignancy")]},
        ALL_CLEAR,
    ),
    "hiv-immunocompromise": ({"adverse_events": [ae("HIV infection", "immunocompromise")]}, ALL_CLEAR),
    "new-start-after-mitoxantrone": (
        {**NEW_START, "prior_immunosuppressant_reported": True, "medications": MITOXANTRONE},
        ALL_CLEAR,
    ),
    "new-start-after-mitoxantrone-low-lymphocytes": (
        {
            **NEW_START,
            "prior_immunosuppressant_reported": True,
            "medications": MITOXANTRONE,
            "labs": labs(lymph=0.5),
        },
        ALL_CLEAR,
    ),
    "authorization-unanswered": ({}, {**ALL_CLEAR, "authorization_verified": None}),
    "authorization-no": ({}, {**ALL_CLEAR, "authorization_verified": False}),
    "new-start-no-enrolment-unverified": (
        {**NEW_START, "authorizations": []},
        {**ALL_CLEAR, "authorization_verified": None},
    ),
    "new-start-no-enrolment-verified-at-chair": ({**NEW_START, "authorizations": []}, ALL_CLEAR),
    "jcv-index-0.19-reported-positive": ({"jcv_results": [jcv("2026-03-01", "positive", 0.19)]}, ALL_CLEAR),
    "jcv-index-0.20-reported-positive": ({"jcv_results": [jcv("2026-03-01", "positive", 0.20)]}, ALL_CLEAR),
    "jcv-index-0.40-reported-negative": ({"jcv_results": [jcv("2026-03-01", "negative", 0.40)]}, ALL_CLEAR),
    "jcv-index-0.41-reported-negative": ({"jcv_results": [jcv("2026-03-01", "negative", 0.41)]}, ALL_CLEAR),
    "jcv-after-ivig": (
        {
            "medications": [
                {
                    "id": "iv",
                    "name": "IVIG",
                    "medicine_class": "ivig",
                    "start": "2026-04-01",
                    "end": "2026-04-05",
                }
            ],
            "jcv_results": [jcv("2026-04-20", "positive", 1.0)],
        },
        ALL_CLEAR,
    ),
    "dose-route-product": (
        {
            "infusions": [
                *infusions("2025-12-08", 4),
                {**infusions("2025-12-08", 6)[4], "dose_mg": 150},
                {**infusions("2025-12-08", 6)[5], "route": "subcutaneous", "product": "tyruko"},
            ]
        },
        ALL_CLEAR,
    ),
    "baseline-mri-3-months-old": ({**NEW_START, "mri_scans": [{"id": "m", "date": "2026-03-01"}]}, ALL_CLEAR),
    "baseline-mri-3-months-and-a-day-old": (
        {**NEW_START, "mri_scans": [{"id": "m", "date": "2026-02-28"}]},
        ALL_CLEAR,
    ),
    "pml-suspected": (
        {"adverse_events": [ae("possible PML", "pml", day="2026-04-01", confirmed=False)]},
        ALL_CLEAR,
    ),
    "pml-excluded": (
        {
            "adverse_events": [
                ae("possible PML", "pml", day="2026-04-01", confirmed=False, resolved_on="2026-05-01")
            ]
        },
        ALL_CLEAR,
    ),
    "pml-confirmed": ({"adverse_events": [ae("PML", "pml", day="2026-05-01", confirmed=True)]}, ALL_CLEAR),
}

CROHNS = {
    "indication": {
        "disease": "crohns_disease",
        "crohns": {
            "moderately_to_severely_active": True,
            "evidence_of_inflammation": True,
            "conventional_therapy_inadequate": True,
            "anti_tnf_courses": [{"drug": "infliximab", "outcome": "secondary_loss_of_response"}],
        },
    },
    "infusions": infusions("2025-06-16", 12),
    "crohns_scores": [
        {"id": "c0", "date": "2025-06-10", "index": "cdai", "score": 320},
        {"id": "c12", "date": "2025-09-08", "index": "cdai", "score": 200},
        {"id": "c40", "date": "2026-03-16", "index": "cdai", "score": 330},
    ],
}
LONG = {"infusions": infusions("2023-12-11", 32), "mri_scans": [{"id": "m", "date": "2025-11-15"}]}
YES = {q: True for q in ALL_CLEAR if q != "authorization_verified"}

BOUNDARIES.update(
    {
        "depression-monitor": ({"adverse_events": [ae("depression", "depression")]}, ALL_CLEAR),
        "antibodies-transient": (
            {
                "antibody_results": [
                    {"id": "a1", "date": "2026-01-05", "positive": True},
                    {"id": "a2", "date": "2026-03-01", "positive": False},
                ]
            },
            ALL_CLEAR,
        ),
        "antibody-test-overdue": (
            {"antibody_results": [{"id": "a1", "date": "2025-12-08", "positive": False}]},
            ALL_CLEAR,
        ),
        **{f"checklist-yes-{q.replace('_', '-')}": ({}, {**ALL_CLEAR, q: True}) for q in YES},
        "crohns-steroids-at-the-chair": (CROHNS, {**ALL_CLEAR, "steroids_past_month": True}),
        "crohns-loss-of-response": (CROHNS, ALL_CLEAR),
        "crohns-criteria-incomplete": ({**CROHNS, "indication": {"disease": "crohns_disease"}}, ALL_CLEAR),
        "ms-course-ppms": (
            {
                "indication": {
                    "disease": "multiple_sclerosis",
                    "ms_course": "ppms",
                    "ms_activity": {"despite_full_course_of_dmt": True},
                }
            },
            ALL_CLEAR,
        ),
        "ms-course-unknown": ({"indication": {"disease": "multiple_sclerosis"}}, ALL_CLEAR),
        "ms-highly-active-not-documented": (
            {"indication": {"disease": "multiple_sclerosis", "ms_course": "rrms"}},
            ALL_CLEAR,
        ),
        "serious-infection-active": ({"adverse_events": [ae("pneumonia", "serious_infection")]}, ALL_CLEAR),
        "infusion-20-days-after-the-last": (
            {
                "infusions": [
                    *infusions("2025-12-08", 5),
                    {"id": "inf-5", "date": "2026-05-12", "dose_mg": 300},
                ]
            },
            ALL_CLEAR,
        ),
        "infusion-21-days-after-the-last": (
            {
                "infusions": [
                    *infusions("2025-12-08", 5),
                    {"id": "inf-5", "date": "2026-05-11", "dose_mg": 300},
                ]
            },
            ALL_CLEAR,
        ),
        "lab-not-interpreted": (
            {"labs": [*labs(), lab("2026-05-04", "2345-7", 95, "mg/dL", id="glu")]},
            ALL_CLEAR,
        ),
        "lab-unit-not-convertible": (
            {"labs": [*labs(), lab("2026-05-04", "1920-8", 30, "mmol/L", high=40, id="ast")]},
            ALL_CLEAR,
        ),
        # reported bounds (FHIR valueQuantity.comparator) and results a check needs but cannot read
        "platelets-below-50-bound": ({"labs": _bound(labs(), "plt", 50, "<")}, ALL_CLEAR),
        "platelets-below-150-bound-at-limit": ({"labs": _bound(labs(), "plt", 150, "<")}, ALL_CLEAR),
        "platelets-below-200-bound-inconclusive": ({"labs": _bound(labs(), "plt", 200, "<")}, ALL_CLEAR),
        "platelets-above-100-bound-inconclusive": ({"labs": _bound(labs(), "plt", 100, ">")}, ALL_CLEAR),
        "platelets-above-150-bound-normal": ({"labs": _bound(labs(), "plt", 150, ">")}, ALL_CLEAR),
        "alt-above-80-bound-inconclusive": ({"labs": _bound(labs(), "alt", 80, ">")}, ALL_CLEAR),
        "alt-above-120-bound-raised": ({"labs": _bound(labs(), "alt", 120, ">")}, ALL_CLEAR),
        "alt-below-120-bound-not-raised": ({"labs": _bound(labs(), "alt", 120, "<")}, ALL_CLEAR),
        "platelets-newest-unit-unreadable": (
            {
                "labs": [
                    *labs(),
                    {**lab("2026-05-18", "777-3", 90, "cells/hpf", low=150, high=400, id="plt-new")},
                ]
            },
            ALL_CLEAR,
        ),
        "platelets-newest-absent-from-ehr": (
            {
                "labs": labs(),
                "other_records": [
                    {
                        "id": "plt-absent",
                        "date": "2026-05-18",
                        "type": "FHIR Observation (Platelets (LOINC 777-3): no result (specimen clotted))",
                        "data": {
                            "reason": "Platelets (LOINC 777-3): no result (specimen clotted)",
                            "reference": "Observation/plt-absent",
                            "loinc": "777-3",
                        },
                    }
                ],
            },
            ALL_CLEAR,
        ),
        "platelets-unreadable-older-than-a-good-count": (
            {"labs": [{**lab("2026-04-20", "777-3", 90, "cells/hpf", id="plt-old")}, *labs()]},
            ALL_CLEAR,
        ),
        # Patient.deceased[x]: nothing is planned (no infusion, no test due, no worklist entry)
        "patient-deceased-with-date": ({"death": {"date": "2026-05-20"}}, ALL_CLEAR),
        "patient-deceased-no-date": ({"death": {}}, ALL_CLEAR),
        "patient-deceased-tomorrow-in-record": ({"death": {"date": "2026-06-02"}}, ALL_CLEAR),
        "new-start-no-mri": ({**NEW_START, "mri_scans": []}, ALL_CLEAR),
        "two-years-no-benefit-risk-discussion": (LONG, ALL_CLEAR),
        "jcv-indeterminate": ({"jcv_results": [jcv("2026-03-01", "indeterminate", 0.3)]}, ALL_CLEAR),
        "jcv-seroreversion": (
            {"jcv_results": [jcv("2025-11-01", "positive", 0.9), jcv("2026-03-01", "negative", 0.1)]},
            ALL_CLEAR,
        ),
        "prior-immunosuppressant-unknown": ({"prior_immunosuppressant_reported": None}, ALL_CLEAR),
        "record-not-interpreted": (
            {
                "other_records": [
                    {
                        "id": "o1",
                        "date": "2026-05-01",
                        "type": "vaccination",
                        "data": {"vaccine": "influenza"},
                    }
                ]
            },
            ALL_CLEAR,
        ),
        "no-authorization-recorded": (
            {"authorizations": [{"id": "re", "date": "2026-05-20", "kind": "reassessment"}]},
            None,
        ),
        "discontinued-follow-up-overdue": (
            {
                "infusions": infusions("2025-01-06", 6),
                "discontinuation": {"id": "stop", "date": "2025-06-30", "reason": "patient choice"},
            },
            None,
        ),
        "mri-overdue": ({"mri_scans": [{"id": "m", "date": "2024-11-15"}]}, ALL_CLEAR),
        "reassessment-overdue": ({"authorizations": BASE["authorizations"][:2]}, ALL_CLEAR),
    }
)


def ending(days_before: int, count: int = 6, every: int = 28) -> list[dict[str, Any]]:
    """``count`` infusions every ``every`` days, the last ``days_before`` days before AS_OF."""
    last = dt.date.fromisoformat(AS_OF) - dt.timedelta(days=days_before)
    return infusions((last - dt.timedelta(days=every * (count - 1))).isoformat(), count, every)


def jcv_tested(day: str, status: str = "negative", index: float | None = 0.1) -> dict[str, Any]:
    return {"jcv_results": [jcv(day, status, index)]}


POSITIVE_LOW = [jcv("2026-03-01", "positive", 0.8)]
DISCONTINUED = {
    "infusions": infusions("2025-06-16", 6),
    "discontinuation": {"id": "stop", "date": "2025-12-01", "reason": "patient choice"},
}
CD_NEW = {**CROHNS, "infusions": infusions("2026-02-09", 4)}


def cd_scores(index: str, base: float, week12: float) -> list[dict[str, Any]]:
    return [
        {"id": "s0", "date": "2026-02-02", "index": index, "score": base},
        {"id": "s12", "date": "2026-05-04", "index": index, "score": week12},
    ]


def prednisone(start: str, end: str | None) -> list[dict[str, Any]]:
    return [
        {
            "id": "pred",
            "name": "prednisone",
            "medicine_class": "corticosteroid",
            "route": "oral",
            "start": start,
            "end": end,
        }
    ]


BOUNDARIES.update(
    {
        "infusion-due-35-days-after-the-last": ({"infusions": ending(35)}, ALL_CLEAR),
        "infusion-overdue-36-days-after-the-last": ({"infusions": ending(36)}, ALL_CLEAR),
        "gap-89-days-before-re-dosing": ({"infusions": ending(89)}, ALL_CLEAR),
        "gap-90-days-before-re-dosing": ({"infusions": ending(90)}, ALL_CLEAR),
        "jcv-positive-every-35-days": (
            {"infusions": ending(25, 17, 35), "jcv_results": POSITIVE_LOW},
            ALL_CLEAR,
        ),
        "jcv-positive-every-36-days-eid": (
            {"infusions": ending(25, 16, 36), "jcv_results": POSITIVE_LOW},
            ALL_CLEAR,
        ),
        "jcv-positive-every-84-days-eid": (
            {"infusions": ending(25, 7, 84), "jcv_results": POSITIVE_LOW},
            ALL_CLEAR,
        ),
        "jcv-positive-every-85-days": (
            {"infusions": ending(25, 7, 85), "jcv_results": POSITIVE_LOW},
            ALL_CLEAR,
        ),
        "age-exactly-18": ({"birth_date": "2008-06-01"}, ALL_CLEAR),
        "age-17-tomorrow-18": ({"birth_date": "2008-06-02"}, ALL_CLEAR),
        "age-exactly-65": ({"birth_date": "1961-06-01"}, ALL_CLEAR),
        "age-64-tomorrow-65": ({"birth_date": "1961-06-02"}, ALL_CLEAR),
        # a birth date known to the year or month only (FHIR birthDate "2008", "1961-06")
        "age-born-2008-year-only-17-or-18": (
            {"birth_date": "2008-12-31", "birth_date_precision": "year"},
            ALL_CLEAR,
        ),
        "age-born-1961-year-only-64-or-65": (
            {"birth_date": "1961-12-31", "birth_date_precision": "year"},
            ALL_CLEAR,
        ),
        "age-born-1961-06-month-only-64-or-65": (
            {"birth_date": "1961-06-30", "birth_date_precision": "month"},
            ALL_CLEAR,
        ),
        "age-born-1990-year-only-clear-adult": (
            {"birth_date": "1990-12-31", "birth_date_precision": "year"},
            ALL_CLEAR,
        ),
        "infused-at-gestational-week-28": (
            {
                "pregnancies": [
                    {"id": "preg", "date": "2026-03-30", "status": "pregnant", "gestational_weeks": 24}
                ]
            },
            ALL_CLEAR,
        ),
        "infused-at-gestational-week-27-6": (
            {
                "pregnancies": [
                    {"id": "preg", "date": "2026-03-30", "status": "pregnant", "gestational_weeks": 23.857}
                ]
            },
            ALL_CLEAR,
        ),
        "jcv-14-days-after-plasma-exchange": (
            {
                "medications": [
                    {
                        "id": "plex",
                        "name": "plasma exchange",
                        "medicine_class": "plasma_exchange",
                        "start": "2026-02-10",
                        "end": "2026-02-15",
                    }
                ]
            },
            ALL_CLEAR,
        ),
        "jcv-13-days-after-plasma-exchange": (
            {
                "medications": [
                    {
                        "id": "plex",
                        "name": "plasma exchange",
                        "medicine_class": "plasma_exchange",
                        "start": "2026-02-10",
                        "end": "2026-02-16",
                    }
                ]
            },
            ALL_CLEAR,
        ),
        "jcv-6-months-after-ivig": (
            {
                "medications": [
                    {
                        "id": "iv",
                        "name": "IVIG",
                        "medicine_class": "ivig",
                        "start": "2025-08-28",
                        "end": "2025-09-01",
                    }
                ]
            },
            ALL_CLEAR,
        ),
        "jcv-6-months-less-a-day-after-ivig": (
            {
                "medications": [
                    {
                        "id": "iv",
                        "name": "IVIG",
                        "medicine_class": "ivig",
                        "start": "2025-08-28",
                        "end": "2025-09-02",
                    }
                ]
            },
            ALL_CLEAR,
        ),
        "antibody-0.5-ug-per-ml-is-positive": (
            {
                "antibody_results": [
                    {"id": "ab", "date": "2026-05-04", "positive": False, "concentration_ug_per_ml": 0.5}
                ]
            },
            ALL_CLEAR,
        ),
        "antibody-0.49-ug-per-ml-is-negative": (
            {
                "antibody_results": [
                    {"id": "ab", "date": "2026-05-04", "positive": False, "concentration_ug_per_ml": 0.49}
                ]
            },
            ALL_CLEAR,
        ),
        "antibodies-positive-41-days-apart": (
            {
                "antibody_results": [
                    {"id": "a1", "date": "2026-03-24", "positive": True},
                    {"id": "a2", "date": "2026-05-04", "positive": True},
                ]
            },
            ALL_CLEAR,
        ),
        "antibodies-positive-42-days-apart": (
            {
                "antibody_results": [
                    {"id": "a1", "date": "2026-03-23", "positive": True},
                    {"id": "a2", "date": "2026-05-04", "positive": True},
                ]
            },
            ALL_CLEAR,
        ),
        "lymphocytes-raised-16-weeks-after-the-last-dose": (
            {
                **DISCONTINUED,
                "labs": [lab("2026-02-23", "26474-7", 5.0, "10*3/uL", low=1.0, high=4.0, id="ly")],
            },
            None,
        ),
        "lymphocytes-raised-16-weeks-and-a-day-after-the-last-dose": (
            {
                **DISCONTINUED,
                "labs": [lab("2026-02-24", "26474-7", 5.0, "10*3/uL", low=1.0, high=4.0, id="ly")],
            },
            None,
        ),
        "neutrophils-1.6-no-range": (
            {"labs": [*labs(), lab("2026-05-04", "751-8", 1.6, "10*3/uL", id="neu")]},
            ALL_CLEAR,
        ),
        "neutrophils-1.49-no-range": (
            {"labs": [*labs(), lab("2026-05-04", "751-8", 1.49, "10*3/uL", id="neu")]},
            ALL_CLEAR,
        ),
        "crohns-cdai-fall-70-at-week-12": (
            {**CD_NEW, "crohns_scores": cd_scores("cdai", 300, 230)},
            ALL_CLEAR,
        ),
        "crohns-cdai-fall-69-at-week-12": (
            {**CD_NEW, "crohns_scores": cd_scores("cdai", 300, 231)},
            ALL_CLEAR,
        ),
        "crohns-hbi-fall-3-at-week-12": ({**CD_NEW, "crohns_scores": cd_scores("hbi", 10, 7)}, ALL_CLEAR),
        "crohns-hbi-fall-2-at-week-12": ({**CD_NEW, "crohns_scores": cd_scores("hbi", 10, 8)}, ALL_CLEAR),
        "crohns-steroids-off-at-6-months": (
            {**CROHNS, "medications": prednisone("2025-05-01", "2025-12-16")},
            ALL_CLEAR,
        ),
        "crohns-steroids-off-a-day-after-6-months": (
            {**CROHNS, "medications": prednisone("2025-05-01", "2025-12-17")},
            ALL_CLEAR,
        ),
        "crohns-steroids-91-days-this-year": (
            {**CROHNS, "medications": prednisone("2026-01-10", "2026-04-10")},
            ALL_CLEAR,
        ),
        "crohns-steroids-92-days-this-year": (
            {**CROHNS, "medications": prednisone("2026-01-10", "2026-04-11")},
            ALL_CLEAR,
        ),
        "jcv-retest-due-28-days-ago": (jcv_tested("2025-11-04"), ALL_CLEAR),
        "jcv-retest-due-29-days-ago-overdue": (jcv_tested("2025-11-03"), ALL_CLEAR),
        "jcv-retest-due-in-14-days": (jcv_tested("2025-12-15"), ALL_CLEAR),
        "jcv-retest-due-in-15-days": (jcv_tested("2025-12-16"), ALL_CLEAR),
        "jcv-positive-index-1.5": ({"jcv_results": [jcv("2026-03-01", "positive", 1.5)]}, ALL_CLEAR),
        "jcv-positive-index-1.51": ({"jcv_results": [jcv("2026-03-01", "positive", 1.51)]}, ALL_CLEAR),
        "jcv-positive-index-0.9": ({"jcv_results": [jcv("2026-03-01", "positive", 0.9)]}, ALL_CLEAR),
        "jcv-positive-index-0.91": ({"jcv_results": [jcv("2026-03-01", "positive", 0.91)]}, ALL_CLEAR),
        "higher-risk-24-months": (
            {
                "infusions": infusions("2024-06-01", 27),
                "jcv_results": [jcv("2026-03-01", "positive", 1.6)],
                "authorizations": [
                    *BASE["authorizations"],
                    {"id": "brd", "date": "2026-05-25", "kind": "benefit_risk_discussion"},
                ],
            },
            ALL_CLEAR,
        ),
        "higher-risk-25-months": (
            {
                "infusions": infusions("2024-05-01", 28),
                "jcv_results": [jcv("2026-03-01", "positive", 1.6)],
                "authorizations": [
                    *BASE["authorizations"],
                    {"id": "brd", "date": "2026-05-25", "kind": "benefit_risk_discussion"},
                ],
            },
            ALL_CLEAR,
        ),
        "exposure-72-infusions": ({"infusions": ending(28, 72)}, ALL_CLEAR),
        "exposure-73-infusions": ({"infusions": ending(28, 73)}, ALL_CLEAR),
        "benefit-risk-discussed-14-days-before-2-years": (
            {
                **LONG,
                "authorizations": [
                    *BASE["authorizations"],
                    {"id": "brd", "date": "2025-11-27", "kind": "benefit_risk_discussion"},
                ],
            },
            ALL_CLEAR,
        ),
        "benefit-risk-discussed-15-days-before-2-years": (
            {
                **LONG,
                "authorizations": [
                    *BASE["authorizations"],
                    {"id": "brd", "date": "2025-11-26", "kind": "benefit_risk_discussion"},
                ],
            },
            ALL_CLEAR,
        ),
        "mri-suspects-pml": (
            {
                "mri_scans": [
                    {"id": "m0", "date": "2025-11-15"},
                    {"id": "m1", "date": "2026-04-01", "pml_suspected": True},
                ]
            },
            ALL_CLEAR,
        ),
        "mri-pml-suspicion-excluded-by-work-up": (
            {
                "mri_scans": [
                    {"id": "m0", "date": "2025-11-15"},
                    {"id": "m1", "date": "2026-04-01", "pml_suspected": True},
                    {"id": "m2", "date": "2026-05-01", "kind": "pml_workup", "pml_suspected": False},
                ]
            },
            ALL_CLEAR,
        ),
        "neurological-symptoms-ongoing": (
            {"adverse_events": [ae("new hemiparesis for 5 days", "neurological_symptoms")]},
            ALL_CLEAR,
        ),
        "neurological-symptoms-resolved": (
            {
                "adverse_events": [
                    ae("new hemiparesis for 5 days", "neurological_symptoms", resolved_on="2026-05-20")
                ]
            },
            ALL_CLEAR,
        ),
        "checklist-one-question-open": ({}, {k: v for k, v in ALL_CLEAR.items() if k != "breastfeeding"}),
        "discontinuation-dated-after-as-of": (
            {"discontinuation": {"id": "stop", "date": "2026-06-02", "reason": "planned switch"}},
            ALL_CLEAR,
        ),
    }
)


PLEX_ON_TEST_DAY = [
    {
        "id": "plex",
        "name": "plasma exchange",
        "medicine_class": "plasma_exchange",
        "start": "2026-03-01",
        "end": "2026-03-05",
    }
]
CLEARED_UNCLASSIFIED = {
    **ALL_CLEAR,
    "clearances": [
        {
            "code": "INFUSION_REACTION_UNCLASSIFIED",
            "reason": "headache only, reviewed: not allergic",
            "prescriber": "dr-a",
        }
    ],
}
UNCLASSIFIED_14 = ending(28, 14)
UNCLASSIFIED_14[3] = {**UNCLASSIFIED_14[3], "reaction": {"kind": "infusion_reaction", "grade": 1}}
SWITCH_AT_SECOND = infusions("2025-12-08", 6)
SWITCH_AT_SECOND[1:] = [{**i, "product": "tyruko"} for i in SWITCH_AT_SECOND[1:]]
BRD = {"id": "brd", "date": "2026-05-25", "kind": "benefit_risk_discussion"}

BOUNDARIES.update(
    {
        "itp-suspected-not-confirmed": (
            {"adverse_events": [ae("ITP", "thrombocytopenia", confirmed=False)]},
            ALL_CLEAR,
        ),
        "itp-resolved-before-natalizumab": (
            {"adverse_events": [ae("ITP", "thrombocytopenia", day="2020-01-01", resolved_on="2020-06-01")]},
            ALL_CLEAR,
        ),
        "itp-on-the-first-infusion-day-resolved": (
            {"adverse_events": [ae("ITP", "thrombocytopenia", day="2025-12-08", resolved_on="2026-02-01")]},
            ALL_CLEAR,
        ),
        "pml-excluded-on-the-day": (
            {
                "adverse_events": [
                    ae("possible PML", "pml", day="2026-04-01", confirmed=False, resolved_on="2026-06-01")
                ]
            },
            ALL_CLEAR,
        ),
        "ivig-ongoing": (
            {"medications": [{"id": "iv", "name": "IVIG", "medicine_class": "ivig", "start": "2026-05-01"}]},
            ALL_CLEAR,
        ),
        "ivig-ended-6-months-ago-jcv-unusable": (
            {
                "medications": [
                    {
                        "id": "iv",
                        "name": "IVIG",
                        "medicine_class": "ivig",
                        "start": "2025-11-25",
                        "end": "2025-12-01",
                    }
                ],
                "jcv_results": [jcv("2026-01-15", "negative", 0.1)],
            },
            ALL_CLEAR,
        ),
        "jcv-indeterminate-after-negative-then-positive": (
            {
                "jcv_results": [
                    jcv("2025-06-01", "negative", 0.1),
                    jcv("2025-12-01", "positive", 0.8),
                    jcv("2026-03-01", "indeterminate", 0.3),
                ]
            },
            ALL_CLEAR,
        ),
        "jcv-immunowell-positive-low-index": (
            {"jcv_results": [jcv("2026-03-01", "positive", 0.1, "immunowell")]},
            ALL_CLEAR,
        ),
        "jcv-index-1.5-at-25-months": (
            {
                "infusions": infusions("2024-05-01", 27),
                "jcv_results": [jcv("2026-03-01", "positive", 1.5)],
                "authorizations": [*BASE["authorizations"], BRD],
            },
            ALL_CLEAR,
        ),
        "two-years-exactly-today": ({"infusions": infusions("2024-06-01", 26)}, ALL_CLEAR),
        "jcv-negative-every-42-days": ({"infusions": ending(25, 13, 42)}, ALL_CLEAR),
        "plex-started-on-the-jcv-test-day": ({"medications": PLEX_ON_TEST_DAY}, ALL_CLEAR),
        "discontinued-today": (
            {"discontinuation": {"id": "stop", "date": "2026-06-01", "reason": "patient choice"}},
            None,
        ),
        "unclassified-reaction-cleared-at-infusion-15": (
            {"infusions": UNCLASSIFIED_14},
            CLEARED_UNCLASSIFIED,
        ),
        "antibody-positive-and-negative-same-day": (
            {
                "antibody_results": [
                    {"id": "a1", "date": "2026-05-04", "positive": True},
                    {"id": "a2", "date": "2026-05-04", "positive": False},
                ]
            },
            ALL_CLEAR,
        ),
        "lymphocytes-at-the-upper-limit-on-treatment": (
            {"labs": [*labs(), lab("2026-05-04", "26474-7", 4.0, "10*3/uL", low=1.0, high=4.0, id="ly")]},
            ALL_CLEAR,
        ),
        "lymphocytes-above-the-upper-limit-on-treatment": (
            {"labs": [*labs(), lab("2026-05-04", "26474-7", 4.1, "10*3/uL", low=1.0, high=4.0, id="ly")]},
            ALL_CLEAR,
        ),
        "neutrophils-1.5-no-range": (
            {"labs": [*labs(), lab("2026-05-04", "751-8", 1.5, "10*3/uL", id="neu")]},
            ALL_CLEAR,
        ),
        "lymphocytes-at-the-upper-limit-after-16-weeks": (
            {
                **DISCONTINUED,
                "labs": [lab("2026-02-24", "26474-7", 4.0, "10*3/uL", low=1.0, high=4.0, id="ly")],
            },
            None,
        ),
        "authorization-expires-today": (
            {
                "authorizations": [
                    {"id": "enr", "date": "2025-12-01", "kind": "authorization"},
                    {"id": "re", "date": "2026-05-20", "kind": "reassessment"},
                ]
            },
            None,
        ),
        "eu-treated-after-mitoxantrone": (
            {"prior_immunosuppressant_reported": True, "medications": MITOXANTRONE},
            ALL_CLEAR,
        ),
        "new-start-lymphocytes-on-the-day-mitoxantrone-ended": (
            {
                **NEW_START,
                "prior_immunosuppressant_reported": True,
                "medications": MITOXANTRONE,
                "labs": [*labs(), lab("2025-06-01", "26474-7", 2.0, "10*3/uL", low=1.0, high=4.0, id="ly")],
            },
            ALL_CLEAR,
        ),
        "new-start-lymphocytes-at-the-lower-limit-after-mitoxantrone": (
            {
                **NEW_START,
                "prior_immunosuppressant_reported": True,
                "medications": MITOXANTRONE,
                "labs": labs(lymph=1.0),
            },
            ALL_CLEAR,
        ),
        "switch-at-the-second-infusion": ({"infusions": SWITCH_AT_SECOND}, ALL_CLEAR),
    }
)


BOUNDARIES.update(
    {
        "allergy-list-severe-natalizumab": (
            {
                "hypersensitivities": [
                    {"id": "h", "date": "2026-01-05", "agent": "natalizumab", "severity": "severe"}
                ]
            },
            ALL_CLEAR,
        ),
        "allergy-list-moderate-tysabri": (
            {
                "hypersensitivities": [
                    {"id": "h", "date": "2026-01-05", "agent": "Tysabri", "severity": "moderate"}
                ]
            },
            ALL_CLEAR,
        ),
        "allergy-list-penicillin-only": (
            {
                "hypersensitivities": [
                    {"id": "h", "date": "2026-01-05", "agent": "penicillin", "severity": "severe"}
                ]
            },
            ALL_CLEAR,
        ),
    }
)


def write(name: str, case: dict[str, Any]) -> bool:
    path = CASES / f"{name}.yaml"
    if path.exists():
        return False
    case["expected"] = answer(run_case(case))
    path.write_text(dump(case), encoding="utf-8")
    return True


def main() -> None:
    CASES.mkdir(parents=True, exist_ok=True)
    written = 0
    for example in sorted((ROOT / "examples").glob("*.json")):
        for profile in ("us", "eu"):
            written += write(
                f"example-{example.stem}-{profile}",
                {
                    "description": f"Shipped example {example.name}, {profile.upper()} profile, no checklist yet",
                    "as_of": EXAMPLES_AS_OF,
                    "profile": profile,
                    "patient_file": f"examples/{example.name}",
                },
            )
    for name, (changes, checklist) in BOUNDARIES.items():
        for profile in ("us", "eu"):
            case: dict[str, Any] = {"description": name.replace("-", " "), "as_of": AS_OF, "profile": profile}
            if checklist is not None:
                case["checklist"] = checklist
            case["patient"] = record(**{**BASE, **changes})
            written += write(f"{name}-{profile}", case)
    print(f"{written} case file(s) written to {CASES.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
