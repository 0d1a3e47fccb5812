"""FHIR R4 bundles as alpha4 receives them: the envelope, its entries, validation, errors.

Bundle handling is apart from mapping (:mod:`alpha4.interop.fhir_in`): which entries a Bundle
holds (batch-responses read through, duplicates from ``_include`` read once, a paged searchset
refused), each resource checked against the R4 models before anything reads it, and the error
and "unmapped" types every reader reports with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import BaseModel, ValidationError

from .lru import LruCache

JsonDict = dict[str, Any]


BUNDLE_TYPES = frozenset({"collection", "transaction", "searchset", "batch-response", "transaction-response"})


UNREAD_LAB = "laboratory results no alpha4 rule reads"


class FhirInputError(ValueError):
    """Input alpha4 refuses: names the resource (``Observation/123``) and the element."""

    def __init__(self, resource: str, element: str, message: str) -> None:
        self.resource = resource
        self.element = element
        self.message = message
        super().__init__(f"{resource} {element}: {message}" if element else f"{resource}: {message}")


class NoIndicationError(FhirInputError):
    """The record holds no multiple sclerosis or Crohn's disease Condition."""


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A resource alpha4 read but could not place on the timeline, and why."""

    resource_type: str
    id: str | None
    reason: str
    kind: str = ""  # a group of like records summarised on one line (e.g. UNREAD_LAB); "" stands alone

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.id or '?'}: {self.reason}"


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: comparing raw JSON is slow
class _Entry:
    full_url: str | None
    raw: JsonDict
    model: Any

    @property
    def type(self) -> str:
        return str(self.raw["resourceType"])

    @property
    def id(self) -> str | None:
        value = self.raw.get("id")
        return str(value) if value is not None else None

    @property
    def ref(self) -> str:
        return f"{self.type}/{self.id}" if self.id else (self.full_url or self.type)


# --- reading and validating -------------------------------------------------------------------
def bundle_entries(data: Any) -> tuple[list[tuple[str | None, JsonDict]], list[Unmapped]]:
    """The resources of a Bundle with their fullUrl; checks the envelope against the R4 model.

    A ``batch-response`` whose entries are searchset Bundles is read through. A resource that
    appears more than once (a searchset ``_include`` returns the Patient with every match) is one
    resource: the newest version (``meta.lastUpdated``) is kept. A searchset with a ``next`` link is
    a partial history and is refused: an assessment of part of the record can under-count exposure.
    """
    out, skipped = _entries(data, "Bundle")
    return _unique_resources(out), skipped


def _entries(data: Any, where: str) -> tuple[list[tuple[str | None, JsonDict]], list[Unmapped]]:
    if not isinstance(data, dict):
        raise FhirInputError(where, "", "not a JSON object")
    if data.get("resourceType") != "Bundle":
        raise FhirInputError(
            str(data.get("resourceType", "(no resourceType)")), "resourceType", "expected a Bundle"
        )
    kind = data.get("type")
    if kind not in BUNDLE_TYPES:
        raise FhirInputError(
            where,
            "type",
            f"{kind!r} is not a bundle type alpha4 reads ({', '.join(sorted(BUNDLE_TYPES))})",
        )
    entries = data.get("entry", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise FhirInputError(where, "entry", "must be a list of objects")
    shell = {**data, "entry": [{k: v for k, v in e.items() if k != "resource"} for e in entries]}
    try:
        Bundle.model_validate(shell)
    except ValidationError as error:
        raise FhirInputError(where, *_first_error(error)) from None
    if next_link(data) is not None:
        raise FhirInputError(
            where,
            "link",
            f"the searchset continues at {next_link(data)} (a 'next' link): this is one page of the "
            "record, and assessing part of it could under-count natalizumab exposure; fetch every page",
        )
    out: list[tuple[str | None, JsonDict]] = []
    skipped: list[Unmapped] = []
    for n, e in enumerate(entries):
        resource = e.get("resource")
        if resource is None:
            continue  # a batch-response entry without a body
        if not isinstance(resource, dict):
            raise FhirInputError(where, f"entry[{n}].resource", "not a JSON object")
        request = e.get("request") or {}
        if isinstance(request, dict) and request.get("method") == "DELETE":
            skipped.append(
                Unmapped(str(resource.get("resourceType")), resource.get("id"), "a DELETE request")
            )
            continue
        mode = (e.get("search") or {}).get("mode") if isinstance(e.get("search"), dict) else None
        if mode == "outcome" or resource.get("resourceType") == "OperationOutcome":
            skipped.append(Unmapped("OperationOutcome", resource.get("id"), _outcome_text(resource)))
            continue
        if resource.get("resourceType") == "Bundle":  # a batch-response of searches: read through
            inner, inner_skipped = _entries(resource, f"{where}.entry[{n}]")
            out += inner
            skipped += inner_skipped
            continue
        out.append((e.get("fullUrl"), resource))
    return out, skipped


def next_link(bundle: JsonDict) -> str | None:
    """The ``next`` link of a searchset page, if any."""
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next" and link.get("url"):
            return str(link["url"])
    return None


def _unique_resources(items: list[tuple[str | None, JsonDict]]) -> list[tuple[str | None, JsonDict]]:
    """One entry per ``Type/id`` (the newest ``meta.lastUpdated``, else the first); the place of the
    first occurrence is kept. Resources without an id are all kept."""
    chosen: dict[str, int] = {}
    out: list[tuple[str | None, JsonDict]] = []
    for full_url, raw in items:
        rid = raw.get("id")
        if rid is None and not full_url:
            out.append((full_url, raw))
            continue
        key = f"{raw.get('resourceType')}/{rid}" if rid is not None else str(full_url)
        if key not in chosen:
            chosen[key] = len(out)
            out.append((full_url, raw))
            continue
        place = chosen[key]
        if _updated(raw) > _updated(out[place][1]):
            out[place] = (out[place][0] or full_url, raw)
    return out


def _updated(raw: JsonDict) -> str:
    meta = raw.get("meta")
    return str(meta.get("lastUpdated") or "") if isinstance(meta, dict) else ""


def _outcome_text(resource: JsonDict) -> str:
    issues = resource.get("issue") or []
    texts = [str(i.get("diagnostics") or i.get("code") or "") for i in issues if isinstance(i, dict)]
    return "the EHR reported: " + ("; ".join(t for t in texts if t) or "an OperationOutcome")


def _first_error(error: ValidationError) -> tuple[str, str]:
    parts = []
    for e in error.errors()[:5]:
        where = ".".join(str(p) for p in e["loc"])
        parts.append((where, e["msg"]))
    element = parts[0][0] if parts else ""
    message = "; ".join(f"{w}: {m}" if w != element or i else m for i, (w, m) in enumerate(parts))
    return element, message


# Validated R4B models by the resource's exact JSON text. An EHR sends the same resources again on
# every hook call for a patient (each chart opening); validation is a pure function of the
# resource's content, so an identical resource is validated once. The models are only read.
VALIDATED: LruCache[bytes, Any] = LruCache(4096)


def validate_resource(raw: Any, where: str = "resource") -> Any:
    """The R4B model of one resource; FhirInputError naming the resource and element otherwise.

    Resources already validated with exactly this content are served from :data:`VALIDATED`.
    """
    if not isinstance(raw, dict):
        raise FhirInputError(where, "", "not a JSON object")
    rtype = raw.get("resourceType")
    ref = f"{rtype}/{raw.get('id')}" if raw.get("id") else str(rtype)
    if not isinstance(rtype, str):
        raise FhirInputError(where, "resourceType", "missing")
    try:
        model_class = get_fhir_model_class(rtype)
    except (KeyError, ValueError):
        raise FhirInputError(ref, "resourceType", f"{rtype!r} is not a FHIR R4 resource type") from None
    try:
        key = rtype.encode() + orjson.dumps(raw)
    except TypeError:
        key = None  # not plain JSON (a caller's own objects): validate, do not cache
    if key is not None:
        cached = VALIDATED.get(key)
        if cached is not None:
            return cached
    try:
        model = model_class.model_validate(raw)
    except ValidationError as error:
        element, message = _first_error(error)
        raise FhirInputError(ref, element, f"fails FHIR R4 validation: {message}") from None
    except (TypeError, ValueError, KeyError) as error:  # fhir.resources raises these for odd input
        raise FhirInputError(ref, "", f"fails FHIR R4 validation: {error}") from None
    if key is not None:
        VALIDATED.put(key, model)
    return model


# Resource types some mapper reads: each is validated against the R4 model before it is read.
READ_TYPES = frozenset(
    {
        "Patient",
        "Condition",
        "Observation",
        "MedicationAdministration",
        "MedicationStatement",
        "MedicationRequest",
        "Medication",
        "Substance",
        "AllergyIntolerance",
        "AdverseEvent",
        "DiagnosticReport",
        "ImagingStudy",
        "Procedure",
        "Task",
        "Basic",
    }
)


def read_entry(full_url: str | None, raw: Any, where: str) -> _Entry:
    """An entry of the bundle: validated when alpha4 reads its type; a type alpha4 never reads
    (Encounter, Claim, ...) is only checked to be a FHIR resource type, and is reported as unmapped.

    A chart holds hundreds of resources no rule reads; validating them would cost most of an
    assessment's time and make a malformed claim refuse a patient's safety check.
    """
    rtype = raw.get("resourceType") if isinstance(raw, dict) else None
    if isinstance(rtype, str) and rtype not in READ_TYPES and _is_resource_type(rtype):
        return _Entry(full_url, raw, None)
    return _Entry(full_url, raw, validate_resource(raw, where))


def _is_resource_type(name: str) -> bool:
    from fhir.resources.R4B import fhirtypes

    return name[:1].isupper() and name.isalnum() and hasattr(fhirtypes, name + "Type")


_PATIENT_ELEMENTS = ("subject", "patient", "for")


_NO_SUBJECT_TYPES = frozenset(
    {"Medication", "Practitioner", "PractitionerRole", "Organization", "Location", "Device", "Provenance"}
)


def _patient_reference(raw: JsonDict) -> str | None:
    """The reference of the element naming the resource's patient (subject, patient or for)."""
    for name in _PATIENT_ELEMENTS:
        ref = raw.get(name)
        if isinstance(ref, dict) and ref.get("reference"):
            return str(ref["reference"])
    return None


def _names_a_patient(raw: JsonDict) -> bool:
    """True for resource types that belong to a patient (so one without a subject cannot be placed)."""
    return str(raw.get("resourceType")) not in _NO_SUBJECT_TYPES


def _same_reference(target: str, refs: set[str]) -> bool:
    if target in refs:
        return True
    parts = target.rstrip("/").split("/")
    return len(parts) >= 2 and f"{parts[-2]}/{parts[-1]}" in refs


def is_fhir(data: Any) -> bool:
    """True when a parsed JSON document is a FHIR resource (it has ``resourceType``)."""
    return isinstance(data, dict) and "resourceType" in data


def model_json(model: BaseModel) -> JsonDict:
    out: JsonDict = json.loads(model.model_dump_json(exclude_none=True))
    return out
