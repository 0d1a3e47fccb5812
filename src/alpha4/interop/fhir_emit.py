"""alpha4 -> FHIR R4: one emitter per record kind of a patient's timeline.

:func:`patient_resources` lists the resources of one patient, the Patient first, then each kind of
record through its emitter (:data:`EMITTERS`, a table a reviewer reads). Each resource carries the
alpha4 record id as an identifier, so re-importing rebuilds the same timeline. The bundle and the
assessment resources are built in :mod:`alpha4.interop.fhir_out`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from alpha4.domain import (
    AdverseEvent,
    AdverseEventCategory,
    AntibodyResult,
    AuthorizationEvent,
    CrohnsScore,
    Discontinuation,
    Disease,
    DrugLevel,
    EdssScore,
    HypersensitivityHistory,
    Infusion,
    JcvResult,
    LabResult,
    LactationRecord,
    Medication,
    MedicineClass,
    MriScan,
    OtherRecord,
    Patient,
    PregnancyRecord,
    PregnancyStatus,
    Relapse,
    Serostatus,
    WeightRecord,
)
from alpha4.knowledge.codes import LAB_CODES

from . import codes as c
from .fhir_identity import MR_SYSTEM, identity_elements

JsonDict = dict[str, Any]

_SEROSTATUS_CODE = {Serostatus.POSITIVE: "POS", Serostatus.NEGATIVE: "NEG", Serostatus.INDETERMINATE: "IND"}

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def fhir_id(record_id: str) -> str:
    """A FHIR resource id for an alpha4 record id (kept as is when FHIR allows it).

    >>> fhir_id("ms-new-start-inf-1"), fhir_id("lab:1/2")
    ('ms-new-start-inf-1', 'h-b441a62b10a035129c119a5e58f871a5d7d23f41')
    """
    if _FHIR_ID.match(record_id):
        return record_id
    return "h-" + hashlib.sha1(record_id.encode()).hexdigest()


def resource_id(resource_type: str, record_id: str) -> str:
    """The resource id to write for a record: the EHR's own id when the record came from an EHR
    resource of this type (its record id is ``Type-id``: :func:`alpha4.interop.fhir_readers.fhir_record_id`),
    so export -> import -> export keeps the EHR's ids.

    >>> resource_id("MedicationAdministration", "MedicationAdministration-ma-1"), resource_id("Observation", "lab-1")
    ('ma-1', 'lab-1')
    """
    own = record_id.removeprefix(f"{resource_type}-")
    if own != record_id and _FHIR_ID.match(own):
        return own
    return fhir_id(record_id)


def coding(system: str, code: str, display: str | None = None) -> JsonDict:
    out: JsonDict = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(*codings: JsonDict, text: str | None = None) -> JsonDict:
    out: JsonDict = {}
    if codings:
        out["coding"] = list(codings)
    if text:
        out["text"] = text
    return out


def local(code: str, display: str | None = None) -> JsonDict:
    return coding(c.ALPHA4, code, display)


def ext(name: str, **value: Any) -> JsonDict:
    return {"url": c.EXT + name, **value}


def _day(d: dt.date) -> str:
    return d.isoformat()


def _quantity(value: float, unit: str, code: str | None = None) -> JsonDict:
    return {"value": value, "unit": unit, "system": c.UCUM, "code": code or unit}


class _Builder:
    """Collects the resources of one patient's bundle."""

    def __init__(self, patient: Patient) -> None:
        self.patient = patient
        self.pid = fhir_id(patient.id)
        self.subject = {"reference": f"Patient/{self.pid}"}
        self.resources: list[JsonDict] = []

    def add(
        self, resource_type: str, record_id: str, body: JsonDict, *, single_identifier: bool = False
    ) -> str:
        rid = resource_id(resource_type, record_id)
        identifier = {"system": c.RECORD_ID, "value": record_id}
        resource: JsonDict = {
            "resourceType": resource_type,
            "id": rid,
            "identifier": identifier if single_identifier else [identifier],
            **body,
        }
        self.resources.append(resource)
        return f"{resource_type}/{rid}"

    def observation(self, record_id: str, code: JsonDict, *, category: str | None = None, **body: Any) -> str:
        resource: JsonDict = {"status": "final"}
        if category:
            resource["category"] = [concept(coding(c.OBSERVATION_CATEGORY, category))]
        resource["code"] = code
        resource["subject"] = self.subject
        resource.update(body)
        return self.add("Observation", record_id, resource)


