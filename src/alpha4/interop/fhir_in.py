"""FHIR R4 -> alpha4: build a patient's timeline from a Bundle (or a list of resources).

Bundle handling (entries, validation, errors) lives in :mod:`alpha4.interop.fhir_bundle`, the small
element readers in :mod:`alpha4.interop.fhir_readers`; this module is the mapping itself.

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

from pydantic import ValidationError

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
    ReactionKind,
    Relapse,
    Route,
    Serostatus,
    Severity,
    Sex,
    WeightRecord,
)
from alpha4.domain.partial_dates import Precision, parse_partial
from alpha4.domain.units import UnitError, conversion_factor, loinc_check_digit_ok
from alpha4.knowledge import label
from alpha4.knowledge.codes import LAB_CODES

from . import codes as c
from .fhir_bundle import BUNDLE_TYPES as BUNDLE_TYPES
from .fhir_bundle import READ_TYPES as READ_TYPES
from .fhir_bundle import (
    UNREAD_LAB,
    FhirInputError,
    JsonDict,
    NoIndicationError,
    Unmapped,
    _Entry,
    _first_error,
    _names_a_patient,
    _patient_reference,
    _same_reference,
    bundle_entries,
    read_entry,
)
from .fhir_bundle import VALIDATED as VALIDATED
from .fhir_bundle import is_fhir as is_fhir
from .fhir_bundle import model_json as model_json
from .fhir_bundle import next_link as next_link
from .fhir_bundle import validate_resource as validate_resource
from .fhir_identity import patient_identity
from .fhir_readers import (
    _assay,
    _codings,
    _Concept,
    _day,
    _deceased,
    _earliest,
    _extension,
    _first_identifier,
    _from_alpha4,
    _has,
    _has_value,
    _interval_weeks,
    _jcv_day,
    _latest,
    _local_codes,
    _local_suffix,
    _medicine_class,
    _modifier_extensions,
    _natalizumab,
    _observation_day,
    _partial_of,
    _patient_identifier,
    _qualitative,
    _record_id,
    _route,
    _says_contrast,
    _stratify_status,
    _summary,
    _text,
    _texts,
)
from .fhir_readers import serostatus_words as serostatus_words

__all__ = [
    "BUNDLE_TYPES",
    "GIVEN",
    "LOINC_ORDER",
    "NOT_CURRENT",
    "NOT_GIVEN",
    "OBSERVATION_BY_LOINC",
    "PROVISIONAL",
    "READ_LOINC",
    "READ_TYPES",
    "UNREAD_LAB",
    "VALIDATED",
    "BundlePatients",
    "FhirInputError",
    "Imported",
    "NoIndicationError",
    "PatientFromBundle",
    "Unmapped",
    "bundle_entries",
    "bundle_to_patient",
    "bundle_to_patients",
    "is_fhir",
    "model_json",
    "next_link",
    "read_entry",
    "resources_to_patient",
    "serostatus_words",
    "validate_resource",
]

# Condition.verificationStatus codes that leave a diagnosis unconfirmed, clinicalStatus codes that
# say it is not current (HL7 terminology condition-ver-status, condition-clinical).
PROVISIONAL = frozenset({"provisional", "differential", "unconfirmed"})
NOT_CURRENT = frozenset({"inactive", "resolved"})

# LOINC codes some mapper reads (anything else is a record no alpha4 rule reads)
READ_LOINC = frozenset(
    {
        *LAB_CODES.value,
        c.JCV_ANTIBODY,
        c.JCV_INDEX,
        c.NATALIZUMAB_ANTIBODY,
        c.BODY_WEIGHT,
        c.PREGNANCY_STATUS,
        c.HCG_URINE,
        c.JCV_DNA_PCR,
    }
)

# MedicationAdministration.status (R4): what counts as a dose given, what never does; the rest
# (on-hold, unknown) is shown for review and not counted.
GIVEN = frozenset({"completed", "in-progress"})
NOT_GIVEN = frozenset({"not-done", "entered-in-error", "stopped"})


@dataclass(frozen=True, slots=True)
class Imported:
    patient: Patient
    unmapped: tuple[Unmapped, ...]
    deceased: str | None = None  # "deceased on 2025-03-02" (Patient.deceased[x]); None: not recorded

    @property
    def assessable(self) -> bool:
        """False for a patient the EHR records as deceased: no gate, schedule or worklist entry."""
        return self.deceased is None


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
            entry = read_entry(full_url, raw, f"entry[{n}]")
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
        entries.append(read_entry(full_url, raw, f"entry[{n}]"))
    return _Mapper(entries, patient_id, list(skipped)).run()


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

    def resolve(self, reference: Any, within: _Entry | None = None) -> _Entry | None:
        """The entry a Reference points at: contained in ``within`` (``#id``), by fullUrl
        (``urn:uuid:``, absolute URL) or as ``Type/id`` (relative, or the tail of an absolute URL)."""
        ref = getattr(reference, "reference", None)
        if not ref:
            return None
        ref = str(ref)
        if ref.startswith("#"):
            if within is None:
                return None
            for raw, model in zip(
                within.raw.get("contained") or [], within.model.contained or [], strict=False
            ):
                if isinstance(raw, dict) and raw.get("id") == ref[1:]:
                    return _Entry(None, raw, model)
            return None
        if ref in self.index:
            return self.index[ref]
        parts = ref.split("?")[0].rstrip("/").split("/")
        if len(parts) >= 4 and parts[-2] == "_history":
            parts = parts[:-2]  # a versioned reference: Type/id/_history/n
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
        """The record's day. A date the EHR recorded only to the month or year (``2024-05``) is
        kept: the earliest day of it is used (a test or dose then counts as older, so what is due
        comes due sooner, never later) and a note on the timeline says so."""
        for v in values:
            day = _day(v)
            if day is not None:
                return day
        partial = _partial_of(e.raw)
        if partial is not None:
            self.note(
                e,
                partial.earliest,
                f"date recorded as {partial.text} ({partial.precision.value} only): alpha4 uses "
                f"{partial.earliest.isoformat()}, the earliest day it can be",
            )
            return partial.earliest
        raise FhirInputError(e.ref, element, "a date is required")

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
                    type=_summary(f"FHIR {e.type} ({reason})"),
                    data={"reason": reason, "reference": e.ref},
                )
            )

    def note(self, e: _Entry, day: dt.date | None, text: str) -> None:
        """Something a clinician must know about a record alpha4 did read: an uninterpreted record
        on the timeline (a finding shows it), or an unmapped note when it has no date."""
        if day is None:
            self.skip(e, text)
            return
        self.t.lists["other_records"].append(
            self.build(
                e,
                OtherRecord,
                id=self.rid(e, "-note"),
                date=day,
                source_ref=e.ref,
                type=_summary(text),
                data={"note": text, "reference": e.ref},
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
            modifiers = _modifier_extensions(e.raw)
            if modifiers:
                self.modified(e, modifiers)
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
        deceased = _deceased(patient_entry.model)
        if deceased is not None and self.t.discontinuation is None:
            # Whatever reads the stored timeline later (registry, worklist) stops too.
            day = _day(patient_entry.model.deceasedDateTime)
            if day is not None:
                self.t.discontinuation = Discontinuation(
                    id=self.rid(patient_entry, "-deceased"),
                    date=day,
                    source_ref=patient_entry.ref,
                    reason=f"patient {deceased} (Patient.deceasedDateTime)",
                )
        return Imported(self.make_patient(patient_entry), tuple(self.unmapped), deceased)

    def modified(self, e: _Entry, urls: list[str]) -> None:
        """A resource with a modifierExtension alpha4 does not know: FHIR forbids reading it as if the
        extension were absent (it may negate the resource), so it is reported, and kept for review when
        it may be a natalizumab dose."""
        reason = (
            f"carries modifierExtension {', '.join(urls)}, which alpha4 does not know; it may change what "
            "the resource means, so it is not read"
        )
        may_be_dose = e.type in ("MedicationAdministration", "MedicationStatement")
        day = None
        if may_be_dose:
            m = e.model
            day = _day(m.effectiveDateTime) or (_day(m.effectivePeriod.start) if m.effectivePeriod else None)
        if may_be_dose and day is not None:
            self.review(e, day, reason)
        else:
            self.skip(e, reason)

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
        partial = parse_partial(m.birthDate) if birth is None and m.birthDate is not None else None
        if partial is not None:
            # Known to the year or month only: the latest day (the youngest the patient can be: the
            # paediatric checks then apply whenever they may), said on the timeline with the range.
            birth = partial.latest
            self.note(
                e,
                partial.latest,
                f"birth date recorded as {partial.text} ({partial.precision.value} only): alpha4 uses "
                f"{partial.latest.isoformat()}; the patient may be up to a "
                f"{'year' if partial.precision is Precision.YEAR else 'month'} older",
            )
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
                    **patient_identity(m),
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
        clinical = {code for _, code in _codings(m.clinicalStatus)}
        provisional = {code for _, code in verification} & PROVISIONAL
        if c.PREGNANT_SNOMED.code in snomed:
            ended = bool(m.abatementDateTime) or bool(clinical & NOT_CURRENT)
            self.t.lists["pregnancies"].append(
                self.build(
                    e,
                    PregnancyRecord,
                    id=self.rid(e),
                    date=self.need_day(e, "onset[x]", m.onsetDateTime, m.recordedDate),
                    source_ref=e.ref,
                    status=PregnancyStatus.ENDED if ended else PregnancyStatus.PREGNANT,
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
        name = "multiple sclerosis" if disease is Disease.MULTIPLE_SCLEROSIS else "Crohn's disease"
        if provisional:
            self.note(
                e,
                _day(m.recordedDate) or _day(m.onsetDateTime),
                f"the {name} diagnosis is only {', '.join(sorted(provisional))} "
                "(Condition.verificationStatus): confirm the indication",
            )
        if clinical & NOT_CURRENT:
            self.note(
                e,
                _day(m.abatementDateTime) or _day(m.recordedDate),
                f"the {name} Condition is recorded as {', '.join(sorted(clinical & NOT_CURRENT))} "
                "(Condition.clinicalStatus): confirm the indication",
            )
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
        day = _observation_day(m)
        read = loinc & READ_LOINC
        if m.dataAbsentReason is not None and not _has_value(m):
            why = _text(m.dataAbsentReason) or next((code for _, code in _codings(m.dataAbsentReason)), "")
            if read:
                self.review(e, day, f"{_text(m.code) or 'LOINC ' + sorted(read)[0]}: no result ({why})")
            else:
                self.skip(e, f"no result (dataAbsentReason {why})")
            return
        handler = next((OBSERVATION_BY_LOINC[code] for code in LOINC_ORDER if code in loinc), None)
        if handler is not None:
            handler(self, e, day)
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
        try:
            factor = conversion_factor(unit, "ug/mL")
        except UnitError as error:
            raise FhirInputError(
                e.ref, "valueQuantity.code", f"unit {unit!r} is not a mass concentration ({error})"
            ) from None
        return float(q.value) * factor

    def lab(self, e: _Entry, loinc: str, day: dt.date | None) -> None:
        """A laboratory result. One that cannot be interpreted (no value, no unit, a unit that does
        not convert, a corrupt code) is kept as an uninterpreted record: reported, shown as a finding,
        blocking nothing else of the patient."""
        m = e.model
        q = m.valueQuantity
        known = LAB_CODES.value.get(loinc)
        name = f"{known.display} (LOINC {loinc})" if known else f"LOINC {loinc}"
        if not loinc_check_digit_ok(loinc):
            self.review(e, day, f"{name}: {loinc!r} is not a valid LOINC code (check digit); not interpreted")
            return
        if known is None and not _from_alpha4(e):
            name = f"{_text(m.code) or 'LOINC'} ({loinc})"
            self.unmapped.append(Unmapped(e.type, e.id or e.full_url, name, UNREAD_LAB))
            return
        if q is None or q.value is None:
            if known is None:
                self.skip(e, f"LOINC {loinc}: no numeric valueQuantity")
            else:
                self.review(e, day, f"{name}: no numeric value, not interpreted")
            return
        # Quantity.code is UCUM when system is UCUM (or absent); otherwise the printed unit is the one
        # alpha4 can read (through its table of laboratory units).
        ucum_coded = not q.system or q.system == c.UCUM
        unit = str((q.code or q.unit) if ucum_coded else (q.unit or "")) or ""
        problem = None
        if not unit:
            problem = (
                "no unit" if ucum_coded else f"unit system {q.system!r} is not UCUM and no unit is printed"
            )
        elif known is not None:
            try:
                conversion_factor(unit, known.unit)
            except UnitError:
                problem = f"unit {unit!r} cannot be converted to {known.unit}"
        if problem is not None:
            self.review(e, day, f"{name} {q.value} {unit}: {problem}; not interpreted")
            return
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
        self.t.lists["labs"].append(result)
        if q.comparator:
            bound = {"<": "below", "<=": "at most", ">=": "at least", ">": "above"}[str(q.comparator)]
            self.note(
                e,
                result.date,
                f"{name} was reported as {q.comparator}{q.value} {unit}: the value is {bound} {q.value}; "
                f"alpha4 compares {q.value}",
            )

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
        day = _observation_day(m)
        try:
            factor = conversion_factor(unit, "kg")
        except UnitError as error:
            self.review(e, day, f"body weight {q.value} {unit!r}: not a mass alpha4 can convert ({error})")
            return
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
                date=self.need_day(e, "effective[x]", _observation_day(m)),
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
        """One anti-JCV result from its serostatus and index, wherever the laboratory put them: two
        Observations, the index as a ``component`` of the serostatus Observation, or either alone.
        A comparator is honoured: ``<0.20`` is below the negative cut-off (negative, no index)."""
        main = status_entry or index_entry
        assert main is not None
        serostatus = _qualitative(status_entry.model) if status_entry else None
        quantity, holder = None, index_entry
        if index_entry is not None:
            quantity = index_entry.model.valueQuantity
            if quantity is None or quantity.value is None:
                self.skip(index_entry, "JC virus index without a numeric value")
                quantity = None
        if quantity is None and status_entry is not None:
            component = next(
                (
                    comp
                    for comp in status_entry.model.component or []
                    if _has(comp.code, c.LOINC, c.JCV_INDEX) and comp.valueQuantity is not None
                ),
                None,
            )
            if component is not None and component.valueQuantity.value is not None:
                quantity, holder = component.valueQuantity, status_entry
        index: float | None = None
        comparator = str(quantity.comparator) if quantity is not None and quantity.comparator else ""
        if quantity is not None:
            index = float(quantity.value)
        assay = (
            _assay(main.model.method)
            or (_assay(index_entry.model.method) if index_entry else None)
            or JcvAssay.STRATIFY
        )
        if comparator and index is not None and holder is not None:
            if comparator in ("<", "<="):
                below = assay is JcvAssay.STRATIFY and index <= label.STRATIFY_NEGATIVE_BELOW.value
                if below and serostatus in (None, Serostatus.NEGATIVE):
                    serostatus = Serostatus.NEGATIVE
                self.note(
                    holder,
                    _jcv_day(main),
                    f"JC virus index reported as {comparator}{index}"
                    + (": below the negative cut-off, read as negative" if below else ": an upper bound only")
                    + "; the exact index is unknown",
                )
                index = None  # an upper bound is not an index value
            else:
                self.note(
                    holder,
                    _jcv_day(main),
                    f"JC virus index reported as {comparator}{index}: the index is at least {index}; "
                    f"alpha4 reads {index}",
                )
        if serostatus is None and index is not None:
            if index_entry is not None and _qualitative(index_entry.model) is not None:
                serostatus = _qualitative(index_entry.model)
            elif assay is JcvAssay.STRATIFY:
                serostatus = _stratify_status(index)
        if serostatus is None:
            self.review(main, _jcv_day(main), "anti-JCV result without a serostatus alpha4 can read")
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
        concept, unknown = self.medicine(e)
        product = _natalizumab(concept)
        day = _day(m.effectiveDateTime) or (_day(m.effectivePeriod.start) if m.effectivePeriod else None)
        if unknown is not None:
            # It may have been natalizumab: an administration alpha4 cannot name is shown, not dropped.
            self.review(e, day, f"medication administration ({m.status}): {unknown}; it may be natalizumab")
            return
        if product is None and not _texts(concept) and _medicine_class(concept, None)[0] is None:
            codes = ", ".join(f"{s or '?'}|{code}" for s, code in _codings(concept))
            self.review(
                e, day, f"administration of {codes}, a medicine alpha4 cannot name: it may be natalizumab"
            )
            return
        if product is None:
            self.other_medicine(e, concept, None, day, day, None)
            return
        if m.status in NOT_GIVEN:
            self.skip(e, f"natalizumab administration with status {m.status}: not a dose given")
            return
        if m.status not in GIVEN:
            self.review(e, day, f"natalizumab administration with status {m.status}: not counted; confirm it")
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

    def medicine(self, e: _Entry) -> tuple[Any, str | None]:
        """What a medication resource names, and why it cannot be told when it cannot.

        ``medicationCodeableConcept``, or the Medication ``medicationReference`` points at: contained
        (``#id``), a bundle entry (``urn:uuid:``, relative or absolute URL), with its ingredients and
        the reference's display text. An unresolvable reference without a display gives a reason.
        """
        m = e.model
        if m.medicationCodeableConcept is not None:
            return m.medicationCodeableConcept, None
        reference = m.medicationReference
        if reference is None:
            return None, "no medication[x]"
        target = self.resolve(reference, within=e)
        parts: list[Any] = []
        texts: list[str] = [str(reference.display)] if reference.display else []
        if target is not None and target.type == "Medication":
            parts.append(target.model.code)
            for ingredient in target.model.ingredient or []:
                parts.append(ingredient.itemCodeableConcept)
                item = (
                    self.resolve(ingredient.itemReference, within=target)
                    if ingredient.itemReference
                    else None
                )
                if item is not None and item.type in ("Medication", "Substance"):
                    parts.append(item.model.code)
        codings = [cd for p in parts if p is not None for cd in (p.coding or [])]
        texts += [t for p in parts if p is not None and (t := _text(p))]
        texts += [str(cd.display) for cd in codings if cd.display]
        if not codings and not texts:
            why = (
                f"medicationReference {reference.reference!r} cannot be resolved (neither contained nor "
                "in the bundle)"
                if target is None
                else f"the Medication {target.ref} names no code or text"
            )
            return None, why
        return _Concept(codings, " / ".join(dict.fromkeys(texts)) or None), None

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
        concept, unknown = self.medicine(e)
        period = m.effectivePeriod
        if unknown is not None:
            self.skip(e, f"medication statement: {unknown}")
            return
        # A start or end known only to the month or year: the interval's outer ends (the medicine
        # counts as taken for as long as it may have been).
        start = _earliest(period.start) if period else _earliest(m.effectiveDateTime)
        end = _latest(period.end) if period else None
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
        if m.status in ("draft", "entered-in-error", "cancelled"):
            self.skip(e, f"a {m.status} order, not a record of treatment")
            return
        concept, unknown = self.medicine(e)
        if unknown is not None:
            self.skip(e, f"medication request: {unknown}")
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


# --- Observations by LOINC code: the table a reviewer reads (first match in this order wins) ----
ObservationHandler = Callable[[_Mapper, _Entry, "dt.date | None"], None]
OBSERVATION_BY_LOINC: dict[str, ObservationHandler] = {
    # anti-JCV serostatus and index: paired after every resource is read (two Observations or one)
    c.JCV_ANTIBODY: lambda m, e, day: m.jcv.append(e),
    c.JCV_INDEX: lambda m, e, day: m.jcv.append(e),
    c.NATALIZUMAB_ANTIBODY: lambda m, e, day: m.antibody(e, day),
    c.BODY_WEIGHT: lambda m, e, day: m.weight(e),
    c.PREGNANCY_STATUS: lambda m, e, day: m.pregnancy(e, False),
    c.HCG_URINE: lambda m, e, day: m.pregnancy(e, True),
    c.JCV_DNA_PCR: lambda m, e, day: m.review(
        e, day, "JC virus DNA (PCR) result: review for PML; alpha4 reads PML from a Condition"
    ),
}
LOINC_ORDER = tuple(OBSERVATION_BY_LOINC)  # a pregnancy status coded with hCG too is a status


def _refs_of(e: _Entry) -> set[str]:
    return {f"Patient/{e.id}"} | ({e.full_url} if e.full_url else set())
