"""MedicationAdministration, MedicationStatement and MedicationRequest -> infusions and other medicines.

A natalizumab dose is counted only when the EHR says it was given; one alpha4 cannot name is kept
for review, never dropped (an under-counted exposure lowers the PML risk shown).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from alpha4.domain import (
    AntiTnfCourse,
    AntiTnfFailure,
    Discontinuation,
    Infusion,
    Medication,
    Route,
)

from . import codes as c
from .fhir_bundle import (
    FhirInputError,
    _Entry,
)
from .fhir_map_base import MapperBase
from .fhir_readers import (
    _codings,
    _Concept,
    _day,
    _earliest,
    _extension,
    _interval_weeks,
    _latest,
    _local_codes,
    _local_suffix,
    _medicine_class,
    _natalizumab,
    _route,
    _text,
    _texts,
)

# MedicationAdministration.status (R4): what counts as a dose given, what never does; the rest
# (on-hold, unknown) is shown for review and not counted.
GIVEN = frozenset({"completed", "in-progress"})
NOT_GIVEN = frozenset({"not-done", "entered-in-error", "stopped"})


class MedicationMapper(MapperBase):
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