def patient_resources(patient: Patient) -> list[JsonDict]:
    """The FHIR resources of one patient's timeline (not yet validated): the Patient, the
    indication and the prescriber's reports, then every record through its kind's emitter."""
    b = _Builder(patient)
    _patient(b)
    _indication(b)
    _prior_immunosuppressant(b)
    _extended_interval(b)
    for kind, emit in EMITTERS:
        for record in _records(patient, kind):
            emit(b, record)
    return b.resources


def _records(patient: Patient, kind: str) -> tuple[Any, ...]:
    value = getattr(patient, kind)
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def _patient(b: _Builder) -> None:
    p = b.patient
    born = {"year": str(p.birth_date.year), "month": p.birth_date.isoformat()[:7]}
    body: JsonDict = {
        "gender": p.sex.value,
        "birthDate": born.get(p.birth_date_precision.value) or _day(p.birth_date),
    }
    if p.death is not None:  # Patient.deceased[x]: read back as the patient's death
        body.update({"deceasedDateTime": _day(p.death.date)} if p.death.date else {"deceasedBoolean": True})
    if p.site:
        body["managingOrganization"] = {"display": p.site}
    body.update(identity_elements(p.family_name, p.given_name))
    identifiers: list[JsonDict] = [{"system": c.PATIENT_ID, "value": p.id}]
    if p.mrn:
        identifiers.append({"type": {"coding": [{"system": MR_SYSTEM, "code": "MR"}]}, "value": p.mrn})
    b.resources.append(
        {
            "resourceType": "Patient",
            "id": b.pid,
            "identifier": identifiers,
            **body,
        }
    )


def _prior_immunosuppressant(b: _Builder) -> None:
    p = b.patient
    if p.prior_immunosuppressant_reported is not None:
        b.observation(
            f"{p.id}-prior-is",
            concept(local(c.LOCAL["prior-is"], "Prior immunosuppressant use (prescriber's report)")),
            valueBoolean=p.prior_immunosuppressant_reported,
        )


def _extended_interval(b: _Builder) -> None:
    p = b.patient
    if p.extended_interval_weeks is None:
        return
    b.add(
        "MedicationRequest",
        f"{p.id}-natalizumab-order",
        {
            "status": "active",
            "intent": "order",
            "medicationCodeableConcept": _natalizumab_concept(None),
            "subject": b.subject,
            "dosageInstruction": [
                {
                    "timing": {
                        "repeat": {"frequency": 1, "period": p.extended_interval_weeks, "periodUnit": "wk"}
                    }
                }
            ],
        },
    )


def _discontinuation(b: _Builder, d: Discontinuation) -> None:
    b.add(
        "MedicationStatement",
        d.id,
        {
            "status": "stopped",
            "statusReason": [concept(text=d.reason)],
            "medicationCodeableConcept": _natalizumab_concept(None),
            "subject": b.subject,
            "effectiveDateTime": _day(d.date),
            "dateAsserted": _day(d.date),
        },
    )


def _weight(b: _Builder, w: WeightRecord) -> None:
    b.observation(
        w.id,
        concept(coding(c.LOINC, c.BODY_WEIGHT, "Body weight")),
        category="vital-signs",
        effectiveDateTime=_day(w.date),
        valueQuantity=_quantity(w.weight_kg, "kg"),
    )


def _pregnancy(b: _Builder, preg: PregnancyRecord) -> None:
    value = {
        PregnancyStatus.PREGNANT: concept(
            coding(c.SNOMED, c.PREGNANT_SNOMED.code, c.PREGNANT_SNOMED.display)
        ),
        PregnancyStatus.NOT_PREGNANT: concept(
            coding(c.SNOMED, c.NOT_PREGNANT_SNOMED.code, c.NOT_PREGNANT_SNOMED.display)
        ),
        PregnancyStatus.ENDED: concept(local(c.LOCAL["pregnancy-ended"], "Pregnancy ended")),
    }[preg.status]
    components: list[JsonDict] = []
    if preg.gestational_weeks is not None:
        components.append(
            {
                "code": concept(local(c.LOCAL["gestational-age"], "Gestational age")),
                "valueQuantity": _quantity(preg.gestational_weeks, "wk"),
            }
        )
    if preg.end_date is not None:
        components.append(
            {
                "code": concept(local("pregnancy-end-date", "Pregnancy end date")),
                "valueDateTime": _day(preg.end_date),
            }
        )
    extra: JsonDict = {"component": components} if components else {}
    b.observation(
        preg.id,
        concept(coding(c.LOINC, c.PREGNANCY_STATUS, "Pregnancy status")),
        effectiveDateTime=_day(preg.date),
        valueCodeableConcept=value,
        **extra,
    )


