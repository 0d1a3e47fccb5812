"""Timelines the clinical tests share: a treated MS patient who is a clean GO in both profiles, the
all-clear checklist, and small builders for adverse events, labs and reactions.

Used by ``tests/rules/test_label_safety.py`` and ``scripts/make_clinical_cases.py`` (one definition).
"""

from __future__ import annotations

from typing import Any

from tests.helpers import infusions, jcv, lab

AS_OF = "2026-06-01"
BASE: dict[str, Any] = {
    "infusions": infusions("2025-12-08", 6),
    "jcv_results": [jcv("2026-03-01", "negative", 0.1)],
    "mri_scans": [{"id": "m", "date": "2025-11-15"}],
    "authorizations": [
        {"id": "enr", "date": "2025-12-01", "kind": "enrollment"},
        {"id": "auth", "date": "2026-05-20", "kind": "authorization"},
        {"id": "re", "date": "2026-05-20", "kind": "reassessment"},
    ],
    "labs": [
        lab("2026-05-04", "1742-6", 25, "U/L", high=40, id="alt"),
        lab("2026-05-04", "777-3", 250, "10*3/uL", low=150, high=400, id="plt"),
    ],
    "antibody_results": [{"id": "ab", "date": "2026-05-04", "positive": False}],
}
ALL_CLEAR = {
    "authorization_verified": True,
    "new_or_worsening_neurological_symptoms": False,
    "immunocompromising_condition_or_medicine": False,
    "serious_active_infection": False,
    "steroids_past_month": False,
    "pregnant_or_planning": False,
    "breastfeeding": False,
}


def ae(term: str, category: str, day: str = "2026-05-10", **kw: Any) -> dict[str, Any]:
    return {
        "id": "ae-" + "".join(c for c in term[:12] if c.isalnum()),
        "date": day,
        "category": category,
        "term": term,
        **kw,
    }


def labs(
    alt: float = 25,
    bili: float | None = None,
    alp: float | None = None,
    plt: float = 250,
    plt_low: float | None = 150,
    lymph: float | None = None,
) -> list[dict[str, Any]]:
    out = [
        lab("2026-05-04", "1742-6", alt, "U/L", high=40, id="alt"),
        lab("2026-05-04", "777-3", plt, "10*3/uL", low=plt_low, high=400, id="plt"),
    ]
    if bili is not None:
        out.append(lab("2026-05-04", "1975-2", bili, "mg/dL", high=1.2, id="bili"))
    if alp is not None:
        out.append(lab("2026-05-04", "6768-6", alp, "U/L", high=120, id="alp"))
    if lymph is not None:
        out.append(lab("2026-05-04", "26474-7", lymph, "10*3/uL", low=1.0, high=4.0, id="ly"))
    return out


def reaction(kind: str, grade: int, *manifestations: str) -> list[dict[str, Any]]:
    inf = infusions("2025-12-08", 6)
    inf[4] = {**inf[4], "reaction": {"kind": kind, "grade": grade, "manifestations": list(manifestations)}}
    return inf
