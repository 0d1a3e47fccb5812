"""A FHIR ``Patient``'s name and medical record number, as alpha4's identity fields.

The name is the ``official`` (else ``usual``, else the first) ``HumanName``: its family name and
its given names joined; the MRN is the identifier typed ``MR`` (HL7 v2 table 0203), the code EHRs
use for the medical record number. Nothing here is guessed: a missing part stays ``None``.
"""

from __future__ import annotations

from typing import Any

MR_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
NAME_USES = ("official", "usual")


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _chosen_name(names: list[Any]) -> Any | None:
    for use in NAME_USES:
        found = next((n for n in names if _get(n, "use") == use), None)
        if found is not None:
            return found
    return next((n for n in names if _get(n, "use") not in ("old", "anonymous")), None)


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text[:200] or None


def _is_mrn(identifier: Any) -> bool:
    for coding in _get(_get(identifier, "type"), "coding") or []:
        if _get(coding, "code") == "MR" and _get(coding, "system") in (MR_SYSTEM, None):
            return True
    return False


def patient_identity(patient: Any) -> dict[str, str | None]:
    """``family_name``, ``given_name`` and ``mrn`` of a FHIR Patient (a model or its JSON form).

    >>> patient_identity({"name": [{"use": "official", "family": "Smith", "given": ["Jo", "Ann"]}],
    ...   "identifier": [{"type": {"coding": [{"system": MR_SYSTEM, "code": "MR"}]}, "value": "123"}]})
    {'family_name': 'Smith', 'given_name': 'Jo Ann', 'mrn': '123'}
    """
    name = _chosen_name(list(_get(patient, "name") or []))
    given = _get(name, "given") if name is not None else None
    mrn = next(
        (_get(i, "value") for i in _get(patient, "identifier") or [] if _is_mrn(i) and _get(i, "value")),
        None,
    )
    return {
        "family_name": _text(_get(name, "family")) if name is not None else None,
        "given_name": _text(" ".join(str(g) for g in given)) if given else None,
        "mrn": (_text(mrn) or "")[:64] or None,
    }


def identity_elements(family: str | None, given: str | None) -> dict[str, Any]:
    """The ``name`` element of an exported Patient (none when no name is recorded)."""
    if not family and not given:
        return {}
    name: dict[str, Any] = {"use": "official"}
    if family:
        name["family"] = family
    if given:
        name["given"] = given.split()
    return {"name": [name]}