def _lactation_record(b: _Builder, lac: LactationRecord) -> None:
    period: JsonDict = {"start": _day(lac.date)}
    if lac.end_date:
        period["end"] = _day(lac.end_date)
    b.observation(
        lac.id,
        concept(local(c.LOCAL["lactation"], "Breastfeeding")),
        effectivePeriod=period,
        valueBoolean=True,
    )


def _hypersensitivity(b: _Builder, h: HypersensitivityHistory) -> None:
    codings = [coding(c.RXNORM, c.NATALIZUMAB_RXCUI, "natalizumab")] if h.to_natalizumab else []
    reaction: JsonDict = {
        "manifestation": [concept(text=h.description or "Hypersensitivity reaction")],
        "severity": h.severity.value,
    }
    b.add(
        "AllergyIntolerance",
        h.id,
        {
            "clinicalStatus": concept(coding(c.ALLERGY_CLINICAL, "active")),
            "type": "allergy",
            "category": ["medication"],
            "code": concept(*codings, text=h.agent),
            "patient": b.subject,
            "onsetDateTime": _day(h.date),
            "recordedDate": _day(h.date),
            "reaction": [reaction],
            **({"note": [{"text": h.description}]} if h.description else {}),
        },
    )


def _lab(b: _Builder, lab: LabResult) -> None:
    known = LAB_CODES.value.get(lab.loinc)
    rng: JsonDict = {}
    if lab.reference_low is not None:
        rng["low"] = _quantity(lab.reference_low, lab.unit)
    if lab.reference_high is not None:
        rng["high"] = _quantity(lab.reference_high, lab.unit)
    b.observation(
        lab.id,
        concept(coding(c.LOINC, lab.loinc, known.display if known else None)),
        category="laboratory",
        effectiveDateTime=_day(lab.date),
        valueQuantity=_quantity(lab.value, lab.unit)
        | ({"comparator": lab.comparator.value} if lab.comparator else {}),
        **({"referenceRange": [rng]} if rng else {}),
    )


def _antibody(b: _Builder, ab: AntibodyResult) -> None:
    interp = "POS" if ab.positive else "NEG"
    result: JsonDict = (
        {"valueQuantity": _quantity(ab.concentration_ug_per_ml, "ug/mL")}
        if ab.concentration_ug_per_ml is not None
        else {"valueCodeableConcept": concept(text="Positive" if ab.positive else "Negative")}
    )
    b.observation(
        ab.id,
        concept(coding(c.LOINC, c.NATALIZUMAB_ANTIBODY, "Natalizumab Ab [Presence] in Serum")),
        category="laboratory",
        effectiveDateTime=_day(ab.date),
        interpretation=[concept(coding(c.INTERPRETATION, interp))],
        **result,
    )


def _drug_level(b: _Builder, lvl: DrugLevel) -> None:
    comp: JsonDict = {}
    if lvl.hours_after_dose is not None:
        comp["component"] = [
            {
                "code": concept(local("hours-after-dose", "Hours after dose")),
                "valueQuantity": _quantity(lvl.hours_after_dose, "h"),
            }
        ]
    b.observation(
        lvl.id,
        concept(local(c.LOCAL["drug-level"], "Natalizumab serum concentration"), text="natalizumab level"),
        category="laboratory",
        effectiveDateTime=_day(lvl.date),
        valueQuantity=_quantity(lvl.concentration_ug_per_ml, "ug/mL"),
        **comp,
    )


def _relapse(b: _Builder, r: Relapse) -> None:
    extension = [] if r.steroid_treated is None else [ext("steroid-treated", valueBoolean=r.steroid_treated)]
    b.add(
        "Condition",
        r.id,
        {
            **({"extension": extension} if extension else {}),
            "code": concept(local(c.LOCAL["relapse"], "Multiple sclerosis relapse"), text="MS relapse"),
            **(
                {"severity": concept(local(f"severity-{r.severity.value}"), text=r.severity.value)}
                if r.severity
                else {}
            ),
            "subject": b.subject,
            "onsetDateTime": _day(r.date),
        },
    )


