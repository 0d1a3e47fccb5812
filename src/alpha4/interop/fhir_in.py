"""FHIR R4 -> alpha4: build a patient's timeline from a Bundle (or a list of resources).

Each resource is validated by the ``fhir.resources`` R4B models (wire-compatible
with R4 for the resources read here) before anything is read from it. What alpha4
maps keeps ``source_ref`` (``Observation/123``) so every finding's evidence points
back at the EHR's record. What it cannot map is returned as :class:`Unmapped`
(resource type, id, why); nothing is dropped silently. Input alpha4 cannot read
safely (not R4, failing validation, a unit UCUM cannot convert, a natalizumab
administration without a date or dose) raises :class:`FhirInputError`, naming the
resource and the element, and nothing is built.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import BaseModel, ValidationError

from alpha4.domain import (
    AdverseEvent,
    AdverseEventCategory,
    AntibodyResult,
    AntiTnfCourse,
    AntiTnfFailure,
    AuthorizationEvent,
    AuthorizationKind,
    CrohnsHistory,
    CrohnsIndexKind,
    CrohnsScore,
    Discontinuation,
    Disease,
    DrugLevel,
    EdssScore,
    HypersensitivityHistory,
    Indication,
    Infusion,
    InfusionReaction,
    JcvAssay,
    JcvResult,
    LabResult,
    LactationRecord,
    Medication,
    MedicineClass,
    MriKind,
    MriScan,
    MSActivity,
    MSCourse,
    OtherRecord,
    Patient,
    PregnancyRecord,
    PregnancyStatus,
    Product,
    ReactionKind,
    Relapse,
    Route,
    Serostatus,
    Severity,
    Sex,
    WeightRecord,
)
from alpha4.domain.units import UnitError, loinc_check_digit_ok, normalise
from alpha4.knowledge import label

from . import codes as c
from .lru import LruCache

JsonDict = dict[str, Any]

BUNDLE_TYPES = frozenset({"collection", "transaction", "searchset", "batch-response", "transaction-response"})


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

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.id or '?'}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Imported:
    patient: Patient
    unmapped: tuple[Unmapped, ...]


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
    """The resources of a Bundle with their fullUrl; checks the envelope against the R4 model."""
    if not isinstance(data, dict):
        raise FhirInputError("Bundle", "", "not a JSON object")
    if data.get("resourceType") != "Bundle":
        raise FhirInputError(
            str(data.get("resourceType", "(no resourceType)")), "resourceType", "expected a Bundle"
        )
    kind = data.get("type")
    if kind not in BUNDLE_TYPES:
        raise FhirInputError(
            "Bundle",
            "type",
            f"{kind!r} is not a bundle type alpha4 reads ({', '.join(sorted(BUNDLE_TYPES))})",
        )
    entries = data.get("entry", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise FhirInputError("Bundle", "entry", "must be a list of objects")
    shell = {**data, "entry": [{k: v for k, v in e.items() if k != "resource"} for e in entries]}
    try:
        Bundle.model_validate(shell)
    except ValidationError as error:
        raise FhirInputError("Bundle", *_first_error(error)) from None
    out: list[tuple[str | None, JsonDict]] = []
    skipped: list[Unmapped] = []
    for n, e in enumerate(entries):
        resource = e.get("resource")
        if resource is None:
            continue  # a batch-response entry without a body
        if not isinstance(resource, dict):
            raise FhirInputError("Bundle", f"entry[{n}].resource", "not a JSON object")
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
        out.append((e.get("fullUrl"), resource))
    return out, skipped


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


def bundle_to_patient(data: Any, *, patient_id: str | None = None) -> Imported:
    """Read a FHIR R4 Bundle (collection, transaction, searchset, batch-response) into a Patient.

    >>> import datetime as dt
    >>> from alpha4.domain.builders import ms_patient
    >>> from alpha4.interop.fhir_out import patient_to_bundle
    >>> p = ms_patient(first_infusion=dt.date(2024, 1, 1), infusions=2)
    >>> got = bundle_to_patient(patient_to_bundle(p))
    >>> [i.source_ref for i in got.patient.infusions], got.unmapped
    (['MedicationAdministration/inf-1', 'MedicationAdministration/inf-2'], ())
    """
    entries, skipped = bundle_entries(data)
    return resources_to_patient(entries, patient_id=patient_id, skipped=skipped)


@dataclass(frozen=True, slots=True)
class PatientFromBundle:
    """One Patient of a bundle: its timeline, or why it cannot be read (then nothing of it is)."""

    ref: str  # ``Patient/123`` (or the fullUrl), for messages
    entry: int  # the Patient's place in ``Bundle.entry`` (0-based)
    imported: Imported | None
    error: FhirInputError | None


@dataclass(frozen=True, slots=True)
class BundlePatients:
    patients: tuple[PatientFromBundle, ...]
    unmapped: tuple[Unmapped, ...]  # resources of the bundle that no patient could take


def bundle_to_patients(data: Any) -> BundlePatients:
    """Every Patient of a Bundle (e.g. a searchset of several), each read on its own.

    Each resource is validated once. A resource that fails validation rejects the patient it names
    (every patient when it names none); the other patients are still read. A bundle with one
    Patient reads exactly as :func:`bundle_to_patient`. An unreadable envelope raises.

    >>> import datetime as dt
    >>> from alpha4.domain.builders import ms_patient
    >>> from alpha4.interop.fhir_out import patients_to_bundle
    >>> a = ms_patient(first_infusion=dt.date(2024, 1, 1), infusions=2, id="A")
    >>> b = ms_patient(first_infusion=dt.date(2024, 1, 1), infusions=3, id="B")
    >>> got = bundle_to_patients(patients_to_bundle([a, b]))
    >>> [(p.imported.patient.id, len(p.imported.patient.infusions)) for p in got.patients if p.imported]
    [('A', 2), ('B', 3)]
    """
    raw_entries, skipped = bundle_entries(data)
    entries: list[_Entry] = []
    places: dict[int, int] = {}  # id(entry) -> its place in Bundle.entry
    bad: list[tuple[int, str | None, FhirInputError]] = []  # (place, patient reference named, error)
    bad_patients: list[tuple[int, str, FhirInputError]] = []
    for n, (full_url, raw) in enumerate(raw_entries):
        try:
            entry = _Entry(full_url, raw, validate_resource(raw, f"entry[{n}]"))
        except FhirInputError as invalid:
            if raw.get("resourceType") == "Patient":
                ref = f"Patient/{raw['id']}" if raw.get("id") else (full_url or f"entry[{n}]")
                bad_patients.append((n, ref, invalid))
            else:
                bad.append((n, _patient_reference(raw), invalid))
            continue
        places[id(entry)] = n
        entries.append(entry)
    patients = [e for e in entries if e.type == "Patient"]
    if not patients and not bad_patients:
        raise bad[0][2] if bad else FhirInputError("Bundle", "entry", "no Patient resource")
    shared = len(patients) + len(bad_patients) > 1
    out: list[PatientFromBundle] = []
    for p in patients:
        refs = _refs_of(p)
        problem = next((e for _, named, e in bad if named is None or _same_reference(named, refs)), None)
        imported: Imported | None = None
        if problem is None:
            try:
                imported = _Mapper(
                    entries, None, [] if shared else list(skipped), patient=p, shared=shared
                ).run()
            except FhirInputError as mapping_error:
                problem = mapping_error
        out.append(PatientFromBundle(p.ref, places[id(p)], imported, problem))
    out.extend(PatientFromBundle(ref, n, None, e) for n, ref, e in bad_patients)
    out.sort(key=lambda x: x.entry)
    unmapped: list[Unmapped] = list(skipped) if shared else []
    if shared:
        every_ref = set().union(*(_refs_of(p) for p in patients), {ref for _, ref, _ in bad_patients})
        for e in entries:
            target = _patient_reference(e.raw)
            if e.type == "Patient":
                continue
            if target is None and _names_a_patient(e.raw):
                unmapped.append(
                    Unmapped(e.type, e.id, f"names no patient; the bundle holds {len(out)} patients")
                )
            elif target is not None and not _same_reference(target, every_ref):
                unmapped.append(Unmapped(e.type, e.id, f"names {target}, not a Patient of the bundle"))
    return BundlePatients(tuple(out), tuple(unmapped))


def resources_to_patient(
    resources: Iterable[tuple[str | None, JsonDict] | JsonDict],
    *,
    patient_id: str | None = None,
    skipped: Sequence[Unmapped] = (),
) -> Imported:
    """Build the timeline from resources (each a resource or a ``(fullUrl, resource)`` pair)."""
    entries: list[_Entry] = []
    for n, item in enumerate(resources):
        full_url, raw = item if isinstance(item, tuple) else (None, item)
        entries.append(_Entry(full_url, raw, validate_resource(raw, f"entry[{n}]")))
    return _Mapper(entries, patient_id, list(skipped)).run()


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
    if entry.id:
        return f"{entry.type}/{entry.id}"
    return entry.full_url or entry.type


_POSITIVE_WORDS = {"positive", "pos", "detected", "reactive"}
_NEGATIVE_WORDS = {"negative", "neg", "not detected", "non-reactive", "nonreactive"}
_INDETERMINATE_WORDS = {"indeterminate", "ind", "equivocal", "borderline"}


def _qualitative(obs: Any) -> Serostatus | None:
    """Positive / negative / indeterminate from interpretation, valueCodeableConcept or valueString."""
    for concept in obs.interpretation or []:
        for s, code in _codings(concept):
            if s == c.INTERPRETATION and code in ("POS", "NEG", "IND"):
                return {
                    "POS": Serostatus.POSITIVE,
                    "NEG": Serostatus.NEGATIVE,
                    "IND": Serostatus.INDETERMINATE,
                }[code]
    value = obs.valueCodeableConcept
    if value is not None:
        if _has(value, c.SNOMED, c.POSITIVE_SNOMED):
            return Serostatus.POSITIVE
        if _has(value, c.SNOMED, c.NEGATIVE_SNOMED):
            return Serostatus.NEGATIVE
    words = (_text(value) if value is not None else str(obs.valueString or "")).strip().lower()
    if words in _POSITIVE_WORDS:
        return Serostatus.POSITIVE
    if words in _NEGATIVE_WORDS:
        return Serostatus.NEGATIVE
    if words in _INDETERMINATE_WORDS:
        return Serostatus.INDETERMINATE
    return None


def _natalizumab(concept: Any) -> Product | None:
    """Product when the concept names natalizumab (RxNorm, NDC, alpha4 product code or text)."""
    if concept is None:
        return None
    product = _local_suffix(concept, "product-")
    if product in {p.value for p in Product}:
        return Product(product)
    by_text = c.natalizumab_product(_text(concept))
    if by_text is not None:
        return by_text
    for s, code in _codings(concept):
        if (s == c.RXNORM and code == c.NATALIZUMAB_RXCUI) or (s == c.NDC and code == c.TYSABRI_NDC):
            return Product.TYSABRI
    return None


def _medicine_class(concept: Any, category: Any) -> tuple[MedicineClass | None, str | None]:
    """Class and RxCUI of a medicine: alpha4's category code, then RxNorm, then the name."""
    rxcui = next((code for s, code in _codings(concept) if s == c.RXNORM and code.isdigit()), None)
    explicit = _local_suffix(category, "medicine-class-") if category is not None else None
    if explicit in {m.value for m in MedicineClass}:
        return MedicineClass(str(explicit)), rxcui
    if rxcui and rxcui in c.BY_RXCUI:
        return c.BY_RXCUI[rxcui].medicine_class, rxcui
    return c.medicine_class_by_name(_text(concept)), rxcui


