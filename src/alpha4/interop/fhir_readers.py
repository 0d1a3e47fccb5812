"""Small pure readers of FHIR R4 elements: dates, codes, texts, serostatus words, medicines.

Each answers one question of one element (the day of an Observation, the serostatus a laboratory's
words say, the natalizumab product a concept names) so that the mappers read like a table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from alpha4.domain import (
    JcvAssay,
    MedicineClass,
    Product,
    Route,
    Serostatus,
)
from alpha4.domain.partial_dates import PartialDate, parse_partial
from alpha4.knowledge import label

from . import codes as c
from .fhir_bundle import JsonDict, _Entry


# --- small readers ----------------------------------------------------------------------------
def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None  # a partial date (year or year-month): not precise enough for the rules


def _codings(concept: Any) -> list[tuple[str, str]]:
    if concept is None:
        return []
    return [(str(cd.system or ""), str(cd.code or "")) for cd in (concept.coding or [])]


def _text(concept: Any) -> str:
    if concept is None:
        return ""
    if concept.text:
        return str(concept.text)
    for cd in concept.coding or []:
        if cd.display:
            return str(cd.display)
    return ""


def _has(concept: Any, system: str, *codes: str) -> bool:
    return any(s == system and code in codes for s, code in _codings(concept))


def _local_codes(concept: Any) -> list[str]:
    return [code for s, code in _codings(concept) if s == c.ALPHA4]


def _local_suffix(concept: Any, prefix: str) -> str | None:
    for code in _local_codes(concept):
        if code.startswith(prefix):
            return code[len(prefix) :]
    return None


def _extension(resource: Any, name: str) -> Any:
    for e in resource.extension or []:
        if e.url == c.EXT + name:
            for attr in ("valueBoolean", "valueInteger", "valueString", "valueDecimal"):
                value = getattr(e, attr, None)
                if value is not None:
                    return value
    return None


def _record_id(entry: _Entry) -> str:
    identifiers = entry.model.identifier if hasattr(entry.model, "identifier") else None
    if identifiers is not None and not isinstance(identifiers, list):
        identifiers = [identifiers]
    for ident in identifiers or []:
        if ident.system == c.RECORD_ID and ident.value:
            return str(ident.value)
    return fhir_record_id(entry.type, entry.id, entry.full_url, entry.raw)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def fhir_record_id(resource_type: str, resource_id: str | None, full_url: str | None, raw: Any) -> str:
    """alpha4's record id for a resource the EHR sent: ``Type-id`` (a FHIR id is letters, digits,
    '-' and '.'), else from the ``urn:uuid:`` fullUrl, else a digest of the resource's content.

    Record ids are URL path segments (``/patients/P/records/infusions/ID``), so they never hold '/' or
    ':'; the same resource always gets the same id, so importing a bundle again changes nothing.

    >>> fhir_record_id("MedicationAdministration", "ma-1", None, {})
    'MedicationAdministration-ma-1'
    >>> fhir_record_id("Observation", None, "urn:uuid:4b0f8a1c-2d3e-4f5a-8b9c-0d1e2f3a4b5c", {})
    'Observation-4b0f8a1c-2d3e-4f5a-8b9c-0d1e2f3a4b5c'
    >>> fhir_record_id("Observation", None, None, {"resourceType": "Observation", "status": "final"})
    'Observation-sha256-9b8e7dfb246ffdf2'
    """
    if resource_id:
        tail = resource_id
    elif full_url:
        tail = full_url.removeprefix("urn:uuid:").removeprefix("urn:oid:")
        if _UNSAFE.search(tail):
            tail = "url-" + hashlib.sha256(full_url.encode("utf-8")).hexdigest()[:16]
    else:
        canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
        tail = "sha256-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    return f"{resource_type}-{_UNSAFE.sub('-', tail)}"[:128]


_NEGATIVE_WORDS = ("not detected", "non-reactive", "nonreactive", "non reactive", "negative", "neg", "absent")


_INDETERMINATE_WORDS = ("indeterminate", "equivocal", "borderline", "inconclusive", "ind")


_POSITIVE_WORDS = ("positive", "pos", "detected", "reactive", "present")


_INTERPRETATION_CODES = {
    "POS": Serostatus.POSITIVE,
    "NEG": Serostatus.NEGATIVE,
    "IND": Serostatus.INDETERMINATE,
    "DET": Serostatus.POSITIVE,
    "ND": Serostatus.NEGATIVE,
}


def serostatus_words(text: str) -> Serostatus | None:
    """Positive / negative / indeterminate from a laboratory's words (negatives are read first, so
    "not detected" is never read as "detected").

    >>> [serostatus_words(t) for t in ("Negative", "NOT DETECTED", "Positive (index 1.2)", "Equivocal", "")]
    [<Serostatus.NEGATIVE: 'negative'>, <Serostatus.NEGATIVE: 'negative'>, <Serostatus.POSITIVE: 'positive'>, <Serostatus.INDETERMINATE: 'indeterminate'>, None]
    """
    folded = c.words(text.replace("-", " - ").replace("non - reactive", "non-reactive"))
    for status, options in (
        (Serostatus.NEGATIVE, _NEGATIVE_WORDS),
        (Serostatus.INDETERMINATE, _INDETERMINATE_WORDS),
        (Serostatus.POSITIVE, _POSITIVE_WORDS),
    ):
        if any(f" {w} " in folded for w in options):
            return status
    return None


def _qualitative(obs: Any) -> Serostatus | None:
    """Positive / negative / indeterminate from interpretation, valueCodeableConcept or valueString."""
    for concept in obs.interpretation or []:
        for _, code in _codings(concept):
            if code.upper() in _INTERPRETATION_CODES:
                return _INTERPRETATION_CODES[code.upper()]
    value = obs.valueCodeableConcept
    if value is not None:
        if _has(value, c.SNOMED, c.POSITIVE_SNOMED):
            return Serostatus.POSITIVE
        if _has(value, c.SNOMED, c.NEGATIVE_SNOMED):
            return Serostatus.NEGATIVE
    texts = [*_texts(value)] if value is not None else []
    if obs.valueString:
        texts.append(str(obs.valueString))
    texts += [t for concept in obs.interpretation or [] for t in _texts(concept)]
    for text in texts:
        status = serostatus_words(text)
        if status is not None:
            return status
    return None


def _natalizumab(concept: Any) -> Product | None:
    """Product when the concept names natalizumab (RxNorm, NDC, alpha4 product code or text)."""
    if concept is None:
        return None
    product = _local_suffix(concept, "product-")
    if product in {p.value for p in Product}:
        return Product(product)
    for text in _texts(concept):
        by_text = c.natalizumab_product(text)
        if by_text is not None:
            return by_text
    for s, code in _codings(concept):
        if s == c.RXNORM and code == c.NATALIZUMAB_RXCUI:
            return Product.TYSABRI
        if s == c.NDC and c.ndc_digits(code) in c.TYSABRI_NDC_FORMS:
            return Product.TYSABRI
    return None


def _texts(concept: Any) -> list[str]:
    """The concept's text and every coding's display (an EHR may put the brand in either)."""
    if concept is None:
        return []
    out = [str(concept.text)] if concept.text else []
    return out + [str(cd.display) for cd in concept.coding or [] if cd.display]


def _medicine_class(concept: Any, category: Any) -> tuple[MedicineClass | None, str | None]:
    """Class and RxCUI of a medicine: alpha4's category code, then RxNorm, then the name."""
    rxcui = next((code for s, code in _codings(concept) if s == c.RXNORM and code.isdigit()), None)
    explicit = _local_suffix(category, "medicine-class-") if category is not None else None
    if explicit in {m.value for m in MedicineClass}:
        return MedicineClass(str(explicit)), rxcui
    if rxcui and rxcui in c.BY_RXCUI:
        return c.BY_RXCUI[rxcui].medicine_class, rxcui
    for text in _texts(concept):
        klass = c.medicine_class_by_name(text)
        if klass is not None:
            return klass, rxcui
    return None, rxcui


