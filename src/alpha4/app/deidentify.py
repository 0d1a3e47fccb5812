"""De-identified patients for the analyst role: what a cohort analysis needs, nothing that names.

Kept: a pseudonymous id (HMAC of the registry id under the app's key), sex, a ten-year age band,
the indication, and each timeline record's clinical content with its date. Left out: the id, the
birth date, the site, every record's own id and ``source_ref`` (they can carry EHR or lab numbers)
and every free-text field (an MRI report, a reason, a description may name a person). Patients whose
record cannot be assessed are left out (they are listed, by pseudonym, in the patient list).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from alpha4.domain import Patient

from .security import age_band, pseudonym

FREE_TEXT = frozenset({"report", "description", "reason", "term", "drug", "agent", "name", "data"})
IDENTIFYING = frozenset({"id", "source_ref"})


def deidentified(patient: Patient, key: bytes, today: dt.date) -> dict[str, Any]:
    data = patient.model_dump(mode="json")
    out: dict[str, Any] = {
        "patient_id": pseudonym(key, patient.id),
        "sex": data["sex"],
        "age_band": age_band(patient.age_on(today)),
        "indication": {
            "disease": data["indication"]["disease"],
            "ms_course": data["indication"]["ms_course"],
        },
    }
    for kind, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out[kind] = [_scrub(item) for item in value]
    if data.get("discontinuation"):
        out["discontinuation"] = _scrub(data["discontinuation"])
    return out


def _scrub(record: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for k, v in record.items():
        if k in IDENTIFYING or k in FREE_TEXT:
            continue
        clean[k] = _scrub(v) if isinstance(v, dict) else v
    return clean