def _edss(b: _Builder, e: EdssScore) -> None:
    b.observation(
        e.id,
        concept(
            coding(c.SNOMED, c.EDSS_SNOMED.code, c.EDSS_SNOMED.display),
            local(c.LOCAL["edss"], "EDSS"),
        ),
        category="survey",
        effectiveDateTime=_day(e.date),
        valueQuantity={"value": e.score, "unit": "{score}", "system": c.UCUM, "code": "{score}"},
    )


def _crohns_score(b: _Builder, s: CrohnsScore) -> None:
    b.observation(
        s.id,
        concept(local(f"crohns-score-{s.index.value}", s.index.value.upper())),
        category="survey",
        effectiveDateTime=_day(s.date),
        valueQuantity={"value": s.score, "unit": "{score}", "system": c.UCUM, "code": "{score}"},
    )


def _authorization(b: _Builder, a: AuthorizationEvent) -> None:
    period = {"start": _day(a.date), **({"end": _day(a.valid_until)} if a.valid_until else {})}
    b.add(
        "Task",
        a.id,
        {
            "status": "completed",
            "intent": "order",
            "code": concept(local(f"rems-{a.kind.value}", a.kind.value.replace("_", " "))),
            "for": b.subject,
            "authoredOn": _day(a.date),
            "executionPeriod": period,
        },
    )


def _other_record(b: _Builder, o: OtherRecord) -> None:
    b.add(
        "Basic",
        o.id,
        {
            "extension": [ext("other-record-data", valueString=json.dumps(o.data, sort_keys=True))],
            "code": concept(local(c.LOCAL["other-record"], "alpha4 record kept uninterpreted"), text=o.type),
            "subject": b.subject,
            "created": _day(o.date),
        },
    )


def _indication(b: _Builder) -> None:
    ind = b.patient.indication
    codings: list[JsonDict] = []
    for text in ind.codes:
        scheme, _, code = text.partition(":")
        system = {"SNOMED": c.SNOMED, "ICD10": c.ICD10CM, "ICD10CM": c.ICD10CM}.get(scheme.upper())
        if system and code:
            codings.append(coding(system, code))
    if not codings:
        if ind.disease is Disease.MULTIPLE_SCLEROSIS:
            sct = c.COURSE_SNOMED.get(ind.ms_course) if ind.ms_course else None
            codings.append(coding(c.SNOMED, sct or c.MS_SNOMED.code))
        else:
            codings.append(coding(c.SNOMED, c.CROHNS_SNOMED.code, c.CROHNS_SNOMED.display))
    codings.append(local(c.LOCAL["indication"], "Natalizumab indication"))
    if ind.ms_course:
        codings.append(local(f"ms-course-{ind.ms_course.value}"))
    text = "Multiple sclerosis" if ind.disease is Disease.MULTIPLE_SCLEROSIS else "Crohn's disease"
    cond_id = f"{b.patient.id}-indication"
    ref = b.add(
        "Condition",
        cond_id,
        {
            "clinicalStatus": concept(coding(c.CONDITION_CLINICAL, "active")),
            "verificationStatus": concept(coding(c.CONDITION_VERIFICATION, "confirmed")),
            "category": [concept(coding(c.CONDITION_CATEGORY, "problem-list-item"))],
            "code": concept(*codings, text=text),
            "subject": b.subject,
            **({"recordedDate": _day(ind.diagnosis_date)} if ind.diagnosis_date else {}),
        },
    )
    flags: list[tuple[str, bool | None]] = []
    if ind.ms_activity is not None:
        flags += [
            ("highly-active-despite-dmt", ind.ms_activity.despite_full_course_of_dmt),
            ("rapidly-evolving-severe", ind.ms_activity.rapidly_evolving_severe),
        ]
    if ind.crohns is not None:
        flags += [
            ("crohns-moderate-severe", ind.crohns.moderately_to_severely_active),
            ("crohns-inflammation", ind.crohns.evidence_of_inflammation),
            ("crohns-conventional-inadequate", ind.crohns.conventional_therapy_inadequate),
        ]
    for key, value in flags:
        if value is not None:
            b.observation(
                f"{b.patient.id}-{key}",
                concept(local(c.LOCAL[key])),
                focus=[{"reference": ref}],
                valueBoolean=value,
            )
    if ind.crohns is not None:
        for n, course in enumerate(ind.crohns.anti_tnf_courses, start=1):
            known = c.BY_NAME.get(course.drug.lower())
            period: JsonDict = {}
            if course.start:
                period["start"] = _day(course.start)
            if course.end:
                period["end"] = _day(course.end)
            b.add(
                "MedicationStatement",
                f"{b.patient.id}-anti-tnf-{n}",
                {
                    "status": "completed",
                    "statusReason": [concept(local(f"anti-tnf-{course.outcome.value}"))],
                    "category": concept(
                        local(c.LOCAL["anti-tnf-course"], "TNF-alpha inhibitor before natalizumab")
                    ),
                    "medicationCodeableConcept": concept(
                        *([coding(c.RXNORM, known.rxcui, known.name)] if known else []), text=course.drug
                    ),
                    "subject": b.subject,
                    **({"effectivePeriod": period} if period else {}),
                },
            )