def _route(concept: Any) -> Route | None:
    if concept is None:
        return None
    code = _local_suffix(concept, "route-")
    text = code or _text(concept).strip().lower()
    for r in Route:
        if text == r.value:
            return r
    return None


@dataclass(frozen=True, slots=True)
class _Concept:
    """A CodeableConcept assembled from a Medication (its code, ingredients and the reference's
    display): read by the same readers as a FHIR CodeableConcept."""

    coding: list[Any]
    text: str | None


def _summary(text: str, limit: int = 220) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_DATE_ELEMENTS = (
    "effectiveDateTime",
    "effectivePeriod",
    "onsetDateTime",
    "recordedDate",
    "occurrenceDateTime",
    "authoredOn",
    "performedDateTime",
    "performedPeriod",
    "started",
    "created",
    "date",
    "issued",
)


def _partial_of(raw: JsonDict) -> PartialDate | None:
    """The first date of a resource's date elements, at whatever precision the EHR recorded it."""
    for name in _DATE_ELEMENTS:
        value = raw.get(name)
        if isinstance(value, dict):
            value = value.get("start") or value.get("end")
        partial = parse_partial(value) if value else None
        if partial is not None:
            return partial
    return None


def _earliest(value: Any) -> dt.date | None:
    partial = parse_partial(value) if value is not None else None
    return partial.earliest if partial is not None else None


