"""De-identified patients for the analyst role: what a cohort analysis needs, nothing that names.

Kept: a pseudonymous id (HMAC of the registry id under the app's key), sex, a ten-year age band,
the indication, and each timeline record's clinical content with its date **shifted**: every date of
one patient moves by the same secret number of days (derived from the patient's id under the app's
key, up to half a year either way), so intervals, doses per month and the order of events are exact
while no date is a real one (an exact infusion or birth-adjacent date can identify a person; HIPAA
Safe Harbor removes all dates but the year). Left out: the id, the
birth date, the site, every record's own id and ``source_ref`` (they can carry EHR or lab numbers)
and every free-text field (an MRI report, a reason, a description may name a person). Patients whose
record cannot be assessed are left out (they are listed, by pseudonym, in the patient list).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from typing import Any

from alpha4.domain import Patient

from .security import age_band, pseudonym

FREE_TEXT = frozenset({"report", "description", "reason", "term", "drug", "agent", "name", "data"})
IDENTIFYING = frozenset({"id", "source_ref"})
MAX_SHIFT_DAYS = 182
"""Dates move by -182..+182 days: enough that no date is recognisable, short enough that seasons and
calendar years stay roughly right for a cohort analysis (a de-identification choice, not clinical)."""
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_shift_days(key: bytes, patient_id: str) -> int:
    """The patient's secret, stable date shift (never 0, so no real date is shown).

    >>> k = b"k" * 32
    >>> date_shift_days(k, "GO-1") == date_shift_days(k, "GO-1")
    True
    >>> all(0 < abs(date_shift_days(k, f"P{n}")) <= MAX_SHIFT_DAYS for n in range(200))
    True
    """
    digest = hmac.new(key, b"date-shift\x00" + patient_id.encode("utf-8"), hashlib.sha256).digest()
    magnitude = 1 + int.from_bytes(digest[:4], "big") % MAX_SHIFT_DAYS
    return magnitude if digest[4] & 1 else -magnitude


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
    shift = dt.timedelta(days=date_shift_days(key, patient.id))
    for kind, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out[kind] = [_scrub(item, shift) for item in value]
    if data.get("discontinuation"):
        out["discontinuation"] = _scrub(data["discontinuation"], shift)
    return out


def _scrub(record: dict[str, Any], shift: dt.timedelta) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for k, v in record.items():
        if k in IDENTIFYING or k in FREE_TEXT:
            continue
        clean[k] = _scrub(v, shift) if isinstance(v, dict) else _shifted(v, shift)
    return clean


def _shifted(value: Any, shift: dt.timedelta) -> Any:
    """An ISO date moved by the patient's shift; any other value as it is."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        return (dt.date.fromisoformat(value) + shift).isoformat()
    if isinstance(value, list):
        return [_shifted(v, shift) for v in value]
    return value