def _natalizumab_concept(product: Any) -> JsonDict:
    codings = [coding(c.RXNORM, c.NATALIZUMAB_RXCUI, "natalizumab")]
    if product is not None:
        codings.append(local(f"product-{product.value}"))
        return concept(*codings, text="Tyruko" if product.value == "tyruko" else "Tysabri")
    return concept(*codings, text="natalizumab")


def _medication(b: _Builder, m: Medication) -> None:
    period: JsonDict = {}
    if m.start:
        period["start"] = _day(m.start)
    if m.end:
        period["end"] = _day(m.end)
    klass = local(f"medicine-class-{m.medicine_class.value}")
    if m.medicine_class is MedicineClass.PLASMA_EXCHANGE:
        b.add(
            "Procedure",
            m.id,
            {
                "status": "completed" if m.end or m.start else "unknown",
                "category": concept(klass),
                "code": concept(local(c.LOCAL["plasma-exchange"], "Plasma exchange"), text=m.name),
                "subject": b.subject,
                **({"performedPeriod": period} if period else {}),
            },
        )
        return
    dosage = [{"route": concept(local(f"route-{m.route.value}"), text=m.route.value)}] if m.route else []
    b.add(
        "MedicationStatement",
        m.id,
        {
            "status": "completed" if m.end else "active",
            "category": concept(klass),
            "medicationCodeableConcept": concept(
                *([coding(c.RXNORM, m.rxnorm)] if m.rxnorm else []), text=m.name
            ),
            "subject": b.subject,
            **({"effectivePeriod": period} if period else {}),
            **({"dosage": dosage} if dosage else {}),
        },
    )


def _infusion(b: _Builder, inf: Infusion) -> None:
    extension = (
        [ext("observation-minutes", valueInteger=inf.observation_minutes)]
        if inf.observation_minutes is not None
        else []
    )
    ref = b.add(
        "MedicationAdministration",
        inf.id,
        {
            **({"extension": extension} if extension else {}),
            "status": "completed",
            "medicationCodeableConcept": _natalizumab_concept(inf.product),
            "subject": b.subject,
            "effectiveDateTime": _day(inf.date),
            "dosage": {
                "route": concept(local(f"route-{inf.route.value}"), text=inf.route.value),
                "dose": _quantity(inf.dose_mg, "mg"),
            },
        },
    )
    r = inf.reaction
    if r is None:
        return
    severity = "mild" if r.grade == 1 else "moderate" if r.grade == 2 else "severe"
    extensions = [ext("ctcae-grade", valueInteger=r.grade)]
    if r.onset_minutes is not None:
        extensions.append(ext("onset-minutes", valueInteger=r.onset_minutes))
    # R4 AdverseEvent has no manifestation element; each recorded manifestation travels as an extension
    extensions += [ext("reaction-manifestation", valueString=m) for m in r.manifestations]
    b.add(
        "AdverseEvent",
        f"{inf.id}-reaction",
        {
            "extension": extensions,
            "actuality": "actual",
            "event": concept(local(f"reaction-{r.kind.value}"), text=r.description or r.kind.value),
            "subject": b.subject,
            "date": _day(inf.date),
            "severity": concept(
                coding("http://terminology.hl7.org/CodeSystem/adverse-event-severity", severity)
            ),
            "suspectEntity": [{"instance": {"reference": ref}}],
        },
        single_identifier=True,
    )


