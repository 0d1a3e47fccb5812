"""Observation -> laboratory results, anti-JCV results, antibodies, weight, pregnancy and scores.

Specific LOINC codes go through :data:`OBSERVATION_BY_LOINC` (a table a reviewer reads); any
other LOINC laboratory code is a lab result converted to alpha4's unit, or, when it cannot be
interpreted, an uninterpreted record that blocks nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from alpha4.domain import (
    AntibodyResult,
    Comparator,
    CrohnsIndexKind,
    CrohnsScore,
    DrugLevel,
    EdssScore,
    JcvAssay,
    JcvResult,
    LabResult,
    LactationRecord,
    PregnancyRecord,
    PregnancyStatus,
    Serostatus,
    WeightRecord,
)
from alpha4.domain.records import decided_value
from alpha4.domain.units import UnitError, conversion_factor, loinc_check_digit_ok
from alpha4.knowledge import label
from alpha4.knowledge.codes import LAB_CODES

from . import codes as c
from .fhir_bundle import (
    UNREAD_LAB,
    FhirInputError,
    Unmapped,
    _Entry,
)
from .fhir_map_base import MapperBase
from .fhir_readers import (
    _assay,
    _codings,
    _day,
    _from_alpha4,
    _has,
    _has_value,
    _jcv_day,
    _local_codes,
    _local_suffix,
    _observation_day,
    _qualitative,
    _stratify_status,
    _text,
)

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


class ObservationMapper(MapperBase):
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
                code = sorted(read)[0]
                self.review(e, day, f"{_text(m.code) or 'LOINC ' + code}: no result ({why})", loinc=code)
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
                self.review(e, day, f"{name}: no numeric value, not interpreted", loinc=loinc)
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
            self.review(e, day, f"{name} {q.value} {unit}: {problem}; not interpreted", loinc=loinc)
            return
        low = high = None
        for rng in m.referenceRange or []:
            low = float(rng.low.value) if rng.low is not None and rng.low.value is not None else low
            high = float(rng.high.value) if rng.high is not None and rng.high.value is not None else high
            break
        self.t.lists["labs"].append(
            self.build(
                e,
                LabResult,
                id=self.rid(e),
                date=self.need_day(e, "effective[x]", day),
                source_ref=e.ref,
                loinc=loinc,
                value=float(q.value),
                # "<50": the bound, said and decided on by the rules (alpha4.domain.units.decided_value)
                comparator=str(q.comparator) if q.comparator else None,
                unit=unit,
                reference_low=low,
                reference_high=high,
            )
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
        A comparator is kept with the index: ``<0.20`` is below the negative cut-off (negative)."""
        main = status_entry or index_entry
        if main is None:  # a caller bug, not an EHR input: say so rather than read nothing
            raise ValueError("jcv_result needs the serostatus or the index Observation")
        serostatus = _qualitative(status_entry.model) if status_entry else None
        quantity = None
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
                quantity = component.valueQuantity
        index: float | None = None
        comparator = str(quantity.comparator) if quantity is not None and quantity.comparator else ""
        if quantity is not None:
            index = float(quantity.value)
        assay = (
            _assay(main.model.method)
            or (_assay(index_entry.model.method) if index_entry else None)
            or JcvAssay.STRATIFY
        )
        if comparator in ("<", "<=") and index is not None:
            below = assay is JcvAssay.STRATIFY and index <= label.STRATIFY_NEGATIVE_BELOW.value
            if below and serostatus in (None, Serostatus.NEGATIVE):
                serostatus = Serostatus.NEGATIVE  # "<0.20": below the negative cut-off
        if serostatus is None and index is not None:
            if index_entry is not None and _qualitative(index_entry.model) is not None:
                serostatus = _qualitative(index_entry.model)
            elif assay is JcvAssay.STRATIFY:
                serostatus = _stratify_status(
                    decided_value(index, Comparator(comparator) if comparator else None)
                )
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
                # ">3.0": kept as said; the PML rules read it just above 3.0 (decided_value)
                index_comparator=comparator or None,
            )
        )


# --- Observations by LOINC code: the table a reviewer reads (first match in this order wins) ----
ObservationHandler = Callable[[ObservationMapper, _Entry, "dt.date | None"], None]
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
