"""Condition, AllergyIntolerance and AdverseEvent -> indication, PML and adverse events, hypersensitivity.

``clinicalStatus`` / ``verificationStatus`` change what a condition means, so they are read first.
"""

from __future__ import annotations

import datetime as dt

from alpha4.domain import (
    AdverseEvent,
    AdverseEventCategory,
    Disease,
    HypersensitivityHistory,
    Indication,
    InfusionReaction,
    MSCourse,
    PregnancyRecord,
    PregnancyStatus,
    ReactionKind,
    Relapse,
    Severity,
)

from . import codes as c
from .fhir_bundle import (
    FhirInputError,
    _Entry,
)
from .fhir_map_base import MapperBase
from .fhir_readers import (
    _codings,
    _day,
    _extension,
    _has,
    _local_codes,
    _local_suffix,
    _natalizumab,
    _text,
)

# Condition.verificationStatus codes that leave a diagnosis unconfirmed, clinicalStatus codes that
# Condition.verificationStatus codes that leave a diagnosis unconfirmed, clinicalStatus codes that
# say it is not current (HL7 terminology condition-ver-status, condition-clinical).
PROVISIONAL = frozenset({"provisional", "differential", "unconfirmed"})
NOT_CURRENT = frozenset({"inactive", "resolved"})


class ConditionMapper(MapperBase):
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