def _route(concept: Any) -> Route | None:
    if concept is None:
        return None
    code = _local_suffix(concept, "route-")
    text = code or _text(concept).strip().lower()
    for r in Route:
        if text == r.value:
            return r
    return None


# --- the mapper -------------------------------------------------------------------------------
@dataclass
class _Timeline:
    lists: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    prior_is: bool | None = None
    extended_interval_weeks: float | None = None
    discontinuation: Discontinuation | None = None
    indication: list[tuple[_Entry, Indication]] = field(default_factory=list)
    ms_activity: dict[str, bool] = field(default_factory=dict)
    crohns: dict[str, bool] = field(default_factory=dict)
    anti_tnf: list[AntiTnfCourse] = field(default_factory=list)


class _Mapper:
    def __init__(
        self,
        entries: list[_Entry],
        patient_id: str | None,
        unmapped: list[Unmapped],
        *,
        patient: _Entry | None = None,
        shared: bool = False,
    ) -> None:
        self.entries = entries
        self.wanted_patient = patient_id
        self.chosen = patient
        # A bundle of several patients: the others' resources are theirs, not unmapped, and a resource
        # that names no patient cannot be placed (the caller reports it once for the bundle).
        self.shared = shared
        self.unmapped = unmapped
        self.t = _Timeline()
        self.index: dict[str, _Entry] = {}
        for e in entries:
            if e.full_url:
                self.index[e.full_url] = e
            if e.id:
                self.index[f"{e.type}/{e.id}"] = e
        self.places = {id(e): n for n, e in enumerate(entries)}
        self.consumed: set[int] = set()
        self.used_ids: set[str] = set()
        self.infusion_by_entry: dict[int, int] = {}
        self.jcv: list[_Entry] = []
        self.patient_refs: set[str] = set()

    # -- helpers --
    def place(self, e: _Entry) -> int:
        return self.places[id(e)]

    def resolve(self, reference: Any) -> _Entry | None:
        ref = getattr(reference, "reference", None)
        if not ref:
            return None
        if ref in self.index:
            return self.index[ref]
        parts = str(ref).rstrip("/").split("/")
        if len(parts) >= 2:
            return self.index.get(f"{parts[-2]}/{parts[-1]}")
        return None

    def skip(self, e: _Entry, reason: str) -> None:
        self.unmapped.append(Unmapped(e.type, e.id or e.full_url, reason))

    def rid(self, e: _Entry, suffix: str = "") -> str:
        base = _record_id(e) + suffix
        rid, n = base, 1
        while rid in self.used_ids:
            n += 1
            rid = f"{base}-{n}"
        self.used_ids.add(rid)
        return rid

    def build(self, e: _Entry, cls: type[Any], **fields: Any) -> Any:
        try:
            return cls(**fields)
        except ValidationError as error:
            element, message = _first_error(error)
            raise FhirInputError(e.ref, element, f"cannot be read as {cls.__name__}: {message}") from None

    def need_day(self, e: _Entry, element: str, *values: Any) -> dt.date:
        for v in values:
            day = _day(v)
            if day is not None:
                return day
        raise FhirInputError(e.ref, element, "a full date (YYYY-MM-DD) is required")

    def review(self, e: _Entry, day: dt.date | None, reason: str) -> None:
        """Unmapped, and kept on the timeline as an uninterpreted record (a finding shows it)."""
        self.skip(e, reason)
        if day is not None:
            self.t.lists["other_records"].append(
                self.build(
                    e,
                    OtherRecord,
                    id=self.rid(e),
                    date=day,
                    source_ref=e.ref,
                    type=f"FHIR {e.type}",
                    data={"reason": reason, "reference": e.ref},
                )
            )

    # -- run --
    def run(self) -> Imported:
        patient_entry = self.patient_entry()
        self.patient_refs = _refs_of(patient_entry)
        handlers: dict[str, Callable[[_Entry], None]] = {
            "Condition": self.condition,
            "Observation": self.observation,
            "MedicationAdministration": self.administration,
            "MedicationStatement": self.statement,
            "MedicationRequest": self.request,
            "AllergyIntolerance": self.allergy,
            "Procedure": self.procedure,
            "Task": self.task,
            "Basic": self.basic,
        }
        # Reports first (they claim their result Observations), then infusions (reactions attach to them).
        order = {"DiagnosticReport": 0, "MedicationAdministration": 1, "AdverseEvent": 2}
        for n, e in sorted(enumerate(self.entries), key=lambda x: order.get(x[1].type, 3)):
            if e is patient_entry:
                continue
            if n in self.consumed:
                continue
            if e.type == "Patient":
                if not self.shared:
                    self.skip(e, "another Patient: alpha4 reads one patient at a time")
                continue
            if not self.belongs(e):
                if not self.shared:
                    self.skip(e, "belongs to another patient")
                continue
            if e.type == "DiagnosticReport":
                self.report(e)
            elif e.type == "ImagingStudy":
                self.imaging(e)
            elif e.type == "AdverseEvent":
                self.adverse_event(e)
            elif e.type in handlers:
                handlers[e.type](e)
            elif e.type in (
                "Medication",
                "Practitioner",
                "PractitionerRole",
                "Organization",
                "Encounter",
                "Provenance",
            ):
                if not self.is_referenced(e):
                    self.skip(e, f"{e.type} is not read by alpha4")
            else:
                self.skip(e, f"{e.type} is not read by alpha4")
        self.finish_jcv()
        return Imported(self.make_patient(patient_entry), tuple(self.unmapped))

    def is_referenced(self, e: _Entry) -> bool:
        return e.type == "Medication"  # Medication resources are read through the references to them

    def patient_entry(self) -> _Entry:
        if self.chosen is not None:
            return self.chosen
        patients = [e for e in self.entries if e.type == "Patient"]
        if self.wanted_patient is not None:
            patients = [
                e
                for e in patients
                if e.id == self.wanted_patient or _patient_identifier(e) == self.wanted_patient
            ]
        if not patients:
            raise FhirInputError(
                "Bundle",
                "entry",
                "no Patient resource" + (f" {self.wanted_patient!r}" if self.wanted_patient else ""),
            )
        if len(patients) > 1:
            raise FhirInputError(
                "Bundle", "entry", f"{len(patients)} Patient resources; alpha4 reads one patient per bundle"
            )
        return patients[0]

    def belongs(self, e: _Entry) -> bool:
        target = _patient_reference(e.raw)
        if target is None:
            # No patient named: ours when the bundle holds one patient (or the type has no subject).
            return not self.shared or not _names_a_patient(e.raw)
        return _same_reference(target, self.patient_refs)

    # -- Patient --
    def make_patient(self, e: _Entry) -> Patient:
        m = e.model
        birth = _day(m.birthDate)
        if birth is None:
            raise FhirInputError(e.ref, "birthDate", "required (age-dependent rules read it)")
        sex = {"female": Sex.FEMALE, "male": Sex.MALE, "other": Sex.OTHER}.get(
            str(m.gender or ""), Sex.UNKNOWN
        )
        indication = self.make_indication()
        org = m.managingOrganization
        lists = {k: tuple(v) for k, v in self.t.lists.items()}
        try:
            return Patient.model_validate(
                {
                    "id": _patient_identifier(e) or str(e.id or _first_identifier(e) or "patient"),
                    "birth_date": birth,
                    "sex": sex,
                    "indication": indication,
                    "prior_immunosuppressant_reported": self.t.prior_is,
                    "extended_interval_weeks": self.t.extended_interval_weeks,
                    "site": str(org.display) if org is not None and org.display else None,
                    "discontinuation": self.t.discontinuation,
                    **lists,
                }
            )
        except ValidationError as error:
            element, message = _first_error(error)
            raise FhirInputError(e.ref, element, f"the timeline is not valid: {message}") from None

    def make_indication(self) -> Indication:
        if not self.t.indication:
            raise NoIndicationError(
                "Bundle",
                "Condition",
                "no multiple sclerosis or Crohn's disease Condition (SNOMED CT or ICD-10)",
            )
        e, ind = self.t.indication[0]
        for other, _ in self.t.indication[1:]:
            self.skip(other, f"a further indication Condition; alpha4 read {e.ref}")
        update: dict[str, Any] = {}
        if self.t.ms_activity and ind.disease is Disease.MULTIPLE_SCLEROSIS:
            update["ms_activity"] = MSActivity(**self.t.ms_activity)
        if (self.t.crohns or self.t.anti_tnf) and ind.disease is Disease.CROHNS_DISEASE:
            update["crohns"] = CrohnsHistory(**self.t.crohns, anti_tnf_courses=tuple(self.t.anti_tnf))
        return ind.model_copy(update=update) if update else ind

    # -- Condition --
    def condition(self, e: _Entry) -> None:
        m = e.model
        verification = _codings(m.verificationStatus)
        if any(code in ("refuted", "entered-in-error") for _, code in verification):
            self.skip(e, "verificationStatus is refuted or entered-in-error")
            return
        codings = _codings(m.code)
        local = _local_codes(m.code)
        snomed = {code for s, code in codings if s == c.SNOMED}
        icd = {code for s, code in codings if s in (c.ICD10CM, c.ICD10)}
        day = _day(m.onsetDateTime) or _day(m.recordedDate)
        category = _local_suffix(m.code, "adverse-event-")
        if snomed & {c.PML_SNOMED.code} or c.PML_ICD10 in icd:
            category = AdverseEventCategory.PML.value
        if category in {a.value for a in AdverseEventCategory}:
            self.adverse_condition(e, AdverseEventCategory(str(category)), day)
            return
        if c.LOCAL["relapse"] in local:
            severity = _local_suffix(m.severity, "severity-") if m.severity is not None else None
            self.t.lists["relapses"].append(
                self.build(
                    e,
                    Relapse,
                    id=self.rid(e),
                    date=self.need_day(e, "onset[x]", m.onsetDateTime, m.recordedDate),
                    source_ref=e.ref,
                    steroid_treated=_extension(m, "steroid-treated"),
                    severity=Severity(severity) if severity in {s.value for s in Severity} else None,
                )
            )
            return
        if c.PREGNANT_SNOMED.code in snomed:
            self.t.lists["pregnancies"].append(
                self.build(
                    e,
                    PregnancyRecord,
                    id=self.rid(e),
                    date=self.need_day(e, "onset[x]", m.onsetDateTime, m.recordedDate),
                    source_ref=e.ref,
                    status=PregnancyStatus.ENDED if m.abatementDateTime else PregnancyStatus.PREGNANT,
                    end_date=_day(m.abatementDateTime),
                )
            )
            return
        disease = None
        if (
            c.MS_SNOMED.code in snomed
            or snomed & set(c.MS_COURSE_SNOMED)
            or any(code.startswith(c.MS_ICD10_PREFIX) for code in icd)
        ):
            disease = Disease.MULTIPLE_SCLEROSIS
        elif c.CROHNS_SNOMED.code in snomed or any(code.startswith(c.CROHNS_ICD10_PREFIX) for code in icd):
            disease = Disease.CROHNS_DISEASE
        if disease is None:
            systems = sorted({s for s, _ in codings if s not in c.KNOWN_SYSTEMS})
            why = (
                f"code.coding system {', '.join(repr(s) for s in systems)} is not a code system alpha4 reads"
                if systems and not (snomed or icd)
                else "condition code not in alpha4's tables (docs/interop.md)"
            )
            self.skip(e, why)
            return
        course: MSCourse | None = None
        if disease is Disease.MULTIPLE_SCLEROSIS:
            explicit = _local_suffix(m.code, "ms-course-")
            if explicit in {x.value for x in MSCourse}:
                course = MSCourse(str(explicit))
            else:
                course = next(
                    (c.MS_COURSE_SNOMED[x] for x in sorted(snomed) if x in c.MS_COURSE_SNOMED), None
                )
                course = course or next(
                    (c.MS_COURSE_ICD10[x] for x in sorted(icd) if x in c.MS_COURSE_ICD10), None
                )
        code_list = tuple(
            f"SNOMED:{code}" if s == c.SNOMED else f"ICD10:{code}"
            for s, code in codings
            if s in (c.SNOMED, c.ICD10CM, c.ICD10)
        )
        indication = self.build(
            e,
            Indication,
            disease=disease,
            ms_course=course,
            diagnosis_date=_day(m.recordedDate) or _day(m.onsetDateTime),
            codes=code_list,
        )
        entry = (e, indication)
        if c.LOCAL["indication"] in local:
            self.t.indication.insert(0, entry)
        else:
            self.t.indication.append(entry)

    def adverse_condition(self, e: _Entry, category: AdverseEventCategory, day: dt.date | None) -> None:
        m = e.model
        if day is None:
            raise FhirInputError(
                e.ref, "onset[x]", f"a {category.value} condition needs its onset or recorded date"
            )
        verification = {code for _, code in _codings(m.verificationStatus)}
        serious = _extension(m, "serious")
        if serious is None:
            serious = _has(m.severity, c.SNOMED, "24484000") or category in (
                AdverseEventCategory.PML,
                AdverseEventCategory.OPPORTUNISTIC_INFECTION,
            )
        self.t.lists["adverse_events"].append(
            self.build(
                e,
                AdverseEvent,
                id=self.rid(e),
                date=day,
                source_ref=e.ref,
                category=category,
                term=_text(m.code) or category.value,
                serious=bool(serious),
                resolved_on=_day(m.abatementDateTime),
                confirmed=not (verification & {"provisional", "differential", "unconfirmed"}),
            )
        )

    # -- Observation --
    def observation(self, e: _Entry) -> None:
        m = e.model
        if m.status in ("entered-in-error", "cancelled"):
            self.skip(e, f"status {m.status}")
            return
        codings = _codings(m.code)
        loinc = {code for s, code in codings if s == c.LOINC}
        local = set(_local_codes(m.code))
        categories = {code for concept in (m.category or []) for _, code in _codings(concept)}
        day = (
            _day(m.effectiveDateTime)
            or (_day(m.effectivePeriod.start) if m.effectivePeriod else None)
            or _day(m.issued)
        )
        if loinc & {c.JCV_ANTIBODY, c.JCV_INDEX}:
            self.jcv.append(e)
            return
        if c.NATALIZUMAB_ANTIBODY in loinc:
            self.antibody(e, day)
            return
        if c.BODY_WEIGHT in loinc:
            self.weight(e)
            return
        if c.PREGNANCY_STATUS in loinc or c.HCG_URINE in loinc:
            self.pregnancy(e, c.HCG_URINE in loinc and c.PREGNANCY_STATUS not in loinc)
            return
        if c.JCV_DNA_PCR in loinc:
            self.review(
                e, day, "JC virus DNA (PCR) result: review for PML; alpha4 reads PML from a Condition"
            )
            return
        if c.EDSS_SNOMED.code in {code for s, code in codings if s == c.SNOMED} or c.LOCAL["edss"] in local:
            self.t.lists["edss_scores"].append(
                self.build(
                    e,
                    EdssScore,
                    id=self.rid(e),
                    date=self.need_day(e, "effective[x]", day),
                    source_ref=e.ref,
                    score=float(m.valueQuantity.value) if m.valueQuantity is not None else None,
                )
            )
            return
        score_kind = _local_suffix(m.code, "crohns-score-")
        if score_kind in {k.value for k in CrohnsIndexKind}:
            self.t.lists["crohns_scores"].append(
                self.build(
                    e,
                    CrohnsScore,
                    id=self.rid(e),
                    date=self.need_day(e, "effective[x]", day),
                    source_ref=e.ref,
                    index=CrohnsIndexKind(str(score_kind)),
                    score=float(m.valueQuantity.value) if m.valueQuantity is not None else None,
                )
            )
            return
        if c.LOCAL["drug-level"] in local:
            hours = next(
                (
                    float(comp.valueQuantity.value)
                    for comp in m.component or []
                    if "hours-after-dose" in _local_codes(comp.code) and comp.valueQuantity is not None
                ),
                None,
            )
            self.t.lists["drug_levels"].append(
                self.build(
                    e,
                    DrugLevel,
                    id=self.rid(e),
                    date=self.need_day(e, "effective[x]", day),
                    source_ref=e.ref,
                    concentration_ug_per_ml=self.concentration(e, m.valueQuantity),
                    hours_after_dose=hours,
                )
            )
            return
        if c.LOCAL["lactation"] in local:
            self.t.lists["lactation"].append(
                self.build(
                    e,
                    LactationRecord,
                    id=self.rid(e),
                    date=self.need_day(e, "effectivePeriod.start", day),
                    source_ref=e.ref,
                    end_date=_day(m.effectivePeriod.end) if m.effectivePeriod else None,
                )
            )
            return
        if c.LOCAL["prior-is"] in local:
            self.t.prior_is = bool(m.valueBoolean) if m.valueBoolean is not None else None
            return
        flags = {
            c.LOCAL["highly-active-despite-dmt"]: (self.t.ms_activity, "despite_full_course_of_dmt"),
            c.LOCAL["rapidly-evolving-severe"]: (self.t.ms_activity, "rapidly_evolving_severe"),
            c.LOCAL["crohns-moderate-severe"]: (self.t.crohns, "moderately_to_severely_active"),
            c.LOCAL["crohns-inflammation"]: (self.t.crohns, "evidence_of_inflammation"),
            c.LOCAL["crohns-conventional-inadequate"]: (self.t.crohns, "conventional_therapy_inadequate"),
        }
        for code, (target, name) in flags.items():
            if code in local and m.valueBoolean is not None:
                target[name] = bool(m.valueBoolean)
                return
        if local & {c.LOCAL["new-t2"], c.LOCAL["enlarging-t2"], c.LOCAL["gd-enhancing"]}:
            self.skip(e, "an MRI lesion count outside a DiagnosticReport")
            return
        if loinc and not categories & {"vital-signs", "survey", "social-history", "exam", "activity"}:
            self.lab(e, sorted(loinc)[0], day)
            return
        systems = sorted({s for s, _ in codings if s not in c.KNOWN_SYSTEMS})
        if systems and not loinc:
            self.skip(
                e,
                f"code.coding system {', '.join(repr(s) for s in systems)} is not a code system alpha4 reads",
            )
        else:
            self.skip(e, "observation code not in alpha4's tables")

    def concentration(self, e: _Entry, q: Any) -> float | None:
        if q is None or q.value is None:
            return None
        unit = str(q.code or q.unit or "")
        factor = {"ug/mL": 1.0, "mg/L": 1.0, "ng/mL": 0.001, "ug/L": 0.001}.get(unit)
        if factor is None:
            raise FhirInputError(
                e.ref,
                "valueQuantity.code",
                f"unit {unit!r} is not a mass concentration alpha4 converts (ug/mL, mg/L, ng/mL)",
            )
        return float(q.value) * factor

    def lab(self, e: _Entry, loinc: str, day: dt.date | None) -> None:
        m = e.model
        q = m.valueQuantity
        if q is None or q.value is None:
            self.skip(e, f"LOINC {loinc}: no numeric valueQuantity")
            return
        if q.system and q.system != c.UCUM:
            raise FhirInputError(e.ref, "valueQuantity.system", f"{q.system!r} is not UCUM ({c.UCUM})")
        unit = str(q.code or q.unit or "")
        if not unit:
            raise FhirInputError(e.ref, "valueQuantity.code", "a laboratory result needs its UCUM unit")
        if not loinc_check_digit_ok(loinc):
            raise FhirInputError(e.ref, "code.coding", f"{loinc!r} is not a valid LOINC code (check digit)")
        low = high = None
        for rng in m.referenceRange or []:
            low = float(rng.low.value) if rng.low is not None and rng.low.value is not None else low
            high = float(rng.high.value) if rng.high is not None and rng.high.value is not None else high
            break
        result = self.build(
            e,
            LabResult,
            id=self.rid(e),
            date=self.need_day(e, "effective[x]", day),
            source_ref=e.ref,
            loinc=loinc,
            value=float(q.value),
            unit=unit,
            reference_low=low,
            reference_high=high,
        )
        try:
            normalise(result)
        except UnitError as error:
            raise FhirInputError(e.ref, "valueQuantity.code", str(error)) from None
        self.t.lists["labs"].append(result)

    def antibody(self, e: _Entry, day: dt.date | None) -> None:
        m = e.model
        status = _qualitative(m)
        if status is None or status is Serostatus.INDETERMINATE:
            self.skip(e, "natalizumab antibody result without a positive or negative interpretation")
            return
        self.t.lists["antibody_results"].append(
            self.build(
                e,
                AntibodyResult,
                id=self.rid(e),
                date=self.need_day(e, "effective[x]", day),
                source_ref=e.ref,
                positive=status is Serostatus.POSITIVE,
                concentration_ug_per_ml=self.concentration(e, m.valueQuantity),
            )
        )

    def weight(self, e: _Entry) -> None:
        m = e.model
        q = m.valueQuantity
        if q is None or q.value is None:
            self.skip(e, "body weight without a value")
            return
        unit = str(q.code or q.unit or "")
        factor = c.WEIGHT_UNITS.get(unit)
        if factor is None:
            raise FhirInputError(
                e.ref,
                "valueQuantity.code",
                f"unit {unit!r} is not a body-weight unit alpha4 converts (kg, g, [lb_av])",
            )
        day = _day(m.effectiveDateTime) or (_day(m.effectivePeriod.start) if m.effectivePeriod else None)
        self.t.lists["weights"].append(
            self.build(
                e,
                WeightRecord,
                id=self.rid(e),
                date=self.need_day(e, "effective[x]", day),
                source_ref=e.ref,
                weight_kg=round(float(q.value) * factor, 3),
            )
        )

    def pregnancy(self, e: _Entry, hcg: bool) -> None:
        m = e.model
        status: PregnancyStatus | None = None
        value = m.valueCodeableConcept
        if value is not None and _has(value, c.SNOMED, c.PREGNANT_SNOMED.code):
            status = PregnancyStatus.PREGNANT
        elif value is not None and _has(value, c.SNOMED, c.NOT_PREGNANT_SNOMED.code):
            status = PregnancyStatus.NOT_PREGNANT
        elif value is not None and c.LOCAL["pregnancy-ended"] in _local_codes(value):
            status = PregnancyStatus.ENDED
        elif hcg:
            result = _qualitative(m)
            status = {
                Serostatus.POSITIVE: PregnancyStatus.PREGNANT,
                Serostatus.NEGATIVE: PregnancyStatus.NOT_PREGNANT,
            }.get(
                result  # type: ignore[arg-type]
            )
        if status is None:
            self.skip(e, "pregnancy status value not recognised (SNOMED 77386006 / 60001007 expected)")
            return
        weeks = end = None
        for comp in m.component or []:
            codes = _local_codes(comp.code)
            if c.LOCAL["gestational-age"] in codes and comp.valueQuantity is not None:
                q = comp.valueQuantity
                weeks = float(q.value) / 7 if (q.code or q.unit) == "d" else float(q.value)
            if "pregnancy-end-date" in codes:
                end = _day(comp.valueDateTime)
        self.t.lists["pregnancies"].append(
            self.build(
                e,
                PregnancyRecord,
                id=self.rid(e),
                date=self.need_day(e, "effective[x]", m.effectiveDateTime, m.issued),
                source_ref=e.ref,
                status=status,
                gestational_weeks=weeks,
                end_date=end,
            )
        )

    # -- JCV: serostatus and index arrive as two Observations --
    def finish_jcv(self) -> None:
        status_obs = [e for e in self.jcv if _has(e.model.code, c.LOINC, c.JCV_ANTIBODY)]
        index_obs = [e for e in self.jcv if not _has(e.model.code, c.LOINC, c.JCV_ANTIBODY)]
        paired: dict[int, _Entry] = {}
        for idx in index_obs:
            target = next(
                (self.resolve(r) for r in idx.model.derivedFrom or [] if self.resolve(r) in status_obs), None
            )
            if target is None:
                day = _jcv_day(idx)
                target = next((s for s in status_obs if _jcv_day(s) == day and id(s) not in paired), None)
            if target is not None and id(target) not in paired:
                paired[id(target)] = idx
            else:
                self.jcv_result(None, idx)
        for s in status_obs:
            self.jcv_result(s, paired.get(id(s)))

    def jcv_result(self, status_entry: _Entry | None, index_entry: _Entry | None) -> None:
        main = status_entry or index_entry
        assert main is not None
        serostatus = _qualitative(status_entry.model) if status_entry else None
        index: float | None = None
        if index_entry is not None:
            q = index_entry.model.valueQuantity
            if q is None or q.value is None:
                self.skip(index_entry, "JC virus index without a numeric value")
            else:
                index = float(q.value)
        assay = (
            _assay(main.model.method)
            or (_assay(index_entry.model.method) if index_entry else None)
            or JcvAssay.STRATIFY
        )
        if serostatus is None and index is not None:
            if index_entry is not None and _qualitative(index_entry.model) is not None:
                serostatus = _qualitative(index_entry.model)
            elif assay is JcvAssay.STRATIFY:
                serostatus = _stratify_status(index)
        if serostatus is None:
            self.skip(main, "anti-JCV result without a serostatus alpha4 can read")
            return
        self.t.lists["jcv_results"].append(
            self.build(
                main,
                JcvResult,
                id=self.rid(main),
                date=self.need_day(main, "effective[x]", _jcv_day(main)),
                source_ref=main.ref,
                assay=assay,
                serostatus=serostatus,
                index=index,
            )
        )

    # -- medicines --
    def administration(self, e: _Entry) -> None:
        m = e.model
        concept = m.medicationCodeableConcept or self.medication_concept(m.medicationReference)
        product = _natalizumab(concept)
        day = _day(m.effectiveDateTime) or (_day(m.effectivePeriod.start) if m.effectivePeriod else None)
        if product is None:
            self.other_medicine(e, concept, None, day, day, None)
            return
        if m.status not in ("completed", "in-progress"):
            self.skip(e, f"natalizumab administration with status {m.status}: not a dose given")
            return
        dose = m.dosage.dose if m.dosage is not None else None
        if dose is None or dose.value is None:
            raise FhirInputError(e.ref, "dosage.dose", "a natalizumab administration needs its dose (mg)")
        unit = str(dose.code or dose.unit or "mg")
        factor = {"mg": 1.0, "g": 1000.0}.get(unit)
        if factor is None:
            raise FhirInputError(
                e.ref, "dosage.dose.code", f"unit {unit!r} is not a mass unit alpha4 converts (mg, g)"
            )
        minutes = _extension(m, "observation-minutes")
        infusion = self.build(
            e,
            Infusion,
            id=self.rid(e),
            date=self.need_day(e, "effective[x]", day),
            source_ref=e.ref,
            dose_mg=float(dose.value) * factor,
            product=product,
            route=_route(m.dosage.route) or Route.INTRAVENOUS,
            observation_minutes=int(minutes) if minutes is not None else None,
        )
        n = self.place(e)
        self.infusion_by_entry[n] = len(self.t.lists["infusions"])
        self.t.lists["infusions"].append(infusion)

    def medication_concept(self, reference: Any) -> Any:
        target = self.resolve(reference)
        if target is not None and target.type == "Medication":
            return target.model.code
        return None

    def other_medicine(
        self,
        e: _Entry,
        concept: Any,
        category: Any,
        start: dt.date | None,
        end: dt.date | None,
        route: Route | None,
    ) -> None:
        klass, rxcui = _medicine_class(concept, category)
        name = _text(concept)
        if klass is None:
            rx = f" (RxNorm {rxcui})" if rxcui else ""
            self.skip(e, f"medicine {name or '(no name)'}{rx} is not in alpha4's ingredient table")
            return
        self.t.lists["medications"].append(
            self.build(
                e,
                Medication,
                id=self.rid(e),
                name=name or klass.value,
                medicine_class=klass,
                start=start,
                end=end,
                route=route,
                rxnorm=rxcui,
                source_ref=e.ref,
            )
        )

    def statement(self, e: _Entry) -> None:
        m = e.model
        if m.status in ("entered-in-error", "not-taken"):
            self.skip(e, f"status {m.status}")
            return
        concept = m.medicationCodeableConcept or self.medication_concept(m.medicationReference)
        period = m.effectivePeriod
        start = _day(period.start) if period else _day(m.effectiveDateTime)
        end = _day(period.end) if period else None
        if _natalizumab(concept) is not None:
            if m.status == "stopped":
                reason = (
                    "; ".join(_text(r) for r in m.statusReason or [] if _text(r)) or "natalizumab stopped"
                )
                self.t.discontinuation = self.build(
                    e,
                    Discontinuation,
                    id=self.rid(e),
                    date=self.need_day(e, "effective[x]", m.effectiveDateTime, end, m.dateAsserted),
                    source_ref=e.ref,
                    reason=reason,
                )
            else:
                self.skip(e, "natalizumab statement: infusions are read from MedicationAdministration")
            return
        if c.LOCAL["anti-tnf-course"] in _local_codes(m.category):
            outcome = next(
                (
                    x
                    for r in m.statusReason or []
                    if (x := _local_suffix(r, "anti-tnf-")) in {o.value for o in AntiTnfFailure}
                ),
                None,
            )
            if outcome is None:
                self.skip(e, "anti-TNF course without an outcome")
                return
            self.t.anti_tnf.append(
                self.build(
                    e,
                    AntiTnfCourse,
                    drug=_text(concept),
                    start=start,
                    end=end,
                    outcome=AntiTnfFailure(outcome),
                )
            )
            return
        route = _route(m.dosage[0].route) if m.dosage else None
        self.other_medicine(e, concept, m.category, start, end, route)

    def request(self, e: _Entry) -> None:
        m = e.model
        concept = m.medicationCodeableConcept or self.medication_concept(m.medicationReference)
        if m.status in ("draft", "entered-in-error", "cancelled"):
            self.skip(e, f"a {m.status} order, not a record of treatment")
            return
        if _natalizumab(concept) is not None:
            weeks = _interval_weeks(m)
            if weeks is not None and m.status == "active":
                self.t.extended_interval_weeks = weeks
            else:
                self.skip(e, "natalizumab order: infusions are read from MedicationAdministration")
            return
        start = _day(m.authoredOn)
        route = _route(m.dosageInstruction[0].route) if m.dosageInstruction else None
        end = None if m.status in ("active", "on-hold") else start
        self.other_medicine(e, concept, None, start, end, route)

    # -- allergies and adverse events --
    def allergy(self, e: _Entry) -> None:
        m = e.model
        if any(code in ("refuted", "entered-in-error") for _, code in _codings(m.verificationStatus)):
            self.skip(e, "verificationStatus is refuted or entered-in-error")
            return
        if any(code in ("inactive", "resolved") for _, code in _codings(m.clinicalStatus)):
            self.skip(e, "clinicalStatus inactive or resolved")
            return
        product = _natalizumab(m.code)
        agent = (m.code.text if m.code is not None and m.code.text else None) or (
            "natalizumab" if product else _text(m.code)
        )
        day = _day(m.onsetDateTime) or _day(m.recordedDate) or _day(m.lastOccurrence)
        ranks = {"mild": 0, "moderate": 1, "severe": 2}
        severities = [str(r.severity) for r in m.reaction or [] if r.severity]
        if any(
            _has(mf, c.SNOMED, c.ANAPHYLAXIS_SNOMED.code)
            for r in m.reaction or []
            for mf in r.manifestation or []
        ):
            severities.append("severe")
        if not severities and m.criticality == "high":
            severities.append("severe")
        if not agent:
            self.skip(e, "allergy without a named substance")
            return
        if not severities:
            if product is not None:
                self.review(e, day, "hypersensitivity to natalizumab without a reaction severity: review")
            else:
                self.skip(e, "allergy without reaction severity or criticality")
            return
        severity = max(severities, key=lambda s: ranks[s])
        if day is None:
            if product is not None:
                raise FhirInputError(
                    e.ref, "onset[x]", "a natalizumab hypersensitivity needs its onset or recorded date"
                )
            self.skip(e, "allergy without a date")
            return
        description = "; ".join(str(n.text) for n in m.note or [] if n.text)
        if not description:
            description = "; ".join(
                _text(mf) for r in m.reaction or [] for mf in r.manifestation or [] if _text(mf)
            )
        self.t.lists["hypersensitivities"].append(
            self.build(
                e,
                HypersensitivityHistory,
                id=self.rid(e),
                date=day,
                source_ref=e.ref,
                agent=agent,
                severity=Severity(severity),
                description=description,
            )
        )

    def adverse_event(self, e: _Entry) -> None:
        m = e.model
        if m.actuality != "actual":
            self.skip(e, "a potential adverse event")
            return
        suspects = [self.resolve(s.instance) for s in m.suspectEntity or []]
        infusion_entry = next(
            (s for s in suspects if s is not None and self.place(s) in self.infusion_by_entry), None
        )
        kind_code = _local_suffix(m.event, "reaction-")
        if _has(m.event, c.SNOMED, c.ANAPHYLAXIS_SNOMED.code):
            kind = ReactionKind.ANAPHYLAXIS
        elif kind_code in {k.value for k in ReactionKind}:
            kind = ReactionKind(str(kind_code))
        elif any(w in _text(m.event).lower() for w in ("hypersens", "allerg")):
            kind = ReactionKind.HYPERSENSITIVITY
        else:
            kind = ReactionKind.INFUSION_REACTION
        severity = next(
            (code for _, code in _codings(m.severity) if code in ("mild", "moderate", "severe")), None
        )
        grade = _extension(m, "ctcae-grade") or {"mild": 1, "moderate": 2, "severe": 3}.get(str(severity))
        if infusion_entry is not None:
            if grade is None and kind is not ReactionKind.ANAPHYLAXIS:
                raise FhirInputError(
                    e.ref, "severity", "an infusion reaction needs its severity (mild, moderate, severe)"
                )
            onset = _extension(m, "onset-minutes")
            n = self.infusion_by_entry[self.place(infusion_entry)]
            infusions = self.t.lists["infusions"]
            reaction = self.build(
                e,
                InfusionReaction,
                kind=kind,
                grade=int(grade or 3),
                onset_minutes=int(onset) if onset is not None else None,
                description=_text(m.event) if _text(m.event) != kind.value else "",
                manifestations=tuple(
                    str(x.valueString)
                    for x in m.extension or []
                    if x.url == c.EXT + "reaction-manifestation" and x.valueString
                ),
            )
            infusions[n] = infusions[n].model_copy(update={"reaction": reaction})
            return
        day = _day(m.date) or _day(m.detected)
        natalizumab_suspected = any(
            s is not None
            and _natalizumab(
                getattr(s.model, "medicationCodeableConcept", None) or getattr(s.model, "code", None)
            )
            for s in suspects
        )
        if natalizumab_suspected and kind is not ReactionKind.INFUSION_REACTION:
            if severity is None and kind is ReactionKind.ANAPHYLAXIS:
                severity = "severe"
            if severity is None:
                self.review(e, day, "hypersensitivity to natalizumab without a severity: review")
                return
            self.t.lists["hypersensitivities"].append(
                self.build(
                    e,
                    HypersensitivityHistory,
                    id=self.rid(e),
                    date=self.need_day(e, "date", day),
                    source_ref=e.ref,
                    agent="natalizumab",
                    severity=Severity(severity),
                    description=_text(m.event),
                )
            )
            return
        category = _local_suffix(m.event, "adverse-event-")
        if category in {a.value for a in AdverseEventCategory}:
            serious = any(code == "serious" for _, code in _codings(m.seriousness))
            self.t.lists["adverse_events"].append(
                self.build(
                    e,
                    AdverseEvent,
                    id=self.rid(e),
                    date=self.need_day(e, "date", day),
                    source_ref=e.ref,
                    category=AdverseEventCategory(str(category)),
                    term=_text(m.event) or str(category),
                    serious=serious,
                )
            )
            return
        self.skip(e, "adverse event not linked to a natalizumab infusion and not in alpha4's tables")

    # -- MRI --
    def report(self, e: _Entry) -> None:
        m = e.model
        local = _local_codes(m.code)
        is_mri = c.LOCAL["mri"] in local or any(
            w in _text(m.code).lower() for w in ("mri", "magnetic resonance")
        )
        if not is_mri:
            self.skip(e, "report: alpha4 reads its results from the Observations themselves")
            return
        counts: dict[str, int | None] = {"new-t2": None, "enlarging-t2": None, "gd-enhancing": None}
        for ref in m.result or []:
            target = self.resolve(ref)
            if target is None or target.type != "Observation":
                continue
            codes = _local_codes(target.model.code)
            for key in counts:
                if c.LOCAL[key] in codes and target.model.valueInteger is not None:
                    counts[key] = int(target.model.valueInteger)
                    self.consumed.add(self.place(target))
        for study in m.imagingStudy or []:
            target = self.resolve(study)
            if target is not None:
                self.consumed.add(self.place(target))
        kind = next((k for k in MriKind if f"mri-{k.value}" in local), MriKind.ROUTINE)
        day = (
            _day(m.effectiveDateTime)
            or (_day(m.effectivePeriod.start) if m.effectivePeriod else None)
            or _day(m.issued)
        )
        self.t.lists["mri_scans"].append(
            self.build(
                e,
                MriScan,
                id=self.rid(e),
                date=self.need_day(e, "effective[x]", day),
                source_ref=e.ref,
                kind=kind,
                contrast="mri-contrast" in local or _says_contrast(_text(m.code)),
                new_t2_lesions=counts["new-t2"],
                enlarging_t2_lesions=counts["enlarging-t2"],
                gadolinium_enhancing_lesions=counts["gd-enhancing"],
                pml_suspected=any(
                    c.LOCAL["pml-suspected"] in _local_codes(x) for x in m.conclusionCode or []
                ),
                report=str(m.conclusion or ""),
            )
        )

    def imaging(self, e: _Entry) -> None:
        m = e.model
        modalities = {str(x.code) for x in m.modality or []}
        if "MR" not in modalities:
            self.skip(e, "imaging study other than MR")
            return
        self.t.lists["mri_scans"].append(
            self.build(
                e,
                MriScan,
                id=self.rid(e),
                date=self.need_day(e, "started", m.started),
                source_ref=e.ref,
                kind=MriKind.ROUTINE,
                report=str(m.description or ""),
            )
        )

    def procedure(self, e: _Entry) -> None:
        m = e.model
        text = _text(m.code).lower()
        period = m.performedPeriod
        start = _day(period.start) if period else _day(m.performedDateTime)
        end = _day(period.end) if period else start
        if (
            c.LOCAL["plasma-exchange"] in _local_codes(m.code)
            or "plasma exchange" in text
            or "plasmapheresis" in text
        ):
            self.t.lists["medications"].append(
                self.build(
                    e,
                    Medication,
                    id=self.rid(e),
                    name=_text(m.code) or "plasma exchange",
                    medicine_class=MedicineClass.PLASMA_EXCHANGE,
                    start=start,
                    end=end if period else None,
                    source_ref=e.ref,
                )
            )
            return
        if c.LOCAL["mri"] in _local_codes(m.code) or "mri" in text.split():
            self.t.lists["mri_scans"].append(
                self.build(
                    e, MriScan, id=self.rid(e), date=self.need_day(e, "performed[x]", start), source_ref=e.ref
                )
            )
            return
        self.skip(e, "procedure not in alpha4's tables")

    # -- REMS steps and kept records --
    def task(self, e: _Entry) -> None:
        m = e.model
        kind = _local_suffix(m.code, "rems-")
        if kind not in {k.value for k in AuthorizationKind}:
            self.skip(e, "task not in alpha4's tables")
            return
        if m.status != "completed":
            self.skip(e, f"REMS step with status {m.status}")
            return
        period = m.executionPeriod
        self.t.lists["authorizations"].append(
            self.build(
                e,
                AuthorizationEvent,
                id=self.rid(e),
                date=self.need_day(e, "authoredOn", m.authoredOn, period.start if period else None),
                source_ref=e.ref,
                kind=AuthorizationKind(str(kind)),
                valid_until=_day(period.end) if period else None,
            )
        )

    def basic(self, e: _Entry) -> None:
        m = e.model
        if c.LOCAL["other-record"] not in _local_codes(m.code):
            self.skip(e, "Basic resource not in alpha4's tables")
            return
        data = _extension(m, "other-record-data")
        self.t.lists["other_records"].append(
            self.build(
                e,
                OtherRecord,
                id=self.rid(e),
                date=self.need_day(e, "created", m.created),
                source_ref=e.ref,
                type=str(m.code.text or "record"),
                data=json.loads(data) if data else {},
            )
        )


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


def _refs_of(e: _Entry) -> set[str]:
    return {f"Patient/{e.id}"} | ({e.full_url} if e.full_url else set())


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
    m = e.model
    return (
        _day(m.effectiveDateTime)
        or (_day(m.effectivePeriod.start) if m.effectivePeriod else None)
        or _day(m.issued)
    )


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


def is_fhir(data: Any) -> bool:
    """True when a parsed JSON document is a FHIR resource (it has ``resourceType``)."""
    return isinstance(data, dict) and "resourceType" in data


def model_json(model: BaseModel) -> JsonDict:
    out: JsonDict = json.loads(model.model_dump_json(exclude_none=True))
    return out