def _latest(value: Any) -> dt.date | None:
    partial = parse_partial(value) if value is not None else None
    return partial.latest if partial is not None else None


def _observation_day(m: Any) -> dt.date | None:
    """The clinically relevant day of an Observation: effectiveDateTime, effectivePeriod (its start,
    or its end when only that is given), effectiveInstant, then issued."""
    period = m.effectivePeriod
    return (
        _day(m.effectiveDateTime)
        or (_day(period.start) or _day(period.end) if period is not None else None)
        or _day(m.effectiveInstant)
        or _day(m.issued)
    )


def _has_value(m: Any) -> bool:
    values = (
        "valueQuantity",
        "valueCodeableConcept",
        "valueString",
        "valueBoolean",
        "valueInteger",
        "valueRange",
        "valueRatio",
        "valueDateTime",
    )
    if any(getattr(m, v, None) is not None for v in values):
        return True
    return any(getattr(comp, v, None) is not None for comp in m.component or [] for v in values)


def _from_alpha4(e: _Entry) -> bool:
    """True for a resource alpha4 wrote itself (it carries alpha4's record id)."""
    identifiers = getattr(e.model, "identifier", None) or []
    if not isinstance(identifiers, list):
        identifiers = [identifiers]
    return any(i.system == c.RECORD_ID for i in identifiers)


def _modifier_extensions(raw: Any) -> list[str]:
    """The urls of every modifierExtension anywhere in a resource (alpha4 knows none).

    >>> _modifier_extensions({"dosage": {"modifierExtension": [{"url": "http://x/not-given"}]}})
    ['http://x/not-given']
    """
    found: list[str] = []
    stack = [raw]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "modifierExtension" and isinstance(value, list):
                    found += [str(x.get("url")) for x in value if isinstance(x, dict)]
                elif key != "contained" and isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(x for x in item if isinstance(x, dict | list))
    return sorted(set(found))


def _deceased(m: Any) -> str | None:
    """How the EHR records the patient's death, or None (alive or not recorded)."""
    if m.deceasedDateTime is not None:
        return f"deceased on {str(m.deceasedDateTime)[:10]}"
    if m.deceasedBoolean:
        return "deceased"
    return None


def _patient_identifier(e: _Entry) -> str | None:
    for ident in e.model.identifier or []:
        if ident.system == c.PATIENT_ID and ident.value:
            return str(ident.value)
    return None


def _says_contrast(text: str) -> bool:
    """Contrast given, from a report title ("with and without contrast", "with gadolinium").

    >>> _says_contrast("MRI brain with and without contrast"), _says_contrast("MRI brain without contrast")
    (True, False)
    """
    t = " ".join(text.lower().split())
    return "gadolinium" in t or "with contrast" in t or "with and without contrast" in t or "w/ contrast" in t


def _first_identifier(e: _Entry) -> str | None:
    return next((str(i.value) for i in e.model.identifier or [] if i.value), None)


def _jcv_day(e: _Entry) -> dt.date | None:
    return _observation_day(e.model)


def _assay(method: Any) -> JcvAssay | None:
    if method is None:
        return None
    code = _local_suffix(method, "jcv-assay-")
    if code in {a.value for a in JcvAssay}:
        return JcvAssay(str(code))
    text = _text(method).lower()
    if "immunowell" in text:
        return JcvAssay.IMMUNOWELL
    if "stratify" in text:
        return JcvAssay.STRATIFY
    return None


def _stratify_status(index: float) -> Serostatus:
    """Serostatus from a STRATIFY index by the assay's own cut-offs (<0.20, 0.20-0.40, >0.40).

    >>> [_stratify_status(x).value for x in (0.1, 0.3, 0.41)]
    ['negative', 'indeterminate', 'positive']
    """
    if index < label.STRATIFY_NEGATIVE_BELOW.value:
        return Serostatus.NEGATIVE
    if index > label.STRATIFY_POSITIVE_ABOVE.value:
        return Serostatus.POSITIVE
    return Serostatus.INDETERMINATE


def _interval_weeks(request: Any) -> float | None:
    for dosage in request.dosageInstruction or []:
        timing = dosage.timing
        repeat = timing.repeat if timing is not None else None
        if repeat is None or repeat.period is None:
            continue
        factor = {"wk": 1.0, "d": 1 / 7, "mo": 52 / 12}.get(str(repeat.periodUnit))
        if factor is not None:
            return round(float(repeat.period) * factor, 2)
    return None