def _jcv(b: _Builder, jcv: JcvResult) -> None:
    method = concept(local(f"jcv-assay-{jcv.assay.value}"), text=jcv.assay.value)
    if jcv.serostatus is not None:
        b.observation(
            jcv.id,
            concept(coding(c.LOINC, c.JCV_ANTIBODY, "JC virus Ab [Presence] in Serum")),
            category="laboratory",
            effectiveDateTime=_day(jcv.date),
            valueCodeableConcept=concept(text=jcv.serostatus.value.capitalize()),
            interpretation=[concept(coding(c.INTERPRETATION, _SEROSTATUS_CODE[jcv.serostatus]))],
            method=method,
        )
    if jcv.index is not None:
        index_id = f"{jcv.id}-index"
        b.observation(
            index_id,
            concept(coding(c.LOINC, c.JCV_INDEX, "JC virus Ab index")),
            category="laboratory",
            effectiveDateTime=_day(jcv.date),
            valueQuantity={"value": jcv.index, "unit": "{index}", "system": c.UCUM, "code": "{index}"}
            | ({"comparator": jcv.index_comparator.value} if jcv.index_comparator else {}),
            method=method,
            derivedFrom=[{"reference": f"Observation/{resource_id('Observation', jcv.id)}"}],
        )


def _mri(b: _Builder, mri: MriScan) -> None:
    results = []
    for key, value in (
        ("new-t2", mri.new_t2_lesions),
        ("enlarging-t2", mri.enlarging_t2_lesions),
        ("gd-enhancing", mri.gadolinium_enhancing_lesions),
    ):
        if value is not None:
            results.append(
                {
                    "reference": b.observation(
                        f"{mri.id}-{key}",
                        concept(local(c.LOCAL[key])),
                        category="imaging",
                        effectiveDateTime=_day(mri.date),
                        valueInteger=value,
                    )
                }
            )
    codings = [local(c.LOCAL["mri"], "MRI of brain"), local(f"mri-{mri.kind.value}")]
    if mri.contrast:
        codings.append(local("mri-contrast", "with gadolinium contrast"))
    conclusion = [concept(local(c.LOCAL["pml-suspected"], "PML suspected"))] if mri.pml_suspected else []
    b.add(
        "DiagnosticReport",
        mri.id,
        {
            "status": "final",
            "category": [concept(coding(c.DIAGNOSTIC_SERVICE, "RAD", "Radiology"))],
            "code": concept(*codings, text="MRI brain"),
            "subject": b.subject,
            "effectiveDateTime": _day(mri.date),
            **({"result": results} if results else {}),
            **({"conclusion": mri.report} if mri.report else {}),
            **({"conclusionCode": conclusion} if conclusion else {}),
        },
    )


def _adverse_event(b: _Builder, ae: AdverseEvent) -> None:
    codings = [local(f"adverse-event-{ae.category.value}")]
    if ae.category is AdverseEventCategory.PML:
        codings = [
            coding(c.SNOMED, c.PML_SNOMED.code, c.PML_SNOMED.display),
            coding(c.ICD10CM, c.PML_ICD10),
            *codings,
        ]
    resolved = ae.resolved_on is not None
    b.add(
        "Condition",
        ae.id,
        {
            "extension": [ext("serious", valueBoolean=ae.serious)],
            "clinicalStatus": concept(coding(c.CONDITION_CLINICAL, "resolved" if resolved else "active")),
            "verificationStatus": concept(
                coding(c.CONDITION_VERIFICATION, "confirmed" if ae.confirmed else "provisional")
            ),
            "code": concept(*codings, text=ae.term),
            "subject": b.subject,
            "onsetDateTime": _day(ae.date),
            **({"abatementDateTime": _day(ae.resolved_on)} if ae.resolved_on else {}),
        },
    )


# --- the table: which emitter writes each kind of record, in bundle order ----------------------
EMITTERS: tuple[tuple[str, Callable[[_Builder, Any], None]], ...] = (
    ("weights", _weight),
    ("medications", _medication),
    ("pregnancies", _pregnancy),
    ("lactation", _lactation_record),
    ("hypersensitivities", _hypersensitivity),
    ("infusions", _infusion),
    ("labs", _lab),
    ("jcv_results", _jcv),
    ("antibody_results", _antibody),
    ("drug_levels", _drug_level),
    ("mri_scans", _mri),
    ("relapses", _relapse),
    ("edss_scores", _edss),
    ("crohns_scores", _crohns_score),
    ("adverse_events", _adverse_event),
    ("authorizations", _authorization),
    ("discontinuation", _discontinuation),
    ("other_records", _other_record),
)
