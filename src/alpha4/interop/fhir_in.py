"""FHIR R4 -> alpha4: build a patient's timeline from a Bundle (or a list of resources).

Bundle handling (entries, validation, errors) lives in :mod:`alpha4.interop.fhir_bundle`, the small
element readers in :mod:`alpha4.interop.fhir_readers`, and one mapper module per resource family
(``fhir_map_patient``, ``fhir_map_conditions``, ``fhir_map_observations``, ``fhir_map_medications``,
``fhir_map_records``, on ``fhir_map_base``). This module is the public API and the dispatch: which
family reads each resource, in which order.

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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from alpha4.domain import (
    Discontinuation,
    Patient,
)

from .fhir_bundle import BUNDLE_TYPES as BUNDLE_TYPES
from .fhir_bundle import READ_TYPES as READ_TYPES
from .fhir_bundle import (
    UNREAD_LAB,
    FhirInputError,
    JsonDict,
    NoIndicationError,
    Unmapped,
    _Entry,
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
from .fhir_map_conditions import NOT_CURRENT as NOT_CURRENT
from .fhir_map_conditions import PROVISIONAL as PROVISIONAL
from .fhir_map_conditions import ConditionMapper
from .fhir_map_medications import GIVEN as GIVEN
from .fhir_map_medications import NOT_GIVEN as NOT_GIVEN
from .fhir_map_medications import MedicationMapper
from .fhir_map_observations import LOINC_ORDER as LOINC_ORDER
from .fhir_map_observations import OBSERVATION_BY_LOINC as OBSERVATION_BY_LOINC
from .fhir_map_observations import READ_LOINC as READ_LOINC
from .fhir_map_observations import ObservationMapper
from .fhir_map_patient import PatientMapper
from .fhir_map_records import RecordMapper
from .fhir_readers import (
    _day,
    _deceased,
    _modifier_extensions,
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


# --- the mapper: one mixin per resource family (fhir_map_*), the dispatch here ---------------
class _Mapper(PatientMapper, ConditionMapper, ObservationMapper, MedicationMapper, RecordMapper):
    """One patient's resources -> its timeline: each resource goes to its family's mapper."""

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


def _refs_of(e: _Entry) -> set[str]:
    return {f"Patient/{e.id}"} | ({e.full_url} if e.full_url else set())
